// The commitment ids the registers already in a seeds folder use, so a draft's ids never clash with them.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const Ids = z.object({ commitments: z.array(z.object({ id: z.string() }).loose()).default([]) }).loose();

/** `replacing` is the folder the draft will be written to: its own ids are free to use again. */
export async function commitmentIdsIn(seedsDir: string, replacing?: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const registers = join(seedsDir, 'registers');
  const folders = await readdir(registers, { withFileTypes: true }).catch(() => []);
  for (const folder of folders) {
    if (!folder.isDirectory() || (replacing !== undefined && resolve(registers, folder.name) === resolve(replacing))) continue;
    const text = await readFile(join(registers, folder.name, 'commitments.yaml'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const parsed = Ids.safeParse(parse(text));
      if (parsed.success) for (const c of parsed.data.commitments) ids.add(c.id);
    } catch {
      // An unreadable file is the seed loader's to report; here it only means fewer ids to avoid.
    }
  }
  return ids;
}
