#!/usr/bin/env node
// `npm run build`: compiles src/, commands/ and monitors/ into dist/ (tsconfig.build.json), then links the
// files the code finds beside itself by relative path (seeds/, package.json), so dist/src/… resolves
// `../../seeds/` as src/… does. Links, not copies: an edited seed needs no rebuild.
// Runs before `npm start`, `npm run cli` and `npm run deploy-commands`, so it returns at once when no
// source is newer than the last build (tsc itself takes seconds even with nothing to do).
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.tsbuildinfo');
const SOURCES = ['src', 'commands', 'monitors', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

if (!exists(stamp) || SOURCES.some((s) => newerThan(join(root, s), statSync(stamp).mtimeMs))) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    rmSync(stamp, { force: true }); // tsc may have written it: the next run must compile again
    process.exit(1); // tsc has printed why
  }
  const now = new Date();
  utimesSync(stamp, now, now); // tsc leaves it alone when no output changed
}

mkdirSync(join(root, 'dist'), { recursive: true });
for (const name of ['seeds', 'package.json']) {
  const link = join(root, 'dist', name);
  if (!exists(link)) symlinkSync(`../${name}`, link);
}

/** Whether a file, a folder (added or removed entries change its time) or anything inside it changed after `time`. */
function newerThan(path, time) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.mtimeMs > time) return true;
  return stat.isDirectory() && readdirSync(path).some((name) => newerThan(join(path, name), time));
}

function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
