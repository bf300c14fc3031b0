// Matching feed items to commitments by their watch terms (domain.ts, WatchTerms).
//
// What an item says: its title (and billTitle, where the source gives one) form the TITLE; its summary,
// each category, department and documentType form the BODY. Each field is normalised (text.ts: lower
// case, diacritics, typographic quotes and dashes folded; HTML was stripped by the monitor) and split into
// words; a phrase never runs from one field into the next.
//
// When a term matches: each of its words is the START of a word of the item, and a term of several words
// matches them consecutively. So "penalt" matches "penalties", "export control" matches "Export Controls"
// and "export-control", but "port" does not match "export", nor "control export" "export control".
//
// How a commitment is judged (first failing condition wins the reason):
//   - bills: an item of a parliament-bills feed whose billTitle (else title) is one of the linked bills
//     (case-insensitive; a trailing "[HL]", session suffix and "Bill" ignored: text.ts billKey) is a strong
//     match, ACCEPTED whatever the terms say — the editor named the bill.
//   - feedKinds: non-empty and without the feed's kind → not accepted ("feed kind legislation not watched").
//   - none: any of them anywhere → not accepted ("excluded by 'hong kong'").
//   - all: every group (alternatives separated by "|") must match → else not accepted
//     ("missing required 'xinjiang|uyghur|china'").
//   - score ≥ threshold (default 2) → accepted, else "below threshold 2.0 (score 1.0)".
// Score: each matched `any` term counts once, at its best place: 2 in the title, 1 in the body, times
// 1 + 0.5 per extra word (a three-word phrase in the body = 2). A term found only inside a longer matched
// term of the same commitment, in as good a place, adds nothing ("deport" beside "deportation"), so
// overlapping terms do not add up to acceptance from one mention. Each matched `all` group adds half the
// weight of its best alternative; a linked bill adds 10. So one single-word mention in a summary (1) is
// not enough, one in a title (2) is, and a requirement ("xinjiang") adds weight without sufficing alone.
//
// Which commitments come back: those where at least one `any` term or linked bill matched, accepted or
// not, so `why` can explain near misses; accepted first, then by score, then in the order the commitments
// were given. A commitment whose `all` or `none` terms alone appear ("UK and China hold trade talks") is
// not a candidate: explain() answers for one commitment whatever matched.
//
// Speed: terms are deduplicated across commitments and indexed by their first word. An item's words are
// each looked up once (a 3-letter hash filter first, then a per-word cache of the terms whose first word
// starts it), and only the commitments using a term that occurred are judged, so the cost of an item
// grows with its length and the terms it contains, not with the number of commitments.
import type { CommitmentRow } from '../store/register-store.ts';
import type { FeedItem } from '../feed-types.ts';
import type { FeedKind } from '../domain.ts';
import { billKey, normalise, phraseAt, tokenise } from './text.ts';

export interface MatchResult {
  commitmentId: string;
  score: number;
  /** The watch terms that matched, as written in the seed: `any` terms, matched `all` alternatives, linked bill. */
  matched: string[];
  accepted: boolean;
  /** Why accepted or not, for people: "below threshold 2.0 (score 1.0)", "excluded by 'hong kong'", … */
  reason: string;
}

export interface MatcherOptions {
  /** Minimum score for acceptance; default DEFAULT_THRESHOLD. */
  threshold?: number;
}

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

const TITLE = 2;
const BODY = 1;

interface Term {
  id: number;
  words: string[];
  factor: number;
}

interface TermRef {
  term: Term;
  written: string;
}

/** A commitment's watch terms as flat arrays of term ids (judging is the hot loop: no pointer chasing; plain arrays, as thousands of tiny typed arrays cost more to make). */
interface Compiled {
  id: string;
  anyIds: number[];
  anyFactors: number[];
  anyWritten: string[];
  /** For each `any` term, the commitment's other `any` terms whose every occurrence is one of it ("deportation" of "deport"). */
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
}

/** What one item contains: the best place (TITLE/BODY) of every term that occurs, and a linked-bill key. */
interface Scan {
  place: Uint8Array;
  touched: number[];
  billKey: string | undefined;
}

