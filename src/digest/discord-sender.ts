// Posts digest parts to a Discord channel through discord.js's REST client (a Client's `client.rest`, or a
// REST of its own). Every part: allowedMentions { parse: [] }, its nonce with enforce_nonce, and its marker
// in the footer. On a resumed run the messages posted just after the interrupted attempt are searched for
// the first remaining part's marker (it may have gone out just before a crash) before it is sent. 403/404 → the subscription is
// marked broken (and the run abandoned by the service); anything else is transient.
import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import type { Clock } from '../clock.ts';
import { messagesAfterQuery } from '../discord/snowflake.ts';
import { err, ok } from '../result.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import { chartUpload } from './chart-upload.ts';
import { partNonce } from './render-digest.ts';
import type { DigestSender } from './sender.ts';

export function discordSender(client: { rest: REST }, subscriptions: Pick<SubscriptionStore, 'markBroken'>, clock: Clock): DigestSender {
  const { rest } = client;
  return {
    async send(channelId, messages, nonceBase, progress) {
      const ids: string[] = [];
      try {
        for (const [i, m] of messages.entries()) {
          const nonce = partNonce(nonceBase, m.part);
          let found: APIMessage | undefined;
          if (i === 0 && progress?.resumed) {
            try {
              const query = progress.since ? messagesAfterQuery(progress.since) : new URLSearchParams({ limit: '100' });
              const recent = (await rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
              found = recent.find((r) => r.nonce === nonce || r.embeds.some((e) => e.footer?.text.endsWith(nonce)));
            } catch (error) {
              if (!(error instanceof DiscordAPIError && error.status === 403)) throw error; // no Read Message History: rely on the nonce
            }
          }
          const { files, ...withPicture } = found ? { files: undefined } : chartUpload(m);
          const message =
            found ??
            ((await rest.post(Routes.channelMessages(channelId), {
              body: { ...(m.content ? { content: m.content } : {}), embeds: m.embeds, ...withPicture, allowed_mentions: { parse: [] }, nonce, enforce_nonce: true },
              ...(files ? { files } : {}),
            })) as APIMessage);
          await progress?.onSent(m.part, message.id);
          ids.push(message.id);
        }
        return ok({ messageIds: ids });
      } catch (error) {
        if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
          const reason = `Discord answered ${error.status} (${error.code}: ${error.message}) when posting a digest`;
          await subscriptions.markBroken(channelId, reason, clock.now().toISOString());
          return err({ kind: 'gone', message: reason });
        }
        return err({ kind: 'transient', message: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
