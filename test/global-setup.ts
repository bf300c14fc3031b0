// Tests leave nothing behind. The run gets a temporary folder of its own (TMPDIR, which os.tmpdir() reads
// in the test workers and in every process they start); after the last test it must be empty, or the run
// fails naming what was left. A folder of its own, not a before/after listing of the system's, so other
// processes writing there at the same time cannot make this check flaky.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Caches of the tools the tests start (tsx's compile cache for `node --import tsx` children): not litter. */
const TOOL_CACHES = /^tsx-\d+$/;

// Vitest runs the global setup once per project (SQLite, PostgreSQL) in one process: the projects share the
// run's folder, and the last to finish checks it (a second folder made inside the first was "left behind").
const shared = globalThis as { __cwTestRun?: { dir: string; users: number } };

export default function setup(): () => void {
  if (shared.__cwTestRun) {
    const run = shared.__cwTestRun;
    run.users++;
    return () => {
      run.users--;
    };
  }
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'cw-test-run-'));
  // Searchable by others, as /tmp is: a test runs the bot as another user (an unwritable store) on files in here.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  const run = (shared.__cwTestRun = { dir, users: 1 });
  return () => {
    if (--run.users > 0) return;
    shared.__cwTestRun = undefined;
    const left = readdirSync(dir).filter((name) => !TOOL_CACHES.test(name));
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      throw new Error(`the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory: ${left.sort().join(', ')}`);
    }
  };
}
