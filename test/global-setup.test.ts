// The check behind "tests leave nothing behind": the run's own temporary folder must be empty at the end.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from './global-setup.ts';

describe('the temporary-folder check', () => {
  it('fails the run, naming what was left, and still removes the folder and restores TMPDIR', () => {
    const before = process.env.TMPDIR;
    const teardown = setup();
    const dir = tmpdir();
    expect(dir).not.toBe(before);
    mkdirSync(join(dir, 'cw-left-behind'));
    writeFileSync(join(dir, 'stray.sqlite'), '');
    expect(() => teardown()).toThrow('the tests left 2 entries in the temporary directory: cw-left-behind, stray.sqlite');
    expect(existsSync(dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });

  it('passes when nothing is left but the caches of the tools tests start (tsx)', () => {
    const teardown = setup();
    mkdirSync(join(tmpdir(), 'tsx-0'));
    expect(() => teardown()).not.toThrow();
  });
});

describe('two projects in one run (SQLite and PostgreSQL)', () => {
  it('share one folder and one check: the second project is not a folder left in the first', () => {
    const before = process.env.TMPDIR;
    const first = setup();
    const dir = tmpdir();
    const second = setup(); // vitest runs the global setup once per project, in the same process
    expect(tmpdir()).toBe(dir);
    expect(() => second()).not.toThrow();
    expect(() => first()).not.toThrow();
    expect(existsSync(dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });
});
