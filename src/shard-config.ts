// Which gateway shards this process connects (DISCORD_SHARDS, DISCORD_SHARD_COUNT). Discord puts a server
// on shard (server id >> 22) % shard count and sends its interactions to the connection holding that shard,
// so every shard must be held by exactly one process: a list of ids only means something with the total.
import { err, ok, type Result } from './result.ts';

/**
 * - `auto`: this process holds every shard, as many as Discord recommends (GET /gateway/bot);
 * - `all`: this process holds every shard of a fixed count (DISCORD_SHARD_COUNT alone);
 * - `list`: this process holds the listed shards of `count` (other processes hold the rest).
 */
export type ShardPlan = { kind: 'auto' } | { kind: 'all'; count: number } | { kind: 'list'; ids: number[]; count: number };

const LIST = /^\d+(\s*,\s*\d+)*$/;

/** Reads the two variables (undefined or blank = unset); every problem names its variable. */
export function parseShardPlan(shards: string | undefined, count: string | undefined): Result<ShardPlan | undefined, string[]> {
  const s = shards?.trim() || undefined;
  const c = count?.trim() || undefined;
  const problems: string[] = [];
  let total: number | undefined;
  if (c !== undefined) {
    if (/^\d+$/.test(c) && Number(c) >= 1 && Number.isSafeInteger(Number(c))) total = Number(c);
    else problems.push('DISCORD_SHARD_COUNT: expected the total number of shards across every process, a whole number of 1 or more, such as 2');
  }
  if (s === undefined) {
    if (problems.length > 0) return err(problems);
    return ok(total === undefined ? undefined : { kind: 'all', count: total });
  }
  if (s.toLowerCase() === 'auto') {
    if (c !== undefined)
      problems.push(
        'DISCORD_SHARD_COUNT: not used with DISCORD_SHARDS=auto, which takes the count Discord recommends; unset it, or list this process’s shard ids in DISCORD_SHARDS (such as 0,1)',
      );
    return problems.length > 0 ? err(problems) : ok({ kind: 'auto' });
  }
  if (!LIST.test(s)) {
    problems.push('DISCORD_SHARDS: expected auto, or a comma-separated list of shard ids such as 0,1');
    return err(problems);
  }
  const ids = s.split(',').map((v) => Number(v.trim()));
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`DISCORD_SHARDS: shard ${id} is listed twice; expected each shard id once`);
    seen.add(id);
  }
  if (c === undefined) {
    problems.push('DISCORD_SHARDS: a list of shard ids needs DISCORD_SHARD_COUNT, the total number of shards across every process');
  } else if (total !== undefined) {
    for (const id of new Set(ids))
      if (id >= total) problems.push(`DISCORD_SHARDS: shard ${id} does not exist with DISCORD_SHARD_COUNT=${total}; expected ids from 0 to ${total - 1}`);
  }
  if (problems.length > 0) return err(problems);
  return ok({ kind: 'list', ids, count: total! });
}
