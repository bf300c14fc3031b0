// Judging one commitment against one scanned item, and the shared-terms rule across the commitments
// accepted for it. The Matcher (matcher.ts) builds the index and scans items; this file decides.
//
// How a commitment is judged (the first that applies decides; decision.ts names each outcome):
//   - linked-bill: an item of a parliament-bills feed whose billTitle (else title) is one of the linked
//     bills (text.ts billKey), or a legislation.gov.uk item titled as the Act that bill became ("Procurement
//     Act 2023"), of the year the commitment was made or later → ACCEPTED whatever the terms say.
//   - no-term / only-context: none of its names or `any` terms appear.
//   - kind-not-watched: feedKinds is non-empty and leaves the feed's kind out.
//   - excluded: a `none` term appears anywhere.
//   - named: one of its `names` appears → ACCEPTED. A name is the commitment's own instrument or body,
//     named so exactly that it needs no subject beside it ("Research Collaboration Advice Team").
//   - missing-required: an `all` group (the subject, or the instrument) has no alternative in the item.
//   - below-threshold: score < threshold (default 2).
//   - single-word: the commitment has no `all` group and its only evidence is one one-word term: one
//     word, however distinctive it looks ("training", "strategy"), is not an undertaking's evidence alone.
//   - accepted.
//   - shared-terms (after all are judged): an accepted commitment whose matched terms are all among those
//     of another accepted commitment that scores higher and has terms of its own is not accepted: a shared
//     word does not attach a second commitment to an item that is about the first.
// Score: each matched `any` term or name counts once, at its best place: 2 in the title, 1 in the body,
// times 1 + 0.5 per extra word (a three-word phrase in the body = 2). A term found only inside a longer
// matched term of the same commitment, in as good a place, adds nothing ("deport" beside "deportation").
// Each matched `all` group adds half the weight of its best alternative; a linked bill adds 10. So one
// single-word mention in a summary (1) is not enough, and a requirement adds weight without sufficing.
//
import type { FeedKind } from '../domain.ts';
import type { FeedItem } from '../feed-types.ts';
import type { MatchDecision, MatchResult } from './decision.ts';

export const DEFAULT_THRESHOLD = 2;
export const WEIGHTS = {
  title: 2,
  body: 1,
  /** Added to the factor 1 for each word of a term beyond the first. */
  perExtraWord: 0.5,
  /** Share of its weight an `all` alternative adds. */
  requirement: 0.5,
  bill: 10,
} as const;

export const TITLE = 2;
export const BODY = 1;

export interface Term {
  id: number;
  words: string[];
  factor: number;
  /** The first word must be a whole word of the item (it is SHORT_WORD_MAX characters or fewer). */
  wholeFirst: boolean;
  /** The term this is a spelling of ("labor force" of "labour force"); its own id for the term as written. */
  canon: number;
}

/** A commitment's watch terms as flat arrays of term ids (judging is the hot loop: no pointer chasing; plain arrays, as thousands of tiny typed arrays cost more to make). */
export interface Compiled {
  id: string;
  /** `names` first, then `any` terms; the first `nameCount` are names. */
  anyIds: number[];
  nameCount: number;
  anyFactors: number[];
  anyWritten: string[];
  anyWords: number[];
  /** For each term, the commitment's other terms whose every occurrence is one of it ("deportation" of "deport"). */
  impliedBy: (number[] | null)[];
  /** `all` alternatives, group after group; group g is allIds[allStart[g]] … allIds[allStart[g + 1] - 1]. */
  allIds: number[];
  allFactors: number[];
  allWritten: string[];
  allStart: number[];
  /** "missing required '…'" per group. */
  allMissing: string[];
  noneIds: number[];
  /** "excluded by '…'" per `none` term. */
  noneReasons: string[];
  feedKinds: ReadonlySet<FeedKind>;
  bills: { key: string; written: string }[];
  /** The year the commitment was made: an Act of an earlier year is not the bill it promised. */
  madeYear: number;
}

/** What one item contains: the best place (TITLE/BODY) of every term that occurs, and a linked-bill key. */
export interface Scan {
  place: Uint8Array;
  touched: number[];
  billKey: string | undefined;
  /** Set when the item is an Act on legislation.gov.uk: its year, to compare with the commitment's. */
  actYear: number | undefined;
}

