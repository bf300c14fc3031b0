// Matching feed items to commitments by their watch terms (domain.ts, WatchTerms).
//
// What an item says: its title (and billTitle, where the source gives one) form the TITLE; its summary,
// each category, department and documentType form the BODY. Each field is normalised (text.ts: lower
// case, diacritics, typographic quotes and dashes folded) and split into words; a phrase never runs from
// one field into the next. Spellings are one: a term is kept in folded spelling (text.ts foldSpelling:
// Uyghur, labour, -isation, …) and indexed under its other spellings too (Uighur, labor, -ization), so
// "Uighur forced labor" matches "uyghur|forced labour" without folding every word of every item.
//
// When a term matches: each of its words is the START of a word of the item (a word of three characters
// or fewer must be the WHOLE word), and a term of several words matches them consecutively. So "penalt"
// matches "penalties", "export control" matches "Export Controls" and "export-control", "un" matches "UN"
// but not "under", and "control export" does not match "export control".
//
// How a commitment is judged and scored: judge.ts.
//
// Which commitments come back: those where a name, an `any` term or a linked bill matched, accepted or
// not, so `why` can explain near misses; accepted first, then by score, then in the order the commitments
// were given. explain() answers for one commitment whatever matched.
//
// Speed: terms are deduplicated across commitments and indexed by their first word. An item's words are
// each looked up once (a 3-letter hash filter first, then a per-word cache of the terms whose first word
// starts it), and only the commitments using a term that occurred are judged, so the cost of an item
// grows with its length and the terms it contains, not with the number of commitments.
import type { CommitmentRow } from '../store/register-store.ts';
import type { FeedItem } from '../feed-types.ts';
import type { FeedKind } from '../domain.ts';
import { actKey, billKey, foldSpelling, normalise, phraseMatches, SHORT_WORD_MAX, spellingVariants, tokenise } from './text.ts';
import type { MatchResult } from './decision.ts';
import { BODY, DEFAULT_THRESHOLD, Judge, TITLE, WEIGHTS, type Compiled, type Scan, type Term } from './judge.ts';

export type { MatchDecision, MatchResult } from './decision.ts';
export { DEFAULT_THRESHOLD, WEIGHTS } from './judge.ts';

export interface MatcherOptions {
  /** Minimum score for acceptance; default DEFAULT_THRESHOLD. */
  threshold?: number;
}

interface TermRef {
  term: Term;
  written: string;
}

export class Matcher {
  readonly threshold: number;
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
  /** term id → the commitments that list it in `names` or `any`. */
  private readonly anyUsers: number[][] = [];
  private readonly billUsers = new Map<string, number[]>();
  private readonly place: Uint8Array;
  private readonly seen: Uint32Array;
  /** Commitment index → its place in the results being built. */
  private readonly slot: Int32Array;
  private keyScratch = new Float64Array(64);
  private stamp = 0;
  private readonly startCache = new Map<string, readonly Term[]>();
  private readonly judging: Judge;
  private readonly labelCache = new Map<string, string[]>();

