// /feeds status | why url:<item url>
// The feed pipeline is being finished separately: its store is loaded at run time when present, so this
// module works (answering "not available yet") in a build without it.
import { ApplicationCommandOptionType, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../src/db/tables.ts';
import type { CommandContext } from '../src/discord/command.ts';
import { escapeText, truncate } from '../src/discord/embed-limits.ts';
import { answer, parseOptions, privately, replyPrivately, type Answer } from '../src/discord/respond.ts';

export const definition = {
  name: 'feeds',
  description: 'The sources the bot watches',
  contexts: [0],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'status', description: 'Health of every feed, failing first' },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'why',
      description: 'What the bot decided about an item, and why',
      options: [{ type: ApplicationCommandOptionType.String, name: 'url', description: "The item's URL", required: true, max_length: 500 }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

interface FeedHealthView {
  id: string;
  url: string;
  health: string;
  healthReason: string | null;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
}
interface FeedStoreLike {
  listFeeds(): Promise<FeedHealthView[]>;
}

async function loadFeedStore(db: Kysely<Database>): Promise<FeedStoreLike | undefined> {
  try {
    const path = '../src/feeds/feed-store.ts';
    const mod = (await import(/* @vite-ignore */ path)) as { KyselyFeedStore?: new (db: Kysely<Database>) => FeedStoreLike };
    return mod.KyselyFeedStore ? new mod.KyselyFeedStore(db) : undefined;
  } catch {
    return undefined;
  }
}

const ORDER: Record<string, number> = { failing: 0, disabled: 1, healthy: 2 };
const ICON: Record<string, string> = { failing: '🔴', disabled: '⚫', healthy: '🟢' };

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  switch (interaction.options.getSubcommand()) {
    case 'status':
      return answer(interaction, () => status(ctx));
    case 'why': {
      const url = parseOptions(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL of a feed item' }), interaction.options.getString('url', true).trim());
      if (!url.ok) return replyPrivately(interaction, url.error);
      return replyPrivately(interaction, 'Explaining feed decisions is not available yet in this build: the feed pipeline is still being finished.');
    }
    default:
      return replyPrivately(interaction, 'Unknown subcommand: see /help.');
  }
}

async function status(ctx: CommandContext): Promise<Answer> {
  const store = await loadFeedStore(ctx.app.db);
  if (!store) return privately('Feed status is not available yet in this build: the feed pipeline is still being finished.');
  let feeds: FeedHealthView[];
  try {
    feeds = await store.listFeeds();
  } catch {
    return privately('Feed status is not available yet: the feed tables are not set up in this build.');
  }
  feeds.sort((a, b) => (ORDER[a.health] ?? 3) - (ORDER[b.health] ?? 3) || a.id.localeCompare(b.id));
  const lines = feeds.map(
    (f) =>
      `${ICON[f.health] ?? '❔'} **${escapeText(f.id)}** — ${f.health}${f.consecutiveFailures ? ` (${f.consecutiveFailures} failures)` : ''}` +
      `${f.healthReason ? `: ${escapeText(truncate(f.healthReason, 200))}` : ''}${f.lastSuccessAt ? ` · last success ${f.lastSuccessAt.slice(0, 16).replace('T', ' ')}` : ''}`,
  );
  return { embeds: [{ title: 'Feeds', description: truncate(lines.join('\n') || 'No feeds are configured.', 4096) }], ephemeral: true };
}
