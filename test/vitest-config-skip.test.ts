// `npm test` without a PostgreSQL server: the PostgreSQL project is skipped with ONE line saying so, which
// never shows the password of TEST_DATABASE_URL (vitest.config.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function listTests(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    // `vitest list` reads the configuration as a run does, and runs nothing.
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'list', 'test/vitest-config-skip.test.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => resolve(out));
  });
}

it('no server at TEST_DATABASE_URL: one skip line, without the password', async () => {
  // Port 1 on loopback refuses at once; the password holds a "/", which a URL parser reads as the path's start.
  const out = await listTests({ TEST_DATABASE_URL: 'postgres://bot:12/Hunter2-Secret@127.0.0.1:1/test' });
  expect(out.split('\n').filter((l) => l.includes('PostgreSQL tests skipped'))).toEqual([
    'PostgreSQL tests skipped: no server answered at postgres://bot@127.0.0.1:1/test (set TEST_DATABASE_URL, or CI=true to require it)',
  ]);
  expect(out).not.toContain('Hunter2-Secret');
});
