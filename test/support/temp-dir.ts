// Temporary folders that remove themselves: after the test that made one (pass or fail), or, when made
// outside a test (a beforeAll), when the worker exits. test/global-setup.ts fails the run if any is left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

const outsideTests: string[] = [];
process.once('exit', () => outsideTests.forEach(remove));

export function tempDir(prefix = 'cw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    outsideTests.push(dir); // not inside a test or its beforeEach
  }
  return dir;
}

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
