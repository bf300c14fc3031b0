// The monitors, one per source kind (FEED_KINDS), and recognition of a body's kind when a feed's kind is
// not configured. Each module's header says how to read its source and what its items mean.
import type { FeedKind } from '../src/domain.ts';
import type { Monitor } from '../src/feed-types.ts';
import { generic } from './generic.ts';
import { govukAtom } from './govuk-atom.ts';
import { legislation } from './legislation.ts';
import { parliamentBills } from './parliament-bills.ts';
import { parliamentQuestions } from './parliament-questions.ts';
import { parliamentStatements } from './parliament-statements.ts';

export { generic, govukAtom, legislation, parliamentBills, parliamentQuestions, parliamentStatements };

/** Every monitor, the specific kinds first and `generic` last: the order recognition tries them in. */
export const MONITORS: readonly Monitor[] = [parliamentStatements, parliamentQuestions, parliamentBills, legislation, govukAtom, generic];

/** The monitor of a kind. */
export function monitorFor(kind: FeedKind): Monitor {
  const monitor = MONITORS.find((m) => m.kind === kind);
  if (!monitor) throw new Error(`no monitor for feed kind ${kind}`);
  return monitor;
}

/**
 * The kind of a body: the first specific monitor that recognises it, else `generic` — for any other
 * RSS/Atom feed, and also for a body that is no feed at all (an HTML page, garbage), where the generic
 * monitor's parse then says what came back instead. Never throws.
 */
export function recogniseKind(body: string, contentType: string | undefined, url: string): FeedKind {
  for (const monitor of MONITORS) {
    if (monitor.kind === 'generic') continue;
    try {
      if (monitor.recognise(body, contentType, url)) return monitor.kind;
    } catch {
      // A recogniser that trips over hostile input simply does not recognise it.
    }
  }
  return 'generic';
}
