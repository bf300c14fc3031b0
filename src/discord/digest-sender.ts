// Posts digest parts to a Discord channel through discord.js's REST client (the bot's delivery REST, which
// never resends on its own, or a REST of its own). Every part: allowedMentions { parse: [] }, its nonce with
// enforce_nonce, and its marker in the footer. On a resumed run (a crash, a timeout, a 5xx) the messages
// posted from the interrupted attempt's time are searched for the first remaining part's marker
// (find-sent.ts) before it is sent. 403/404 → the subscription is marked broken (and the run abandoned by
// the service); a 401 is fatal (fatal.ts: the REST client's watcher reports it); anything else is transient.
// At a stop, the part in flight finishes and is recorded, and no further part is sent.
import { DiscordAPIError, REST, Routes, type APIMessage } from 'discord.js';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { findSentMessage } from './find-sent.ts';
import { err, ok } from '../result.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import { chartUpload } from './chart-upload.ts';
import { partNonce } from '../digest/render-digest.ts';
import type { DigestSender } from '../digest/sender.ts';

export function discordSender(client: { rest: REST }, subscriptions: Pick<SubscriptionStore, 'markBroken'>, clock: Clock): DigestSender {
  const { rest } = client;
  return {
    async send(channelId, messages, nonceBase, progress) {
      const ids: string[] = [];
      try {
        for (const [i, m] of messages.entries()) {
          if (progress?.stopping?.()) return err({ kind: 'transient', message: 'the bot is stopping: the rest follows at the next start' });
          const nonce = partNonce(nonceBase, m.part);
          let found: APIMessage | undefined;
          if (i === 0 && progress?.resumed) {
            // No Read Message History (403 on the look): rely on the nonce.
            const since = progress.since ?? clock.now().toISOString();
            found = (await findSentMessage(rest, channelId, since, (r) => r.nonce === nonce || r.embeds.some((e) => e.footer?.text.endsWith(nonce)))).found;
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

/** Discord mode's digest sender: the bot's own REST client when given (one queue, one set of rate limits), else one of its own. */
export function discordDigestSender(
  discord: NonNullable<Config['discord']>,
  deps: { clock: Clock; discordRest?: REST | undefined },
  subscriptions: Pick<SubscriptionStore, 'markBroken'>,
): DigestSender {
  const rest = deps.discordRest ?? new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  return discordSender({ rest }, subscriptions, deps.clock);
}