export class Matcher {
  readonly threshold: number;
  private readonly thresholdText: string;
  private readonly terms: Term[] = [];
  private readonly termByKey = new Map<string, Term>();
  /** Terms by their first word; an item's word finds the terms whose first word starts it. */
  private readonly byFirstWord = new Map<string, Term[]>();
  private longestFirstWord = 0;
  /**
   * A filter in front of termsStarting: marks (by a hash of their first three letters) the first words of
   * three letters or more, so most words of an item ("the", "announced") are dismissed without a Map look-up.
   */
  private readonly maybeStart = new Uint8Array(KEY3_SIZE);
  /** The same for first words of one or two letters ("uk", "re-education"). */
  private readonly maybeShortStart = new Uint8Array(KEY3_SIZE);
  private readonly compiled: Compiled[] = [];
  private readonly byId = new Map<string, number>();
  /** term id → the commitments that list it in `any`. */
  private readonly anyUsers: number[][] = [];
  private readonly billUsers = new Map<string, number[]>();
  private readonly place: Uint8Array;
  private readonly seen: Uint32Array;
  /** Commitment index → its place in the results being built. */
  private readonly slot: Int32Array;
  private keyScratch = new Float64Array(64);
  private stamp = 0;
  private readonly startCache = new Map<string, readonly Term[]>();
  private readonly belowReasons = new Map<number, string>();
  private readonly labelCache = new Map<string, string[]>();

  constructor(commitments: readonly CommitmentRow[], options: MatcherOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.thresholdText = this.threshold.toFixed(1);
    if (commitments.length > INDEX_BITS) throw new RangeError(`a Matcher takes at most ${INDEX_BITS} commitments`);
    for (const [index, row] of commitments.entries()) {
      const any = uniqueTerms(this.refsOf(row.watch.any));
      const groups = (row.watch.all ?? []).map((written) => ({ written, alternatives: this.refs(written) })).filter((g) => g.alternatives.length > 0);
      const alternatives = groups.flatMap((g) => g.alternatives);
      const none = this.refsOf(row.watch.none ?? []);
      const c: Compiled = {
        id: row.id,
        anyIds: any.map((ref) => ref.term.id),
        anyFactors: any.map((ref) => ref.term.factor),
        anyWritten: any.map((ref) => ref.written),
        impliedBy: any.map((ref) => {
          const by = any.flatMap((other, j) => (other.term !== ref.term && implies(other.term, ref.term) ? [j] : []));
          return by.length ? by : null;
        }),
        allIds: alternatives.map((ref) => ref.term.id),
        allFactors: alternatives.map((ref) => ref.term.factor),
        allWritten: alternatives.map((ref) => ref.written),
        allStart: [0, ...groups.map((_, g) => groups.slice(0, g + 1).reduce((n, x) => n + x.alternatives.length, 0))],
        allMissing: groups.map((g) => `missing required '${g.written.trim()}'`),
        noneIds: none.map((ref) => ref.term.id),
        noneReasons: none.map((ref) => `excluded by '${ref.written}'`),
        feedKinds: new Set(row.watch.feedKinds ?? []),
        bills: (row.watch.bills ?? []).map((written) => ({ key: billKey(written), written: written.trim() })).filter((b) => b.key !== ''),
      };
      this.compiled.push(c);
      this.byId.set(row.id, index);
      for (const ref of any) {
        const users = (this.anyUsers[ref.term.id] ??= []);
        if (users.at(-1) !== index) users.push(index);
      }
      for (const bill of c.bills) {
        const users = this.billUsers.get(bill.key) ?? [];
        if (users.at(-1) !== index) users.push(index);
        this.billUsers.set(bill.key, users);
      }
    }
    this.place = new Uint8Array(this.terms.length);
    this.seen = new Uint32Array(this.compiled.length);
    this.slot = new Int32Array(this.compiled.length);
  }

  /** Every commitment for which one of its `any` terms or linked bills matched; accepted ones first. */
  match(item: FeedItem, feedKind: FeedKind): MatchResult[] {
    const scan = this.scan(item, feedKind);
    try {
      // (Plain loops, no closures: tsx's keepNames makes every named closure cost a defineProperty.)
      const stamp = this.nextStamp();
      const seen = this.seen;
      const candidates: number[] = [];
      for (const id of scan.touched) {
        for (const index of this.anyUsers[id] ?? NONE) {
          if (seen[index] !== stamp) {
            seen[index] = stamp;
            candidates.push(index);
          }
        }
      }
      if (scan.billKey !== undefined) {
        for (const index of this.billUsers.get(scan.billKey) ?? NONE) {
          if (seen[index] !== stamp) {
            seen[index] = stamp;
            candidates.push(index);
          }
        }
      }
      const results: MatchResult[] = new Array(candidates.length);
      if (this.keyScratch.length < candidates.length) this.keyScratch = new Float64Array(candidates.length * 2);
      const keys = this.keyScratch.subarray(0, candidates.length);
      for (let i = 0; i < candidates.length; i++) {
        const index = candidates[i]!;
        const result = this.judge(this.compiled[index]!, scan, feedKind, item);
        results[i] = result;
        keys[i] = sortKey(result, index);
        this.slot[index] = i;
      }
      // Best first: the keys sort natively as numbers and carry the commitment's index in their low bits.
      keys.sort();
      const sorted: MatchResult[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) sorted[i] = results[this.slot[indexOfKey(keys[keys.length - 1 - i]!)]!]!;
      return sorted;
    } finally {
      this.clear(scan);
    }
  }