  constructor(commitments: readonly CommitmentRow[], options: MatcherOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.judging = new Judge(this.threshold);
    if (commitments.length > INDEX_BITS) throw new RangeError(`a Matcher takes at most ${INDEX_BITS} commitments`);
    for (const [index, row] of commitments.entries()) {
      const names = uniqueTerms(this.refsOf(row.watch.names ?? []));
      const nameTerms = new Set(names.map((ref) => ref.term));
      const any = [...names, ...uniqueTerms(this.refsOf(row.watch.any)).filter((ref) => !nameTerms.has(ref.term))];
      const groups = (row.watch.all ?? []).map((written) => ({ written, alternatives: this.refs(written) })).filter((g) => g.alternatives.length > 0);
      const alternatives = groups.flatMap((g) => g.alternatives);
      const none = this.refsOf(row.watch.none ?? []);
      const c: Compiled = {
        id: row.id,
        anyIds: any.map((ref) => ref.term.id),
        nameCount: names.length,
        anyFactors: any.map((ref) => ref.term.factor),
        anyWritten: any.map((ref) => ref.written),
        anyWords: any.map((ref) => ref.term.words.length),
        impliedBy: any.map((ref) => {
          const by = any.flatMap((other, j) => (other.term !== ref.term && implies(other.term, ref.term) ? [j] : []));
          return by.length ? by : null;
        }),
        allIds: alternatives.map((ref) => ref.term.id),
        allFactors: alternatives.map((ref) => ref.term.factor),
        allWritten: alternatives.map((ref) => ref.written),
        allStart: [0, ...groups.map((_, g) => groups.slice(0, g + 1).reduce((n, x) => n + x.alternatives.length, 0))],
        allMissing: groups.map((g) => `missing required '${g.written.trim()}': none of these appears, so the item lacks part of what the commitment is about`),
        noneIds: none.map((ref) => ref.term.id),
        noneReasons: none.map((ref) => `excluded by '${ref.written}', a term that rules items out`),
        feedKinds: new Set(row.watch.feedKinds ?? []),
        bills: (row.watch.bills ?? []).map((written) => ({ key: billKey(written), written: written.trim() })).filter((b) => b.key !== ''),
        madeYear: Number(row.madeOn.slice(0, 4)) || 0,
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

  /** Every commitment for which one of its names, `any` terms or linked bills matched; accepted ones first. */
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
      const results = new Array<MatchResult>(candidates.length);
      if (this.keyScratch.length < candidates.length) this.keyScratch = new Float64Array(candidates.length * 2);
      const keys = this.keyScratch.subarray(0, candidates.length);
      let acceptedCount = 0;
      for (let i = 0; i < candidates.length; i++) {
        const index = candidates[i]!;
        const result = this.judging.judge(this.compiled[index]!, scan, feedKind, item);
        results[i] = result;
        if (result.accepted) acceptedCount++;
        keys[i] = sortKey(result, index);
        this.slot[index] = i;
      }
      if (acceptedCount > 1 && this.judging.dropSharedOnly(this.compiled, candidates, results, scan)) {
        for (let i = 0; i < candidates.length; i++) keys[i] = sortKey(results[i]!, candidates[i]!);
      }
      // Best first: the keys sort natively as numbers and carry the commitment's index in their low bits.
      keys.sort();
      const sorted = new Array<MatchResult>(keys.length);
      for (let i = 0; i < keys.length; i++) sorted[i] = results[this.slot[indexOfKey(keys[keys.length - 1 - i]!)]!]!;
      return sorted;
    } finally {
      this.clear(scan);
    }
  }

  /**
   * How one commitment fares against an item, even when none of its terms matched ("no watch term
   * matched"); undefined for an unknown id. For `why`. Judged among all, as match() judges it.
   */
  explain(item: FeedItem, feedKind: FeedKind, commitmentId: string): MatchResult | undefined {
    const index = this.byId.get(commitmentId);
    if (index === undefined) return undefined;
    const among = this.match(item, feedKind).find((r) => r.commitmentId === commitmentId);
    if (among) return among;
    const scan = this.scan(item, feedKind);
    try {
      return this.judging.judge(this.compiled[index]!, scan, feedKind, item);
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

  /**
   * The shared entry for a term's words (in folded spelling), indexed by its first word, with its other
   * spellings indexed beside it so items need no folding; undefined if it has no words.
   */
  private term(written: string): Term | undefined {
    const ws = tokenise(written).map(foldSpelling);
    if (ws.length === 0) return undefined;
    const key = ws.join(' ');
    let term = this.termByKey.get(key);
    if (term) return term;
    term = this.addTerm(ws, undefined);
    this.termByKey.set(key, term);
    for (const spelling of spellingsOf(ws)) this.addTerm(spelling, term);
    return term;
  }

  private addTerm(words: string[], canonical: Term | undefined): Term {
    const id = this.terms.length;
    const first = words[0]!;
    const term: Term = { id, words, factor: 1 + WEIGHTS.perExtraWord * (words.length - 1), wholeFirst: first.length <= SHORT_WORD_MAX, canon: canonical?.id ?? id };
    this.terms.push(term);
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
        const id = term.canon;
        if (place[id]! >= where) continue;
        if (term.words.length > 1 && !phraseMatches(tokens, at, term.words)) continue;
        if (place[id] === 0) touched.push(id);
        place[id] = where;
      }
    }
    let key: string | undefined;
    let actYear: number | undefined;
    if (feedKind === 'parliament-bills') {
      const billTitle = item.billTitle ?? item.title;
      key = billTitle ? billKey(billTitle) : undefined;
    } else if (feedKind === 'legislation' && this.billUsers.size > 0) {
      const act = actKey(item.title);
      key = act?.key;
      actYear = act?.year;
    }
    return { place, touched, billKey: key !== undefined && key !== '' && this.billUsers.has(key) ? key : undefined, actYear };
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

  /** The terms whose first word starts `token` (or is it, when short): one look-up per prefix, remembered per word (words recur). */
  private termsStarting(token: string): readonly Term[] {
    let terms = this.startCache.get(token);
    if (terms !== undefined) return terms;
    let found: Term[] | undefined;
    const word = token;
    const longest = Math.min(word.length, this.longestFirstWord);
    for (let length = 1; length <= longest; length++) {
      const list = this.byFirstWord.get(length === word.length ? word : word.slice(0, length));
      if (list === undefined) continue;
      for (const term of list) if (!term.wholeFirst || length === word.length) (found ??= []).push(term);
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

/** Every other spelling of a term's words (at most 16 combinations): each word as written or as a variant. */
function spellingsOf(words: readonly string[]): string[][] {
  if (!words.some((w) => spellingVariants(w).length > 0)) return [];
  let combos: string[][] = [[]];
  for (const w of words) {
    const options = [w, ...spellingVariants(w)];
    combos = combos.flatMap((c) => options.map((o) => [...c, o])).slice(0, 16);
  }
  return combos.filter((c) => c.some((w, k) => w !== words[k]));
}

function uniqueTerms(refs: TermRef[]): TermRef[] {
  const seen = new Set<Term>();
  return refs.filter((ref) => !seen.has(ref.term) && seen.add(ref.term));
}

/** True when every occurrence of `longer` contains an occurrence of `shorter` (each word a word start, short words whole). */
function implies(longer: Term, shorter: Term): boolean {
  for (let offset = 0; offset + shorter.words.length <= longer.words.length; offset++) {
    if (shorter.words.every((w, k) => (w.length <= SHORT_WORD_MAX ? longer.words[offset + k] === w : longer.words[offset + k]!.startsWith(w)))) return true;
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
