// Posts digest parts to a Discord channel through discord.js's REST client (the bot's delivery REST, which
// never resends on its own, or a REST of its own). Every part: allowedMentions { parse: [] }, its nonce with
// enforce_nonce, and its marker in the footer. On a resumed run (a crash, a timeout, a 5xx) the messages
// posted from the interrupted attempt's time are searched for the first remaining part's marker before
// it is sent (send-once.ts, the cycle shared with the alert poster; the run's record is the digest-run
// store's, through the service's progress). 403/404 → the subscription is marked broken (and the run
// abandoned by the service); a 401 is fatal (fatal.ts: the REST client's watcher reports it); anything
// else is transient.
// At a stop, the part in flight finishes and is recorded, and no further part is sent.
import type { REST } from 'discord.js';
import type { SendPacer } from '../send-pacer.ts';
import { pacedRest } from './paced-request.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { carries, sendOnce } from './send-once.ts';
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
      let gone: string | undefined;
      try {
        for (const [i, m] of messages.entries()) {
          if (progress?.stopping?.()) return err({ kind: 'transient', message: 'the bot is stopping: the rest follows at the next start' });
          const nonce = partNonce(nonceBase, m.part);
          // The run's record is the digest-run store's: its claim (the stamp a later look starts from) was taken
          // by the service before this send; each part sent is recorded through the progress.
          const outcome = await sendOnce({
            rest,
            channelId,
            nonce,
            isOurs: carries(nonce, nonce),
            lookSince: i === 0 && progress?.resumed ? (progress.since ?? clock.now().toISOString()) : undefined,
            record: { begin: () => Promise.resolve(true), sent: async (messageId) => progress?.onSent(m.part, messageId) },
            message: () => {
              const { files, ...withPicture } = chartUpload(m);
              return { body: { ...(m.content ? { content: m.content } : {}), ...withPicture, allowed_mentions: { parse: [] } }, files };
            },
            doing: { posting: 'posting a digest', looking: 'posting a digest' },
          });
          if (outcome.kind === 'gone') {
            gone = outcome.reason;
            break;
          }
          if (outcome.kind !== 'sent') return err({ kind: 'transient', message: 'error' in outcome ? messageOf(outcome.error) : 'the part was not sent' });
          ids.push(outcome.messageId);
        }
      } catch (error) {
        return err({ kind: 'transient', message: messageOf(error) });
      }
      if (gone === undefined) return ok({ messageIds: ids });
      // Outside the try: a store that fails here is the service's to report, as before.
      await subscriptions.markBroken(channelId, gone, clock.now().toISOString());
      return err({ kind: 'gone', message: gone });
    },
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Discord mode's digest sender: the bot's own REST client when given (one queue, one set of rate limits), else one of its own, paced by `pacer`. */
export function discordDigestSender(
  discord: NonNullable<Config['discord']>,
  deps: { clock: Clock; discordRest?: REST | undefined; pacer?: SendPacer | undefined },
  subscriptions: Pick<SubscriptionStore, 'markBroken'>,
): DigestSender {
  // A REST of its own takes its slots from the shared schedule too (the bot's delivery REST already does).
  const rest = deps.discordRest ?? pacedRest(discord.apiUrl ? { api: discord.apiUrl } : {}, deps.pacer).setToken(discord.token);
  return discordSender({ rest }, subscriptions, deps.clock);
}