export class Judge {
  private readonly thresholdText: string;
  private readonly belowReasons = new Map<number, string>();

  constructor(readonly threshold: number) {
    this.thresholdText = threshold.toFixed(1);
  }

  judge(c: Compiled, scan: Scan, feedKind: FeedKind, item: FeedItem): MatchResult {
    const place = scan.place;
    let score = 0;
    const matched: string[] = [];
    const anyIds = c.anyIds;
    let named = -1;
    let counted = 0;
    let countedWords = 0;
    for (let i = 0; i < anyIds.length; i++) {
      const at = place[anyIds[i]!]!;
      if (at === 0) continue;
      matched.push(c.anyWritten[i]!);
      if (i < c.nameCount && named < 0) named = i;
      // A term met inside a longer matched term of the same commitment, in as good a place, counts once.
      const by = c.impliedBy[i];
      if (by) {
        let alone = true;
        for (let k = 0; k < by.length; k++) if (place[anyIds[by[k]!]!]! >= at) alone = false;
        if (!alone) continue;
      }
      counted++;
      countedWords = c.anyWords[i]!;
      score += at * c.anyFactors[i]!;
    }
    const anyMatched = matched.length > 0;
    let missing: string | undefined;
    const allIds = c.allIds;
    const allStart = c.allStart;
    for (let g = 0; g + 1 < allStart.length; g++) {
      let best = -1;
      let bestWeight = 0;
      for (let a = allStart[g]!; a < allStart[g + 1]!; a++) {
        const weight = place[allIds[a]!]! * c.allFactors[a]!;
        if (weight > bestWeight) {
          best = a;
          bestWeight = weight;
        }
      }
      if (best < 0) {
        missing ??= c.allMissing[g]!;
        continue;
      }
      score += WEIGHTS.requirement * bestWeight;
      matched.push(c.allWritten[best]!);
    }
    let excludedBy: string | undefined;
    for (let n = 0; n < c.noneIds.length; n++) {
      if (place[c.noneIds[n]!]! > 0) {
        excludedBy = c.noneReasons[n]!;
        break;
      }
    }
    let bill: { key: string; written: string } | undefined;
    if (scan.billKey !== undefined && (scan.actYear === undefined || scan.actYear >= c.madeYear)) bill = c.bills.find((b) => b.key === scan.billKey);
    if (bill) {
      score += WEIGHTS.bill;
      matched.push(bill.written);
    }
    score = Math.round(score * 100) / 100;
    let decision: MatchDecision;
    let reason: string;
    if (bill) {
      decision = 'linked-bill';
      if (scan.actYear !== undefined) reason = `the Act of linked bill '${bill.written}'`;
      else reason = `linked bill '${bill.written}'${item.billStage ? ` at ${item.billStage}` : ''}`;
    } else if (!anyMatched) {
      decision = matched.length ? 'only-context' : 'no-term';
      reason = matched.length ? `no 'any' term matched (only ${places(c, place)})` : 'no watch term matched';
    } else if (c.feedKinds.size > 0 && !c.feedKinds.has(feedKind)) {
      decision = 'kind-not-watched';
      reason = `feed kind ${feedKind} not watched (watches ${[...c.feedKinds].join(', ')})`;
    } else if (excludedBy !== undefined) {
      decision = 'excluded';
      reason = excludedBy;
    } else if (named >= 0) {
      decision = 'named';
      reason = `names '${c.anyWritten[named]}' (in ${place[anyIds[named]!] === TITLE ? 'title' : 'text'})`;
    } else if (missing !== undefined) {
      decision = 'missing-required';
      reason = missing;
    } else if (score < this.threshold) {
      decision = 'below-threshold';
      reason = this.belowThreshold(score);
    } else if (allStart.length === 1 && counted === 1 && countedWords === 1) {
      decision = 'single-word';
      reason = `one word alone ('${matched[0]}'): with no required term, it needs a second term or a phrase`;
    } else {
      decision = 'accepted';
      reason = `score ${score.toFixed(1)} ≥ ${this.thresholdText}: ${places(c, place)}`;
    }
    return { commitmentId: c.id, score, matched, accepted: decision === 'linked-bill' || decision === 'named' || decision === 'accepted', decision, reason };
  }

