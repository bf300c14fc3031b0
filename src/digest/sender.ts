// Where rendered digests go: a DigestSender posts the parts of one run, in order, reporting each part as
// it is accepted so progress is recorded between parts (see digest-runs.ts). Results are values: a channel
// that is gone is not an exception; a transient failure leaves the run pending for the next tick.
import type { Embed } from './embed.ts';
import { err, ok, type Result } from '../result.ts';
import { partNonce, type RenderedMessage } from './render-digest.ts';

export interface OutgoingPart extends RenderedMessage {
  /** The part's index in its run: its nonce is `${nonceBase}-${part}`. */
  part: number;
}

export interface SendProgress {
  /** Awaited after each part is accepted, before the next is sent. */
  onSent(part: number, messageId: string): Promise<void>;
  /** True when an earlier attempt of this run may have left a part in flight: look for it before re-sending. */
  resumed: boolean;
  /** When the interrupted attempt last recorded progress (ISO): a part in flight was sent at or after it. */
  since?: string | undefined;
  /** True once the bot is stopping: the part in flight finishes and is recorded, no further part is sent. */
  stopping?: () => boolean;
}

export type SendFailure = { kind: 'gone'; message: string } | { kind: 'transient'; message: string };

export interface DigestSender {
  send(channelId: string, messages: OutgoingPart[], nonceBase: string, progress?: SendProgress): Promise<Result<{ messageIds: string[] }, SendFailure>>;
}

/** An embed as terminal text. */
export function embedText(e: Embed): string {
  const lines: string[] = [];
  if (e.title) lines.push(e.title);
  if (e.description) lines.push(e.description);
  for (const f of e.fields ?? []) lines.push(`${f.name}: ${f.value}`);
  return lines.join('\n');
}

/** Console mode: prints what would be posted. */
export function consoleSender(write: (text: string) => void): DigestSender {
  return {
    async send(channelId, messages, nonceBase, progress) {
      const ids: string[] = [];
      for (const m of messages) {
        if (progress?.stopping?.()) return err({ kind: 'transient', message: 'the bot is stopping: the rest follows at the next start' });
        const body = [m.content ?? '', ...m.embeds.map(embedText)].filter(Boolean).join('\n\n');
        write(`[would post to #${channelId}, part ${m.part + 1}]\n${body}`);
        const id = `console:${partNonce(nonceBase, m.part)}`;
        await progress?.onSent(m.part, id);
        ids.push(id);
      }
      return ok({ messageIds: ids });
    },
  };
}
