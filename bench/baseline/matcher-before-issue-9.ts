// The matching rules as they were before issue 9 (src/match/matcher.ts at commit d3ba80c), restated
// without the speed machinery (no index, no caches) so that the evaluation in bench/match-eval.ts can
// score the old rules beside today's in the same run. Same tokens, same places, same scores, same order
// of reasons: checked against that commit's Matcher on the evaluation set and 2,000 synthetic items
// (identical accepted sets) when it was written. Not used by the bot.
import type { FeedKind, WatchTerms } from '../../src/domain.ts';
import type { FeedItem } from '../../src/feed-types.ts';
import { billKey, normalise, phraseAt, tokenise } from '../../src/match/text.ts';

const TITLE = 2;
const BODY = 1;

export interface BaselineCommitment {
  id: string;
  watch: WatchTerms;
}

interface Term {
  words: string[];
  factor: number;
  written: string;
}

const termOf = (written: string): Term | undefined => {
  const words = tokenise(written);
  return words.length ? { words, factor: 1 + 0.5 * (words.length - 1), written: written.trim() } : undefined;
};
const termsOf = (written: string): Term[] => written.split('|').flatMap((a) => termOf(a) ?? []);

/** Every accepted commitment id for the item, by the rules of the time. */
export function baselineMatcher(commitments: readonly BaselineCommitment[]): (item: FeedItem, kind: FeedKind) => string[] {
  const compiled = commitments.map((c) => {
    const seen = new Set<string>();
    const any = c.watch.any.flatMap(termsOf).filter((t) => !seen.has(t.words.join(' ')) && seen.add(t.words.join(' ')));
    return {
      id: c.id,
      any,
      all: c.watch.all.map(termsOf).filter((g) => g.length > 0),
      none: c.watch.none.flatMap(termsOf),
      feedKinds: new Set(c.watch.feedKinds),
      bills: new Set(c.watch.bills.map(billKey).filter((k) => k !== '')),
    };
  });
  return (item, kind) => {
    const tokens: string[] = [];
    const add = (text: string | undefined) => {
      if (!text) return;
      tokens.push(...tokenise(text), '');
    };
    add(item.title);
    if (item.billTitle && normalise(item.billTitle) !== normalise(item.title)) add(item.billTitle);
    const titleEnd = tokens.length;
    add(item.summary);
    for (const c of item.categories) add(c);
    add(item.department);
    add(item.documentType);
    const placeOf = (t: Term): number => {
      let best = 0;
      for (let at = 0; at < tokens.length; at++) if (tokens[at] !== '' && phraseAt(tokens, at, t.words)) best = Math.max(best, at < titleEnd ? TITLE : BODY);
      return best;
    };
    const bill = kind === 'parliament-bills' ? billKey(item.billTitle ?? item.title) : '';
    const accepted: string[] = [];
    for (const c of compiled) {
      const hasBill = bill !== '' && c.bills.has(bill);
      const places = c.any.map(placeOf);
      if (hasBill) {
        accepted.push(c.id);
        continue;
      }
      if (!places.some((p) => p > 0)) continue;
      if (c.feedKinds.size > 0 && !c.feedKinds.has(kind)) continue;
      if (c.none.some((t) => placeOf(t) > 0)) continue;
      let score = 0;
      for (const [i, t] of c.any.entries()) {
        const at = places[i]!;
        if (at === 0) continue;
        const impliedElsewhere = c.any.some((o, j) => j !== i && implies(o, t) && places[j]! >= at);
        if (!impliedElsewhere) score += at * t.factor;
      }
      let missing = false;
      for (const group of c.all) {
        const best = Math.max(0, ...group.map((t) => placeOf(t) * t.factor));
        if (best === 0) missing = true;
        score += 0.5 * best;
      }
      if (!missing && Math.round(score * 100) / 100 >= 2) accepted.push(c.id);
    }
    return accepted;
  };
}

function implies(longer: Term, shorter: Term): boolean {
  if (longer.words.join(' ') === shorter.words.join(' ')) return false;
  for (let offset = 0; offset + shorter.words.length <= longer.words.length; offset++) {
    if (shorter.words.every((w, k) => longer.words[offset + k]!.startsWith(w))) return true;
  }
  return false;
}
