// `commitment-watch feeds status [--json]`: every feed the store knows, failing and disabled first, with
// its health, reason, last success and failures in a row, which process polled it last and which holds it now. `commitment-watch feeds enable <id> [--json]`:
// puts a disabled or failing feed back on its schedule (see enable-feed.ts); an unknown id exits 1 naming
// the closest ids.
import type { Command } from 'commander';
import { enableFeed } from '../feeds/enable-feed.ts';
import type { FeedState } from '../feeds/feed-store.ts';
import type { Colours } from './colours.ts';
import { terminalSafe } from './format.ts';
import { registerFeedsCheckCommand } from './feeds-check-command.ts';
import type { CliContext } from './context.ts';

const ORDER: Record<string, number> = { failing: 0, disabled: 1, healthy: 2 };

export function registerFeedsCommand(program: Command, ctx: CliContext): void {
  const feeds = program.command('feeds').description('the health of the feeds the bot watches, re-enabling one, and checking a feed before adding it');

  feeds
    .command('status')
    .description('every feed, failing and disabled first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await (await ctx.app()).feeds.listFeeds();
      list.sort((a, b) => (ORDER[a.health] ?? 3) - (ORDER[b.health] ?? 3) || a.id.localeCompare(b.id));
      if (o.json) return ctx.io.out(JSON.stringify(list.map(feedJson), null, 2));
      if (list.length === 0) return ctx.io.out('No feeds yet: the store has not read a feed list (npm start, or poll --once).');
      ctx.io.out(list.map((f) => renderFeed(f, ctx.pc, ctx.clock.now().toISOString())).join('\n'));
    });

  feeds
    .command('enable <id>')
    .description('put a disabled or failing feed back on its schedule')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await enableFeed((await ctx.app()).feeds, id, 'cli', ctx.clock.now());
      if (!result.ok) ctx.fail(result.error.message);
      const { feed, previous } = result.value;
      if (o.json) return ctx.io.out(JSON.stringify({ ...feedJson(feed), previous, changed: previous !== 'healthy' }, null, 2));
      ctx.io.out(
        previous === 'healthy'
          ? `${feed.id} is already healthy: nothing to do.`
          : `${feed.id} was ${previous}; it is healthy again and will be polled at its next slot.`,
      );
    });

  registerFeedsCheckCommand(feeds, ctx);
}

function feedJson(f: FeedState) {
  return {
    id: f.id,
    url: f.url,
    kind: f.kind ?? f.detectedKind,
    health: f.health,
    reason: f.healthReason,
    consecutiveFailures: f.consecutiveFailures,
    lastSuccessAt: f.lastSuccessAt,
    lastAttemptAt: f.lastAttemptAt,
    nextAttemptAt: f.nextAttemptAt,
    lastPolledBy: f.lastPolledBy,
    heldBy: f.heldBy,
  };
}

function renderFeed(f: FeedState, pc: Colours, now: string): string {
  const paint = f.health === 'healthy' ? pc.green : f.health === 'failing' ? pc.red : pc.gray;
  const lines = [`${paint(f.health.padEnd(9))} ${pc.bold(f.id)}  ${pc.dim(f.url)}`];
  if (f.healthReason) lines.push(`          ${f.healthReason}`);
  if (!f.lastAttemptAt) lines.push(pc.dim('          not polled yet: waiting for its first slot'));
  else
    lines.push(pc.dim(`          last success ${f.lastSuccessAt ?? 'never'}; ${f.consecutiveFailures} failure${f.consecutiveFailures === 1 ? '' : 's'} in a row`));
  if (f.lastPolledBy) lines.push(pc.dim(`          last polled by ${terminalSafe(f.lastPolledBy)} at ${f.lastAttemptAt ?? 'unknown'}`));
  if (f.heldBy && f.heldBy.until > now) lines.push(`          being polled by ${terminalSafe(f.heldBy.owner)} (claim until ${f.heldBy.until})`);
  return lines.join('\n');
}
