// Send once, and after a crash find the post before sending again: the one cycle both the alert poster
// (deliveries) and the digest sender (digest parts) go through.
//
// 1. When an earlier attempt's outcome is unknown (a crash, a timeout, a 5xx, a cut connection, a stop),
//    the channel's messages from that attempt's own time are searched for ours (find-sent.ts; `isOurs`
//    knows the nonce and the footer marker). Found: it is recorded as sent, and nothing is sent.
// 2. Otherwise the attempt is recorded BEFORE the send (`begin`: a stamp, a claim by compare-and-set);
//    when that fails, another process has it and nothing is sent.
// 3. The message goes with its nonce and enforce_nonce, so Discord itself returns the earlier message when
//    one went out within its dedupe window. The REST client must not resend on its own (retries: 0).
// 4. A known outcome (sent) is recorded through the attempt's record; a failure comes back as a value
//    the caller records in its own way (backoff, a broken subscription, a run left pending).
// How the attempt is recorded is the caller's: the poster backs it with the delivery store, the digest
// sender with the digest-run store (through the service's progress).
import { DiscordAPIError, Routes, type APIMessage, type RawFile, type REST } from 'discord.js';
import { findSentMessage } from './find-sent.ts';
import { isAuthFailure } from './fatal.ts';

/** How one attempt is recorded. Errors thrown here are the store's and are not caught. */
export interface AttemptRecord {
  /** Records the attempt before it is sent (a stamp, a claim); false when another process has it. */
  begin(): Promise<boolean>;
  /** Records the message as sent (whether just sent or found). */
  sent(messageId: string): Promise<void>;
  /** Called when the earlier attempt was looked for (found or not): it is no longer in doubt. */
  looked?(): void;
  /** Called when a send ended without a known outcome (transient, or the token refused): it stays in doubt. */
  inDoubt?(): void;
  /**
   * Called once the attempt is recorded, as its request is handed to the REST client (where it may wait in
   * a rate-limit queue): keeps the attempt's claim alive until the returned function is called, when the
   * request has ended. `abort` cancels the request (still queued, or on its way) when the claim was lost.
   */
  hold?(abort: () => void): () => void;
}

export interface OutgoingMessage {
  body: Record<string, unknown>;
  files?: RawFile[] | undefined;
}

export interface SendOnceRequest {
  rest: REST;
  channelId: string;
  nonce: string;
  /** Recognises our message among the channel's (its nonce, its footer marker). */
  isOurs: (m: APIMessage) => boolean;
  /** When the attempt whose outcome is unknown began (ISO); absent when there is none to look for. */
  lookSince?: string | undefined;
  record: AttemptRecord;
  /** The message to send; built only when it is sent (not when found). */
  message: () => OutgoingMessage;
  /** What the request was doing, for the failure's reason: when posting, when looking. */
  doing?: { posting: string; looking: string };
}

export type Failure = { reason: string; error: unknown; during: 'looking' | 'posting' };

export type SendOnceOutcome =
  | { kind: 'sent'; messageId: string; found: boolean }
  /** Another process holds the attempt (the claim failed): nothing was sent. */
  | { kind: 'taken' }
  /** 403/404: the channel is gone for the bot. */
  | ({ kind: 'gone' } & Failure)
  /** Another 4xx: this message is refused. */
  | ({ kind: 'rejected' } & Failure)
  /** 401: the token is refused (fatal). */
  | ({ kind: 'unauthorised' } & Failure)
  /** 5xx, timeout, network: the outcome is unknown. */
  | ({ kind: 'transient' } & Failure);

/** Ours: it carries the attempt's nonce, or its marker at the end of an embed's footer. */
export function carries(nonce: string, marker: string): (m: APIMessage) => boolean {
  return (m) => m.nonce === nonce || m.embeds.some((e) => e.footer?.text.endsWith(marker));
}

const DOING = { posting: 'posting', looking: 'looking for an earlier post' };

/** What a failed request means. */
function classify(error: unknown, doing: string, during: Failure['during']): SendOnceOutcome {
  if (isAuthFailure(error)) return { kind: 'unauthorised', reason: 'Discord refused the token', error, during };
  if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
    return { kind: 'gone', reason: `Discord answered ${error.status} (${error.code}: ${error.message}) when ${doing}`, error, during };
  }
  if (error instanceof DiscordAPIError && error.status < 500)
    return { kind: 'rejected', reason: `Discord answered ${error.status} (${error.code}: ${error.message}) when ${doing}`, error, during };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'transient', reason, error, during };
}

/** One pass of the cycle for one message: look (when in doubt), record, send, record. */
export async function sendOnce(request: SendOnceRequest): Promise<SendOnceOutcome> {
  const { rest, channelId, record } = request;
  const doing = request.doing ?? DOING;
  if (request.lookSince !== undefined) {
    let found: APIMessage | undefined;
    try {
      // No Read Message History (403 on the look): rely on the nonce.
      found = (await findSentMessage(rest, channelId, request.lookSince, request.isOurs)).found;
    } catch (error) {
      return classify(error, doing.looking, 'looking'); // a failed look leaves the attempt as it was
    }
    record.looked?.();
    if (found) {
      await record.sent(found.id);
      return { kind: 'sent', messageId: found.id, found: true };
    }
  }
  if (!(await record.begin())) return { kind: 'taken' };
  const { body, files } = request.message();
  const cancel = new AbortController();
  const release = record.hold?.(() => cancel.abort());
  let message: APIMessage;
  try {
    message = (await rest.post(Routes.channelMessages(channelId), {
      body: { ...body, nonce: request.nonce, enforce_nonce: true },
      ...(files ? { files } : {}),
      signal: cancel.signal,
    })) as APIMessage;
  } catch (error) {
    const outcome = classify(error, doing.posting, 'posting');
    if (outcome.kind === 'transient' || outcome.kind === 'unauthorised') record.inDoubt?.();
    return outcome;
  } finally {
    release?.();
  }
  await record.sent(message.id);
  return { kind: 'sent', messageId: message.id, found: false };
}
