#!/usr/bin/env node
// `npm run build`: compiles src/, commands/ and monitors/ into dist/ (tsconfig.build.json), then links the
// files the code finds beside itself by relative path (seeds/, package.json), so dist/src/… resolves
// `../../seeds/` as src/… does. Links, not copies: an edited seed needs no rebuild.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed why
}

mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
for (const name of ['seeds', 'package.json']) {
  const link = fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
  if (!exists(link)) symlinkSync(`../${name}`, link);
}

function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
