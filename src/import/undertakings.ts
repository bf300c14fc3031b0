// Candidate undertakings: sentences of an answer in which the Government says it will do something
// concrete. Each keeps its exact words, the recommendation(s) it answers, the department it names,
// the deadline as stated, and watch terms an editor can start from.
import { departmentsNamed, type DepartmentName } from './departments.ts';
import { sentencesOf } from './sentences.ts';
import type { Confidence } from '../domain.ts';

export interface Candidate {
  quote: string;
  recommendations: number[];
  department: DepartmentName | undefined;
  deadline: { text: string; date?: string } | undefined;
  /** The words from the undertaking's verb on: what was promised. */
  promise: string;
  ongoing: boolean;
  confidence: Confidence;
}

/** Who undertakes: the Government, a department or a public body, named as responses name them. */
const BODY = String.raw`(?:[Tt]he )?(?:[A-Z][\p{L}’']+ ){0,4}(?:Department|Agency|Office|Minister|Ministry|Secretary of State|Board|Service|Commission|Authority|Ofcom|Treasury|Defra|DfE|DfT|MoJ|MoD)(?: (?:for|of) [A-Z][\p{L}]+(?:,? (?:and )?[A-Z][\p{L}]+){0,4})?`;
export const SUBJECT = String.raw`(?:[Ww]e|[Tt]he [Gg]overnment|[Gg]overnment|[Mm]inisters|[Ii]t|[A-Z]{2,6}|${BODY})`;
const THING = String.raw`(?:[Bb]ill|[Rr]eview|[Ss]trategy|[Gg]uidance|[Pp]rogramme|[Pp]lan|[Cc]onsultation)`;
/** The undertaking's verb, and what follows it. */
const TRIGGERS: RegExp[] = [
  new RegExp(
    String.raw`\b${SUBJECT},? (?:also |therefore |now |however, )?(?:will|shall),? (?:however, |also |now )?(?!not\b|be\b|have\b|need\b|only\b)((?:\p{Ll}+ly )?\p{Ll}+\b.*)$`,
    'u',
  ),
  /\b(?:[Ww]e|[Tt]he [Gg]overnment) (?:therefore |also |now )?(?:agrees?|commits?|intends?|plans?|undertakes?) to (?!the\b)(.*)$/u,
  /\b(?:accept this recommendation and |and )commit to (\w+ing.*)$/i,
  /\b(?:is|are) working (?:with [^,.]{2,60} )?to ((?:introduce|publish|develop|deliver|bring forward)\b.*)$/i,
  /\bwill be ((?:announced|published|introduced|set out|enforced|laid|brought forward|launched|made available|available)\b.*)$/i,
  new RegExp(String.raw`\b${THING} will (?:also )?((?:further )?(?:strengthen|allow|introduce|require|give|enable|set out|cover|include|publish)\b.*)$`, 'u'),
];
/** Undertakings to do nothing in particular. */
const EMPTY_PROMISE = new RegExp(
  [
    String.raw`^continue to (?:monitor|consider|engage)\b.{0,40}$`,
    String.raw`^(?:continue to )?keep (?:this|these|it|them|these measures|this matter|the matter|the position) under (?:close )?review`,
    String.raw`^continue to work (?:closely )?with (?:our )?(?:international )?partners(?: on this (?:matter|issue))?$`,
    String.raw`^(?:help to|be happy to|not)\b`,
  ].join('|'),
  'i',
);

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = String.raw`(?:January|February|March|April|May|June|July|August|September|October|November|December)`;
const DEADLINES: RegExp[] = [
  /\bas soon as (?:parliamentary|Parliamentary) time allows\b/,
  new RegExp(String.raw`\bby (?:the )?(?:end|spring|summer|autumn|winter|beginning|middle|start)(?: of)?(?: ${MONTH})? \d{4}\b`),
  new RegExp(String.raw`\bby (?:\d{1,2} )?${MONTH} \d{4}\b`),
  /\bby (?:the end of )?(?:this|next) (?:year|Parliament|parliament|session|financial year)\b/,
  /\bwithin (?:the next )?(?:\w+ )?(?:weeks|months|years)\b/,
  /\b(?:later|early|earlier) (?:this|next) year\b/,
  /\bin the (?:coming|next few) (?:weeks|months)\b/,
  /\bat the conclusion of [^,.;]+/,
  /\bin due course\b/,
];

function deadlineIn(sentence: string): Candidate['deadline'] {
  // The first deadline the sentence states ("consult later this year, and legislate as soon as…").
  const found = DEADLINES.map((re) => re.exec(sentence))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => a.index - b.index);
  for (const m of found.slice(0, 1)) {
    const text = m[0];
    const dated = new RegExp(String.raw`^by (?:the end of )?(?:(\d{1,2}) )?(${MONTH} )?(\d{4})$`).exec(text);
    if (!dated) return { text };
    const year = Number(dated[3]);
    const month = dated[2] ? MONTHS.indexOf(dated[2].trim().toLowerCase()) + 1 : 12;
    const day = dated[1] ? Number(dated[1]) : new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { text, date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
  }
  return undefined;
}

function promiseOf(sentence: string): string | undefined {
  for (const re of TRIGGERS) {
    const m = re.exec(sentence);
    const promise = m?.[1]?.trim().replace(/[.;:]+$/, '');
    if (promise && promise.split(/\s+/).length >= 3 && !EMPTY_PROMISE.test(promise)) return promise;
  }
  return undefined;
}

/**
 * The candidates in one answer. `group` lists the recommendations an answer covers (one, or several for
 * a combined answer): a sentence naming one of them is given to that one, otherwise to all of them.
 */
export function findUndertakings(answer: string[], group: number[]): Candidate[] {
  const out: Candidate[] = [];
  for (const paragraph of answer) {
    let previous: Candidate | undefined;
    for (const sentence of sentencesOf(paragraph)) {
      const promise = promiseOf(sentence);
      if (!promise) {
        previous = undefined;
        continue;
      }
      const named = group.filter((n) => new RegExp(`\\brecommendations?\\b[^.]{0,40}\\b${n}\\b`, 'i').test(sentence));
      const recommendations = named.length ? named : group;
      if (previous && sameRecommendations(previous.recommendations, recommendations)) {
        // Consecutive promises in one paragraph are one undertaking, quoted together.
        previous.quote = `${previous.quote} ${sentence}`;
        previous.deadline ??= deadlineIn(sentence);
        previous.department ??= departmentsNamed(sentence)[0];
        continue;
      }
      const department = departmentsNamed(sentence)[0];
      const ongoing = /\b(?:continue|keep|remain|already|is working|are working|ongoing)\b/i.test(sentence);
      const vague = /\bunder (?:close )?review\b|\bwill consider\b|\bmonitor\b/i.test(sentence);
      const candidate: Candidate = {
        quote: sentence,
        recommendations,
        department,
        deadline: deadlineIn(sentence),
        promise,
        ongoing,
        // A new, concrete act is the surest undertaking; a promise to keep things under review the least.
        confidence: vague ? 'low' : ongoing ? 'medium' : 'high',
      };
      out.push(candidate);
      previous = candidate;
    }
  }
  return out;
}

const sameRecommendations = (a: number[], b: number[]) => a.length === b.length && a.every((n, i) => b[i] === n);