  /**
   * How one commitment fares against an item, even when none of its terms matched ("no watch term
   * matched"); undefined for an unknown id. For `why`.
   */
  explain(item: FeedItem, feedKind: FeedKind, commitmentId: string): MatchResult | undefined {
    const index = this.byId.get(commitmentId);
    if (index === undefined) return undefined;
    const scan = this.scan(item, feedKind);
    try {
      return this.judge(this.compiled[index]!, scan, feedKind, item);
    } finally {
      this.clear(scan);
    }
  }

  get size(): number {
    return this.compiled.length;
  }

  private refsOf(list: readonly string[]): TermRef[] {
    const refs: TermRef[] = [];
    for (const written of list) refs.push(...this.refs(written));
    return refs;
  }

  private refs(written: string): TermRef[] {
    const refs: TermRef[] = [];
    for (const alternative of written.split('|')) {
      const term = this.term(alternative);
      if (term) refs.push({ term, written: alternative.trim() });
    }
    return refs;
  }

  /** The shared entry for a term's words, indexed by its first word; undefined if it has no words. */
  private term(written: string): Term | undefined {
    const ws = tokenise(written);
    if (ws.length === 0) return undefined;
    const key = ws.join(' ');
    let term = this.termByKey.get(key);
    if (term) return term;
    term = { id: this.terms.length, words: ws, factor: 1 + WEIGHTS.perExtraWord * (ws.length - 1) };
    this.terms.push(term);
    this.termByKey.set(key, term);
    const first = ws[0]!;
    if (first.length >= 3) this.maybeStart[key3(first)] = 1;
    else this.maybeShortStart[first.length === 1 ? first.charCodeAt(0) & 0xffff : key2(first)] = 1;
    const list = this.byFirstWord.get(first);
    if (list) list.push(term);
    else this.byFirstWord.set(first, [term]);
    if (first.length > this.longestFirstWord) this.longestFirstWord = first.length;
    return term;
  }

