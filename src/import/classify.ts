// Classifies the Government's answer to one recommendation as accepted | accepted-in-part | noted |
// not-accepted, from its own words, and says which words decided it and how sure it is.
import type { Confidence, Position } from '../domain.ts';
import { sentencesOf } from './sentences.ts';
import { SUBJECT } from './undertakings.ts';

export type { Confidence };

export interface Classification {
  position: Position;
  rationale: string;
  confidence: Confidence;
  /** The sentences that decided it, verbatim. */
  deciding: string[];
}

/** A label printed at the head of the answer, as GOV.UK responses often do ("Accepted.", "Not accepted"). */
const LABELS: [RegExp, Position][] = [
  [/^(?:partially accepted|accepted in part|partially agreed|agreed in part|accepted in principle|agreed in principle)\b/i, 'accepted-in-part'],
  [/^(?:not accepted|rejected|not agreed|disagreed?)\b/i, 'not-accepted'],
  [/^(?:accepted|agreed)\b/i, 'accepted'],
  [/^noted\b/i, 'noted'],
];

const NEGATED = /\b(?:not|unable to|cannot|can ?not|never)\s+(?:\w+\s+){0,2}$/i;
const EXPLICIT_IN_PART =
  /\b(?:accepts?|agrees?(?: with)?)(?: (?:this|the|these) recommendations?)? (?:in part|in principle|partially)\b|\bpartially (?:accepts?|agrees?)\b/i;
const EXPLICIT_ACCEPT =
  /\b(?:accepts?|agrees? (?:with|to)|supports?) (?:both |all |each )?(?:of )?(?:this|the|these|both|the committee['’]s) (?:committee['’]s )?recommendations?\b|\baccepts? recommendations? \d/i;
const EXPLICIT_REJECT =
  /\b(?:unable to|cannot|can ?not|do(?:es)? not|will not|is not able to) (?:therefore )?(?:accept|agree (?:with|to)|support)\b[^.]{0,30}\brecommendation|\brejects? (?:this|the) recommendation/i;
const NEGATIVE = [
  /\b(?:do|does|did) not (?:currently |presently |therefore |yet |at present )*(?:have|has) (?:any )?(?:current )?plans?\b/i,
  /\bno (?:current |immediate )?plans to\b/i,
  /\b(?:do|does) not (?:therefore |currently |presently |at present )*(?:believe|consider|think|agree|judge|support|intend|propose)\b/i,
  /\bwould not (?:be )?(?:appropriate|feasible|proportionate|necessary|result)\b/i,
  /\bwould risk\b/i,
  /\bnot (?:be |been )?(?:appropriate|feasible|necessary|proportionate)\b/i,
  /\bpolicy\b[^.]{0,60}\bnot to\b/i,
];
/** A concrete undertaking: "we will introduce", "DIT will report", "we agree to producing". */
const STRONG = [
  new RegExp(
    String.raw`\b(?!It\b|it\b)${SUBJECT},? (?:therefore |now |however, )?(?:will|shall),? (?:however, |now )?(?!(?:also )?(?:continue|keep|consider|remain|look)\b|not\b|be\b|set out more|provide (?:further|more) (?:detail|information)|update)\p{Ll}+`,
    'u',
  ),
  /\b(?:we|the government) (?:therefore |also |now )?(?:agree|agrees|commit|commits) to\b/i,
  /\b(?:and|we) commit to \w+ing\b/i,
];
/**
 * A judgement that what is already done suffices ("these are currently appropriate"). It is no refusal on
 * its own: without a "no plans" or "do not accept" beside it, the door is left open, so it is noted.
 */
const STATUS_QUO = /\b(?:are|is|remains?|remained) (?:currently |still )?(?:appropriate|sufficient|adequate)(?: to\b|\.|,)/i;
/**
 * The Committee asked for a time ("inform the Committee of when…", "a timetable for…"): an answer that
 * accepts without naming one gives only part of what was asked.
 */
const ASKS_WHEN =
  /\b(?:of|on|about|say|state|confirm|set out|explain) when\b|\bwhen\b[^.,;]{0,100}\bwill\b|\b(?:timetable|timescale|timeline|time-?frame|target dates?)\b/i;
const MONTH_NAME = '(?:January|February|March|April|May|June|July|August|September|October|November|December)';
const GIVES_TIME = new RegExp(
  String.raw`\b(?:19|20)\d{2}\b|\b${MONTH_NAME}\b|\b(?:this|next) (?:year|month|week|spring|summer|autumn|winter|session)\b|\b(?:later|earlier|early) this\b|\bwithin (?:\w+ )?(?:days|weeks|months|years?)\b|\bin the (?:coming|next) (?:few )?(?:days|weeks|months)\b|\b(?:spring|summer|autumn|winter)\b`,
  'i',
);
const FORWARD = /\b(?:will|shall|expects?|intends?|plans?|aims?|(?:is|are) due|(?:is|are) to)\b/i;
const WEAK = [/\bwill (?:also )?continue to\b/i, /\bagrees? (?:that|on|with)\b/i, /\bwelcomes?\b/i, /\bwill consider\b/i, /\bunder (?:close )?review\b/i];
const HEDGE = [
  /\bdo not speculate\b/i,
  /^however\b|\bhowever,/i,
  /\bis a matter for\b/i,
  /\bwould need to be persuaded\b/i,
  /\bis best (?:conducted|done|left|placed)\b/i,
  /\bnot responsible for\b/i,
];