  /**
   * The shared-terms rule: an accepted result (by its terms, not a name or bill) whose matched terms
   * (`any` and `all`) are all matched by another accepted result that scores higher and has more is not accepted.
   */
  /** Applies the rule to `results` in place; true when it changed one. */
  dropSharedOnly(compiled: readonly Compiled[], candidates: readonly number[], results: MatchResult[], scan: Scan): boolean {
    let changed = false;
    const accepted: number[] = [];
    for (let i = 0; i < results.length; i++) if (results[i]!.accepted) accepted.push(i);
    // Each accepted commitment's matched terms, worked out only when a better-scoring one is there to compare.
    const terms = new Array<number[] | undefined>(accepted.length);
    for (let a = 0; a < accepted.length; a++) {
      const r = results[accepted[a]!]!;
      if (r.decision !== 'accepted') continue;
      let mine: number[] | undefined;
      for (let b = 0; b < accepted.length; b++) {
        const other = results[accepted[b]!]!;
        if (b === a || !other.accepted || other.score <= r.score) continue;
        mine ??= terms[a] ??= this.matchedTermIds(compiled[candidates[accepted[a]!]!]!, scan);
        const theirs = (terms[b] ??= this.matchedTermIds(compiled[candidates[accepted[b]!]!]!, scan));
        if (theirs.length <= mine.length || !containsAll(theirs, mine)) continue;
        const c = compiled[candidates[accepted[a]!]!]!;
        const shared: string[] = [];
        for (let k = c.nameCount; k < c.anyIds.length; k++) if (scan.place[c.anyIds[k]!]! > 0) shared.push(`'${c.anyWritten[k]}'`);
        results[accepted[a]!] = {
          ...r,
          accepted: false,
          decision: 'shared-terms',
          reason: `only terms shared with '${other.commitmentId}', which the item fits better (${shared.join(', ')})`,
        };
        changed = true;
        break;
      }
    }
    return changed;
  }

  /** The terms (`any` and `all` alternatives) of a commitment that occur in the scanned item. */
  private matchedTermIds(c: Compiled, scan: Scan): number[] {
    const ids: number[] = [];
    for (let i = c.nameCount; i < c.anyIds.length; i++) if (scan.place[c.anyIds[i]!]! > 0) ids.push(c.anyIds[i]!);
    for (const id of c.allIds) if (scan.place[id]! > 0 && !ids.includes(id)) ids.push(id);
    return ids;
  }

  private belowThreshold(score: number): string {
    let reason = this.belowReasons.get(score);
    if (reason === undefined) {
      reason = `below threshold ${this.thresholdText} (score ${score.toFixed(1)}): its terms appear too weakly (a single mention in the text counts 1, in the title 2)`;
      this.belowReasons.set(score, reason);
    }
    return reason;
  }
}

/** "'export control' in title, 'xinjiang' in text": the matched terms of a commitment and where, for reasons. */
function places(c: Compiled, place: Uint8Array): string {
  const parts: string[] = [];
  const where = (id: number) => (place[id] === TITLE ? 'title' : 'text');
  for (let i = 0; i < c.anyIds.length; i++) if (place[c.anyIds[i]!]! > 0) parts.push(`'${c.anyWritten[i]}' in ${where(c.anyIds[i]!)}`);
  for (let g = 0; g + 1 < c.allStart.length; g++) {
    let best = -1;
    for (let a = c.allStart[g]!; a < c.allStart[g + 1]!; a++) {
      if (place[c.allIds[a]!]! * c.allFactors[a]! > (best < 0 ? 0 : place[c.allIds[best]!]! * c.allFactors[best]!)) best = a;
    }
    if (best >= 0) parts.push(`'${c.allWritten[best]}' in ${where(c.allIds[best]!)}`);
  }
  return parts.join(', ');
}

function containsAll(haystack: readonly number[], needles: readonly number[]): boolean {
  for (const n of needles) if (!haystack.includes(n)) return false;
  return true;
}
