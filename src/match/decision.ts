// What the Matcher decided for one commitment and one item, as a code callers can branch on (never by
// parsing the reason) and a reason for people. The reason strings of the rejections keep their historical
// prefixes ("excluded by", "below threshold", "missing required", "feed kind") for older readers of traces.

/** Why a commitment was, or was not, accepted for an item. */
export const MATCH_DECISIONS = [
  /** A watched bill's own item on a bills feed, or the Act it became on legislation.gov.uk. */
  'linked-bill',
  /** One of the commitment's `names` (its own instrument or body, named exactly). */
  'named',
  /** Its terms (and every required group) scored at or above the threshold. */
  'accepted',
  /** Nothing of the commitment appears. */
  'no-term',
  /** Only `all` or `none` terms appear: context without the commitment's subject. */
  'only-context',
  /** The commitment does not watch this kind of feed. */
  'kind-not-watched',
  /** A `none` term appears. */
  'excluded',
  /** A required `all` group has no alternative in the item. */
  'missing-required',
  /** The only evidence is one single word, and the commitment has no required group to confirm it. */
  'single-word',
  /** Terms found, but too weakly (e.g. one mention in the summary). */
  'below-threshold',
  /** Its only terms are shared with another accepted commitment that matches the item better. */
  'shared-terms',
] as const;
export type MatchDecision = (typeof MATCH_DECISIONS)[number];

export const ACCEPTING_DECISIONS: ReadonlySet<MatchDecision> = new Set(['linked-bill', 'named', 'accepted']);

export interface MatchResult {
  commitmentId: string;
  score: number;
  /** The watch terms that matched, as written in the seed: names, `any` terms, matched `all` alternatives, linked bill. */
  matched: string[];
  accepted: boolean;
  decision: MatchDecision;
  /** Why accepted or not, for people: "below threshold 2.0 (score 1.0)", "excluded by 'hong kong'", … */
  reason: string;
}

/** Short labels for `why` and other front ends. */
export const DECISION_LABELS: Record<MatchDecision, string> = {
  'linked-bill': 'linked bill',
  named: 'named',
  accepted: 'matched',
  'no-term': 'unrelated',
  'only-context': 'context only',
  'kind-not-watched': 'not watched here',
  excluded: 'blocked',
  'missing-required': 'incomplete',
  'single-word': 'too thin',
  'below-threshold': 'too weak',
  'shared-terms': 'fits another better',
};
