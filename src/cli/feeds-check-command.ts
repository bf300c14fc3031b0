// `commitment-watch feeds check <url> [--kind K] [--json]`: fetch one URL now through the bot's fetcher
// and print its items exactly as the monitor reads them (src/feeds/check-feed.ts). Stores nothing, so it
// needs no database. A bad URL, an unreachable or refused address, an unknown kind, or a body no monitor
// can read exits 1 with one line saying so.
import type { Command } from 'commander';
import { monitorFor, recogniseKind } from '../../monitors/index.ts';
import { checkFeed, type CheckedItem, type FeedCheck } from '../feeds/check-feed.ts';
import { feedFetcher } from '../feeds/user-agent.ts';
import type { Colours } from './colours.ts';
import { terminalSafe } from './format.ts';
import type { CliContext } from './context.ts';

export function registerFeedsCheckCommand(feeds: Command, ctx: CliContext): void {
  feeds
    .command('check <url>')
    .description('fetch one feed now and print its items as the bot reads them (stores nothing)')
    .option('--kind <kind>', 'read it as this kind instead of recognising it from the body and URL')
    .option('--json', 'print {kind, items, warnings} as JSON')
    .action(async (url: string, o: { kind?: string; json?: boolean }) => {
      const fetcher = feedFetcher(ctx.config);
      try {
        const result = await checkFeed(url, { kind: o.kind, fetcher, monitors: { monitorFor, recogniseKind }, now: ctx.clock.now() });
        if (!result.ok) ctx.fail(oneLine(result.error));
        const check = result.value;
        if (o.json) return ctx.io.out(JSON.stringify({ kind: check.kind, items: check.items, warnings: check.warnings }, null, 2));
        ctx.io.out(renderCheck(check, ctx.pc));
      } finally {
        fetcher.close();
      }
    });
}

/** Errors from a body (a parser's message) may span lines; the CLI says one. */
const oneLine = (text: string): string => terminalSafe(text.replace(/\s*\n\s*/g, ' '));

function renderItem(item: CheckedItem, n: number, pc: Colours): string {
  const safe = (text: string) => terminalSafe(text.replace(/[\r\n]+/g, ' '));
  const dates = [item.published ? `published ${item.published}` : '', item.updated ? `updated ${item.updated}` : ''].filter(Boolean);
  const meaning = [item.stage ? `stage ${safe(item.stage)}` : '', item.department ? `department ${safe(item.department)}` : ''].filter(Boolean);
  const text = `text ${item.textChars} characters from the ${item.textSource === 'detail' ? "item's own endpoint" : item.textSource}`;
  return [
    `${String(n).padStart(3)}. ${pc.bold(safe(item.title))}`,
    `     ${pc.underline(safe(item.link))}`,
    `     ${[...dates, ...meaning, text].join(' · ')}`,
    pc.dim(`     key ${safe(item.key)}`),
  ].join('\n');
}

export function renderCheck(check: FeedCheck, pc: Colours): string {
  const head = `${pc.bold(check.kind)}${check.kindGuessed ? ' (recognised)' : ''} · ${check.items.length} item${check.items.length === 1 ? '' : 's'} · ${terminalSafe(check.finalUrl)}`;
  const lines = [head];
  if (check.title) lines.push(`“${terminalSafe(check.title)}”`);
  lines.push('', ...check.items.map((item, i) => renderItem(item, i + 1, pc)));
  if (check.items.length === 0) lines.push('No items.');
  if (check.warnings.length) lines.push('', pc.yellow('Warnings:'), ...check.warnings.map((w) => `  - ${terminalSafe(w)}`));
  lines.push('', pc.dim('Nothing was stored.'));
  return lines.join('\n');
}
