// Console mode's "poster": prints to the terminal what the Discord front end would post.
import { eventHeadline, eventLink } from '../event-text.ts';
import type { OutboxStore } from '../store/outbox-store.ts';

export interface ConsolePoster {
  /** Prints every event recorded since the last call. */
  flush(): Promise<number>;
  /** Takes no new work and waits (at most `timeoutMs`) for a flush in progress. */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startConsolePoster(
  outbox: Pick<OutboxStore, 'after' | 'newestId'>,
  write: (line: string) => void,
  intervalMs = 5_000,
): Promise<ConsolePoster> {
  // Start from the newest event: the console shows what happens from now on, not the archive.
  let cursor = await outbox.newestId();
  let running: Promise<number> | undefined;
  const flush = async () => {
    let printed = 0;
    for (;;) {
      const batch = await outbox.after(cursor, 100);
      for (const event of batch) {
        const link = eventLink(event);
        write(`[would post] ${eventHeadline(event)}${link ? `\n             ${link}` : ''}`);
        cursor = event.id;
        printed++;
      }
      if (batch.length < 100) return printed;
    }
  };
  let stopped = false;
  const start = () => (stopped ? Promise.resolve(0) : (running ??= flush().finally(() => (running = undefined))));
  const timer = setInterval(() => void start().catch(() => undefined), intervalMs);
  return {
    flush: start,
    stop: async (timeoutMs = 10_000) => {
      stopped = true;
      clearInterval(timer);
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([running?.catch(() => undefined), new Promise((resolve) => (bound = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(bound);
    },
  };
}
