// `commitment-watch digest --preview [--json] [--channel <id>]`: what a digest would say now. With
// --channel, that channel's subscription (its filters, schedule and zone: the window ending at its latest
// due time); without it, a digest with no filters over the week ending now. --json prints the digest's
// fixed keys: window, scoreboard, statusChanges, evidence, overdue, upcoming, failingFeeds.
import type { Command } from 'commander';
import { previewDigest } from '../digest/digest-service.ts';
import type { CliContext } from './context.ts';

export function registerDigestCommand(program: Command, ctx: CliContext): void {
  program
    .command('digest')
    .description('preview the weekly digest (the bot posts it on each subscription’s schedule)')
    .option('--preview', 'print what the digest would say now, without posting it')
    .option('--channel <id>', 'the digest of this channel’s subscription (its filters and schedule)')
    .option('--json', 'print JSON')
    .action(async (o: { preview?: boolean; channel?: string; json?: boolean }) => {
      if (!o.preview) ctx.fail('digest needs --preview (the bot posts digests itself: npm start)');
      const app = await ctx.app();
      const subscription = o.channel ? await app.subscriptions.get(o.channel) : undefined;
      if (o.channel && !subscription) ctx.fail(`channel ${o.channel} has no subscription`);
      const preview = await previewDigest(app, subscription, ctx.clock.now());
      ctx.io.out(o.json ? JSON.stringify(preview.digest, null, 2) : preview.text);
    });
}
