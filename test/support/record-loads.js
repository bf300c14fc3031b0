// `node --import ./test/support/record-loads.js …`: appends the URL of every module the process resolves
// to the file named by RECORD_LOADS_TO, so a test can say what a run loaded (console mode never loads
// discord.js). Registers itself as a module-customisation hook; the hook runs on Node's loader thread.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url, { data: { file: process.env.RECORD_LOADS_TO } });

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
