// `commitment-watch poll --once [--feeds FILE] [--force] [--json]`: one poll cycle over the feeds, printing
// every event it recorded — readable by default, one JSON object per line with --json. The store
// (DATABASE_URL) remembers what was seen, so a second run prints only what is new. Exit 0 when the cycle
// ran, even if feeds failed: their failures are `feed-health` events.
import type { Command } from 'commander';
import type { Colours } from './colours.ts';
import { terminalSafe } from './format.ts';
import type { StoredEvent } from '../events.ts';
import { eventItem } from '../event-text.ts';
import { formatFeedListProblem, loadFeedList, type FeedSpec } from '../feeds/feed-list.ts';
import { configuredChangeNotes } from '../feeds/change-notes.ts';
import { Poller, type CycleReport } from '../feeds/poller.ts';
import { feedFetcher } from '../feeds/user-agent.ts';
import { configuredFeeds } from '../feeds/scheduler.ts';
import type { CliContext } from './context.ts';

export function registerPollCommand(program: Command, ctx: CliContext): void {
  program
    .command('poll')
    .description('poll the feeds once and print what is new (the bot itself polls on a schedule: npm start)')
    .option('--once', 'poll every feed once, then exit')
    .option('--feeds <file>', 'poll these feeds instead: a JSON array of {"id", "url", "kind"?} (kind recognised when left out)')
    .option('--force', 'also poll feeds that are backing off, inside the publisher’s cache time, or disabled')
    .option('--json', 'print one JSON object per event, a line each')
    .action(async (o: { once?: boolean; feeds?: string; force?: boolean; json?: boolean }) => {
      if (!o.once) ctx.fail('poll runs one cycle: add --once (npm start runs the bot, which polls on a schedule)');
      const feeds = await readFeeds(ctx, o.feeds);
      const app = await ctx.app();
      if (!ctx.config.botContact && !o.json) {
        ctx.io.err('warning: BOT_CONTACT is not set; publishers ask bots to say how to reach their operator (User-Agent)');
      }
      const fetcher = feedFetcher(ctx.config);
      try {
        const poller = new Poller({
          feedStore: app.feeds,
          registerStore: app.store,
          fetcher,
          changeNotes: configuredChangeNotes(ctx.config, fetcher),
          clock: ctx.clock,
          timeZone: ctx.config.timeZone,
          owner: app.processId,
        });
        const report = await poller.pollOnce(feeds, { force: o.force, respectInterval: false });
        const events = await app.outbox.byIds(report.eventIds);
        for (const event of events) ctx.io.out(o.json ? JSON.stringify(eventJson(event)) : renderEvent(event, ctx.pc));
        if (!o.json) ctx.io.err(summary(report, events.length, ctx.pc));
      } finally {
        fetcher.close();
      }
    });
}

async function readFeeds(ctx: CliContext, file: string | undefined): Promise<FeedSpec[]> {
  if (file === undefined) {
    try {
      return await configuredFeeds(ctx.config.feedsFile);
    } catch (error) {
      return ctx.fail(error instanceof Error ? error.message : String(error));
    }
  }
  const list = await loadFeedList(file);
  if (!list.ok) ctx.fail(`the feeds file is invalid:\n${list.error.map((p) => `  - ${formatFeedListProblem(p)}`).join('\n')}`);
  return list.value;
}

/**
 * The JSON line of an event: `type`, `commitment` (where there is one), `feed`, `item` {title, link,
 * published}, `score`, `matched` and the rest of the event's payload, plus `eventId` (the outbox id).
 */
export function eventJson(event: StoredEvent): Record<string, unknown> {
  if (event.type === 'status-change') {
    // Written by the register store: its `id` is the history entry's.
    const p = event.payload;
    return {
      type: event.type,
      commitment: event.commitmentId ?? p.commitment,
      from: p.from,
      to: p.to,
      reason: p.reason,
      evidence: p.evidence,
      actor: p.actor,
      at: p.at,
      historyId: p.id,
      eventId: event.id,
    };
  }
  const out: Record<string, unknown> = { type: event.type };
  if (event.commitmentId) out.commitment = event.commitmentId;
  if (event.feedId) out.feed = event.feedId;
  for (const [k, v] of Object.entries(event.payload)) if (!(k in out)) out[k] = v;
  out.eventId = event.id;
  return out;
}

export function renderEvent(event: StoredEvent, pc: Colours): string {
  // Feed text is cleaned of control characters before it is painted (the paint is ours).
  return renderEventText(withoutControls(event), pc);
}

/** The same value with control characters taken out of every string in it. */
function withoutControls<T>(value: T): T {
  const clean = (v: unknown): unknown =>
    typeof v === 'string'
      ? terminalSafe(v)
      : Array.isArray(v)
        ? v.map(clean)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x)]))
          : v;
  return clean(value) as T;
}

function renderEventText(event: StoredEvent, pc: Colours): string {
  const tag = (s: string) => pc.bold(`[${s}]`);
  const c = event.commitmentId ? pc.cyan(event.commitmentId) : '';
  const i = eventItem(event);
  const note = i?.changeNote ? `\n    ${pc.dim('what changed:')} ${i.changeNote}` : '';
  const item = i ? `“${i.title}”${note}${i.link ? `\n    ${pc.underline(i.link)}` : ''}` : '';
  const via = event.feedId ? pc.dim(` via ${event.feedId}`) : '';
  const m = 'matched' in event.payload ? event.payload : undefined;
  const terms = m?.matched?.length ? pc.dim(` score ${String(m.score)} [${m.matched.join(', ')}]`) : '';
  switch (event.type) {
    case 'evidence':
      return `${tag('evidence')} ${c}${terms}${via}\n    ${item}`;
    case 'status-proposal': {
      const p = event.payload;
      return `${tag('proposal')} ${c} ${p.from ?? '?'} → ${pc.bold(p.to)} (${p.rule}${p.automatic ? ', automatic' : ', needs an editor'})${via}\n    ${p.reason}${item ? `\n    ${item}` : ''}`;
    }
    case 'status-change': {
      const p = event.payload;
      return `${tag('status')} ${c} ${p.from ?? '—'} → ${pc.bold(p.to)} by ${String(p.actor)}\n    ${p.reason}`;
    }
    case 'item-updated':
      return `${tag('updated')} ${c}${via} ${pc.dim(`(was ${event.payload.previousUpdated ?? '—'})`)}\n    ${item}`;
    case 'feed-health': {
      const p = event.payload;
      return `${tag('feed')} ${pc.bold(String(event.feedId ?? p.feed))} ${p.change === 'warning' ? pc.yellow('warning') : p.change === 'disabling-soon' ? pc.yellow('disabling soon') : p.health === 'healthy' ? pc.green('recovered') : pc.red(p.health)}: ${p.reason}`;
    }
    case 'overdue':
      return `${tag('overdue')} ${c} deadline ${event.payload.deadline} passed (${event.payload.status})`;
  }
}

function summary(report: CycleReport, printed: number, pc: Colours): string {
  const count = (outcome: string) => report.feeds.filter((f) => f.outcome === outcome).length;
  const parts = [
    `${count('parsed')} read`,
    `${count('not-modified') + count('unchanged')} unchanged`,
    `${count('failed') + count('invalid') + count('error')} failed`,
    `${count('skipped')} skipped`,
  ];
  return pc.dim(`Polled ${report.feeds.length} feed${report.feeds.length === 1 ? '' : 's'}: ${parts.join(', ')}; ${printed} new event${printed === 1 ? '' : 's'}.`);
}