const any = (res: RegExp[], s: string) => res.some((re) => re.test(s));
const quote = (s: string) => `"${s.replace(/"/g, '\u201D')}"`;

function explicitAccept(s: string, own: number): boolean {
  const m = EXPLICIT_ACCEPT.exec(s) ?? new RegExp(`\\bin line with recommendation ${own}\\b|\\baccepts? recommendation ${own}\\b`, 'i').exec(s);
  return !!m && !NEGATED.test(s.slice(0, m.index));
}

/**
 * `answer` is the answer's paragraphs. For an answer shared by several recommendations, `others` are the
 * numbers of the rest: sentences naming only one of them speak for that one, not for this.
 */
export function classifyAnswer(answer: string[], own: number, others: number[] = [], asked = ''): Classification {
  // A label is a short first paragraph ("Accepted in principle.") or the first sentence on its own ("Noted. …").
  const first = answer[0]?.trim() ?? '';
  const head = sentencesOf(first)[0] ?? first;
  for (const [re, position] of LABELS) {
    const label = [first, head].find((t) => {
      const m = re.exec(t);
      return m && t.length < 40 + m[0].length && !/\bthat\b/i.test(t.slice(0, 40));
    });
    if (label) return { position, rationale: `The answer is headed ${quote(sentencesOf(label)[0] ?? label)}.`, confidence: 'high', deciding: [label] };
  }
  const mentions = (s: string, n: number) => new RegExp(`\\brecommendations?\\b[^.]{0,40}\\b${n}\\b`, 'i').test(s);
  const sentences = answer.flatMap(sentencesOf).filter((s) => mentions(s, own) || !others.some((n) => mentions(s, n)));
  const find = (test: (s: string) => boolean) => sentences.filter(test);
  const inPart = find((s) => EXPLICIT_IN_PART.test(s));
  const accept = find((s) => explicitAccept(s, own));
  const reject = find((s) => EXPLICIT_REJECT.test(s));
  const negative = find((s) => any(NEGATIVE, s));
  const strong = find((s) => any(STRONG, s) && !any(NEGATIVE, s));
  const weak = find((s) => any(WEAK, s));
  const hedge = find((s) => any(HEDGE, s));
  const statusQuo = find((s) => STATUS_QUO.test(s));
  // A time the Government looks forward to, in any sentence ("we expect to publish in March"); past dates do not count.
  const untimed = ASKS_WHEN.test(asked) && !find((s) => FORWARD.test(s) && GIVES_TIME.test(s)).length;

  if (inPart.length) return result('accepted-in-part', 'high', `The answer says ${quote(inPart[0]!)}.`, inPart);
  if (accept.length && (reject.length || negative.length)) {
    const no = reject[0] ?? negative[0]!;
    return result('accepted-in-part', 'medium', `Accepted where it says ${quote(accept[0]!)}, but not where it says ${quote(no)}.`, [accept[0]!, no]);
  }
  if (accept.length && untimed) return result('accepted-in-part', 'medium', noTime(accept[0]!), [accept[0]!]);
  if (accept.length) return result('accepted', 'high', `The answer says ${quote(accept[0]!)}.`, accept);
  if (reject.length) return result('not-accepted', 'high', `The answer says ${quote(reject[0]!)}.`, reject);
  // A refusal outweighs an unrelated undertaking in the same answer; the editor is told of both.
  if (negative.length && strong.length) {
    return result('not-accepted', 'low', `The answer says ${quote(negative[0]!)}, though it also undertakes ${quote(strong[0]!)}.`, [negative[0]!, strong[0]!]);
  }
  if (negative.length) return result('not-accepted', 'medium', `The answer says ${quote(negative[0]!)}.`, negative);
  if (strong.length && (hedge.length || statusQuo.length)) {
    const [yes, but] = [strong[0]!, hedge[0] ?? statusQuo[0]!];
    const rationale = yes === but ? `It undertakes and qualifies in one sentence: ${quote(yes)}.` : `It undertakes ${quote(yes)}, but qualifies it: ${quote(but)}.`;
    return result('accepted-in-part', 'low', rationale, yes === but ? [yes] : [yes, but]);
  }
  if (strong.length && untimed) return result('accepted-in-part', 'medium', noTime(strong[0]!), [strong[0]!]);
  if (strong.length) return result('accepted', 'medium', `The answer undertakes ${quote(strong[0]!)}, though it does not say "accept".`, strong);
  const soft = [...statusQuo, ...hedge, ...weak];
  if (soft.length) return result('noted', 'medium', `The answer neither accepts nor rejects; it says ${quote(soft[0]!)}.`, [soft[0]!]);
  return result('noted', 'low', 'Nothing in the answer accepts or rejects the recommendation: it describes what is already done.', []);
}

const noTime = (yes: string) => `The answer says ${quote(yes)}, but the Committee asked when, and it gives no date or timescale.`;

function result(position: Position, confidence: Confidence, rationale: string, deciding: string[]): Classification {
  return { position, confidence, rationale, deciding };
}