  private scan(item: FeedItem, feedKind: FeedKind): Scan {
    const tokens: string[] = [];
    addField(tokens, item.title);
    if (item.billTitle && normalise(item.billTitle) !== normalise(item.title)) addField(tokens, item.billTitle);
    const titleEnd = tokens.length;
    addField(tokens, item.summary);
    for (const category of item.categories) this.addLabel(tokens, category);
    this.addLabel(tokens, item.department);
    this.addLabel(tokens, item.documentType);

    const place = this.place;
    const touched: number[] = [];
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at]!;
      const where = at < titleEnd ? TITLE : BODY;
      if (token === '') continue;
      if (
        (token.length < 3 || this.maybeStart[key3(token)] === 0) &&
        this.maybeShortStart[token.charCodeAt(0) & 0xffff] === 0 &&
        (token.length < 2 || this.maybeShortStart[key2(token)] === 0)
      ) {
        continue;
      }
      for (const term of this.termsStarting(token)) {
        if (place[term.id]! >= where) continue;
        if (term.words.length > 1 && !phraseAt(tokens, at, term.words)) continue;
        if (place[term.id] === 0) touched.push(term.id);
        place[term.id] = where;
      }
    }
    const billTitle = item.billTitle ?? item.title;
    const key = feedKind === 'parliament-bills' && billTitle ? billKey(billTitle) : '';
    return { place, touched, billKey: key !== '' && this.billUsers.has(key) ? key : undefined };
  }

  private belowThreshold(score: number): string {
    let reason = this.belowReasons.get(score);
    if (reason === undefined) {
      reason = `below threshold ${this.thresholdText} (score ${score.toFixed(1)})`;
      this.belowReasons.set(score, reason);
    }
    return reason;
  }

  /** A short field that recurs from item to item (a category, a department, a type): tokenised once. */
  private addLabel(tokens: string[], label: string | undefined): void {
    if (!label) return;
    let words = this.labelCache.get(label);
    if (words === undefined) {
      words = tokenise(label);
      if (this.labelCache.size >= LABEL_CACHE_MAX) this.labelCache.clear();
      this.labelCache.set(label, words);
    }
    for (const w of words) tokens.push(w);
    tokens.push('');
  }

  /** The terms whose first word starts `token`: one look-up per prefix, remembered per word (words recur). */
  private termsStarting(token: string): readonly Term[] {
    let terms = this.startCache.get(token);
    if (terms !== undefined) return terms;
    let found: Term[] | undefined;
    const longest = Math.min(token.length, this.longestFirstWord);
    for (let length = 1; length <= longest; length++) {
      const list = this.byFirstWord.get(length === token.length ? token : token.slice(0, length));
      if (list !== undefined) (found ??= []).push(...list);
    }
    terms = found ?? NO_TERMS;
    if (this.startCache.size >= START_CACHE_MAX) this.startCache.clear();
    this.startCache.set(token, terms);
    return terms;
  }

  private clear(scan: Scan): void {
    for (const id of scan.touched) scan.place[id] = 0;
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private judge(c: Compiled, scan: Scan, feedKind: FeedKind, item: FeedItem): MatchResult {
    const place = scan.place;
    let score = 0;
    const matched: string[] = [];
    const anyIds = c.anyIds;
    for (let i = 0; i < anyIds.length; i++) {
      const at = place[anyIds[i]!]!;
      if (at === 0) continue;
      matched.push(c.anyWritten[i]!);
      // A term met inside a longer matched term of the same commitment, in as good a place, counts once.
      const by = c.impliedBy[i];
      if (by) {
        let counted = true;
        for (let k = 0; k < by.length; k++) if (place[anyIds[by[k]!]!]! >= at) counted = false;
        if (!counted) continue;
      }
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
    if (scan.billKey !== undefined) bill = c.bills.find((b) => b.key === scan.billKey);
    if (bill) {
      score += WEIGHTS.bill;
      matched.push(bill.written);
    }
    score = Math.round(score * 100) / 100;
    let accepted = false;
    let reason: string;
    if (bill) {
      accepted = true;
      reason = `linked bill '${bill.written}'${item.billStage ? ` at ${item.billStage}` : ''}`;
    } else if (!anyMatched) {
      reason = matched.length ? `no 'any' term matched (only ${places(c, place)})` : 'no watch term matched';
    } else if (c.feedKinds.size > 0 && !c.feedKinds.has(feedKind)) {
      reason = `feed kind ${feedKind} not watched (watches ${[...c.feedKinds].join(', ')})`;
    } else if (excludedBy !== undefined) {
      reason = excludedBy;
    } else if (missing !== undefined) {
      reason = missing;
    } else if (score < this.threshold) {
      reason = this.belowThreshold(score);
    } else {
      accepted = true;
      reason = `score ${score.toFixed(1)} ≥ ${this.thresholdText}: ${places(c, place)}`;
    }
    return { commitmentId: c.id, score, matched, accepted, reason };
  }

}

const NONE: readonly number[] = [];
const KEY3_SIZE = 1 << 16;

/** A hash of a word's first three characters (the word has at least three). */
function key3(word: string): number {
  return Math.imul(word.charCodeAt(0) * 961 + word.charCodeAt(1) * 31 + word.charCodeAt(2), 0x9e3779b1) >>> 16;
}

/** A hash of a word's first two characters, kept apart from single characters (0…0xffff) where it can. */
function key2(word: string): number {
  return Math.imul(word.charCodeAt(0) * 31 + word.charCodeAt(1) + 0x10000, 0x85ebca6b) >>> 16;
}
const NO_TERMS: readonly Term[] = [];
/** Distinct words remembered by termsStarting; English news uses far fewer. */
const START_CACHE_MAX = 200_000;
const LABEL_CACHE_MAX = 10_000;

function addField(tokens: string[], text: string | undefined): void {
  if (!text) return;
  for (const w of tokenise(text)) tokens.push(w);
  tokens.push(''); // a boundary: phrases do not run from one field into the next
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

function uniqueTerms(refs: TermRef[]): TermRef[] {
  const seen = new Set<Term>();
  return refs.filter((ref) => !seen.has(ref.term) && seen.add(ref.term));
}

/** True when every occurrence of `longer` contains an occurrence of `shorter` (each word a word start). */
function implies(longer: Term, shorter: Term): boolean {
  for (let offset = 0; offset + shorter.words.length <= longer.words.length; offset++) {
    if (shorter.words.every((w, k) => longer.words[offset + k]!.startsWith(w))) return true;
  }
  return false;
}

const INDEX_BITS = 2 ** 20;

/**
 * Best first: accepted before not, then by score, then in the order the commitments were given (register
 * order). One number says all three — and which commitment it is, in its low 20 bits — so the keys sort
 * natively. Exact: the largest key is below 2^53.
 */
function sortKey(result: MatchResult, index: number): number {
  return (result.accepted ? 2 ** 50 : 0) + Math.min(Math.round(result.score * 100), 2 ** 29) * INDEX_BITS + (INDEX_BITS - 1 - index);
}

function indexOfKey(key: number): number {
  return INDEX_BITS - 1 - (key % INDEX_BITS);
}
