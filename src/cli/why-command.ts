// `commitment-watch why <item-url> [--json]`: for an item the bot has seen, which commitments it matched
// or not (scores, terms, reasons) and why it was or was not posted. Unknown link: exit 1.
import type { Command } from 'commander';
import { explainItem, explanationText } from '../feeds/explain.ts';
import { terminalSafe } from './format.ts';
import type { CliContext } from './context.ts';

export function registerWhyCommand(program: Command, ctx: CliContext): void {
  program
    .command('why <url>')
    .description('why an item of a feed was or was not posted: its matches, scores and decisions')
    .option('--json', 'print JSON')
    .action(async (url: string, o: { json?: boolean }) => {
      const app = await ctx.app();
      const result = await explainItem(app.feeds, url);
      if (!result.ok) ctx.fail(result.error);
      // Titles, links and what sources answered (a lookup's error quotes the body) are feed text.
      ctx.io.out(o.json ? JSON.stringify(result.value, null, 2) : terminalSafe(explanationText(result.value)));
    });
}
