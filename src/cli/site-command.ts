// `commitment-watch site --out DIR [--json]`: the tracker page as static files (see src/web/site.ts).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { trackerFor } from '../web/server.ts';
import { writeSite } from '../web/site.ts';
import type { CliContext } from './context.ts';

export function registerSiteCommand(program: Command, ctx: CliContext): void {
  program
    .command('site')
    .description('write the tracker page as static files with relative links, to host anywhere')
    .requiredOption('--out <dir>', 'the folder to write to (created if missing)')
    .option('--json', 'print JSON')
    .action(async (o: { out: string; json?: boolean }) => {
      const app = await ctx.app();
      const out = resolve(o.out);
      const summary = await writeSite(trackerFor(app), out, { now: ctx.clock.now(), publicUrl: ctx.config.publicUrl });
      if (o.json) return ctx.io.out(JSON.stringify(summary, null, 2));
      ctx.io.out(
        `Wrote ${summary.files} files to ${out}: ${summary.commitments} commitment pages, ${summary.recommendations} recommendation pages, the feeds page, feed.atom and the JSON API.\nOpen ${out}/index.html, or copy the folder to any web host.`,
      );
    });
}
