// Splits a Government Response into its numbered recommendations: the Committee's words, the
// Government's answer (verbatim, paragraph by paragraph), the theme heading it sits under, and answers
// shared between recommendations. Two layouts are recognised, whichever the document uses:
//   - "Recommendation N" headings (also "Recommendation N: a title" and "Conclusion N"), and
//   - numbered paragraphs ("12. That the Department…", "12.We recommend…"), the Committee's words often bold.
import { looksLikeHeading, type Block } from './blocks.ts';

export interface SplitRecommendation {
  number: number;
  theme: string | undefined;
  /** A title printed on the marker's line ("Recommendation 3: Export controls"), where there is one. */
  title: string | undefined;
  text: string[];
  /** The answer's paragraphs; empty when the answer is printed under another recommendation. */
  answer: string[];
  /** The numbers a combined answer covers, the first being where it is kept. */
  sharedWith: number[];
  /** Why the split is uncertain, for the editor. */
  doubts: string[];
}

export interface SplitResult {
  recommendations: SplitRecommendation[];
  layout: 'headings' | 'numbered-paragraphs' | 'none';
  warnings: string[];
}

const HEADING_MARKER = /^(?:recommendation|conclusion)\s+(\d{1,3})(?![\d.])\s*(?:[:.)–—-]\s*)?(.*)$/i;
const NUMBERED_MARKER = /^(\d{1,3})\s*[.)](?!\d)\s*(\S.*)$/;
/** A label between the Committee's words and the answer ("Government response", "Combined response to Recommendations 2, 3 and 4"). */
const RESPONSE_LABEL =
  /^(?:the\s+)?(?:combined\s+|joint\s+)?(?:government(?:['’]s)?\s+|hmg\s+)?(?:combined\s+)?response(?:\s+to\s+recommendations?\s+([\d\s,and&–-]+))?\.?$/i;
const SEE_OTHER = /^see (?:the )?(?:combined |joint )?(?:government )?response to recommendations? ([\d\s,and&–-]+?)(?: (?:below|above))?\.?$/i;
/** The Committee's voice continuing its recommendation over several paragraphs. */
const COMMITTEE_VOICE =
  /^(that\b|we (?:recommend|urge|call|conclude|ask)|the committee (?:recommends|urges|calls|asks|believes|concludes)\b|(?:the )?(?:government|department|uk|fcdo|home office|treasury)\b[^.]{0,60}\bshould\b)/i;
const GOVERNMENT_VOICE = /^(the government|we |hmg|the department (?:agrees|accepts|notes|welcomes|is)|agreed|accepted|not accepted|noted|partially|rejected)/i;
/** Headings that end the last answer: what follows the responses at the end of a document. */
/** A one-word answer ("Accepted", "Noted"): short and unpunctuated like a heading, but never one. */
const POSITION_WORDS = /^(?:partially |not )?(?:accepted|agreed|noted|rejected|disagreed?)(?: in (?:full|part|principle))?\.?$/i;
const trailingHeading = (b: Block) => looksLikeHeading(b) && !RESPONSE_LABEL.test(b.text) && !POSITION_WORDS.test(b.text);
const END_MATTER = /^(annex|annexe|appendix|glossary|list of (?:acronyms|abbreviations)|abbreviations|formal minutes|endnotes|footnotes)\b/i;

export const numbersIn = (list: string): number[] => [...list.matchAll(/\d+/g)].map((m) => Number(m[0])).filter((n, i, all) => all.indexOf(n) === i);

interface Marker {
  index: number;
  number: number;
  inline: string;
}

function findMarkers(blocks: Block[], pattern: RegExp, accept: (b: Block, rest: string) => boolean): Marker[] {
  const markers: Marker[] = [];
  for (const [index, block] of blocks.entries()) {
    const m = pattern.exec(block.text);
    if (!m) continue;
    const number = Number(m[1]);
    const rest = (m[2] ?? '').trim();
    const last = markers.at(-1)?.number ?? 0;
    // Numbers run in order; a reference to "Recommendation 9" inside an answer does not.
    if (number <= last || number > last + 3 || !accept(block, rest)) continue;
    markers.push({ index, number, inline: rest });
  }
  return markers;
}

function chooseMarkers(blocks: Block[]): { markers: Marker[]; layout: SplitResult['layout'] } {
  const headings = findMarkers(blocks, HEADING_MARKER, (b, rest) => rest === '' || b.heading === true || b.bold === true || /^[\p{Lu}"“‘]/u.test(rest));
  const anyBold = blocks.some((b) => b.bold);
  const numbered = findMarkers(blocks, NUMBERED_MARKER, (b) => !anyBold || b.bold === true);
  if (headings.length >= numbered.length && headings.length > 0) return { markers: headings, layout: 'headings' };
  if (numbered.length > 0) return { markers: numbered, layout: 'numbered-paragraphs' };
  return { markers: [], layout: 'none' };
}

export function splitRecommendations(blocks: Block[]): SplitResult {
  const warnings: string[] = [];
  const { markers, layout } = chooseMarkers(blocks);
  if (markers.length === 0)
    return { recommendations: [], layout, warnings: ['no numbered recommendations were found ("Recommendation 1" headings or numbered paragraphs)'] };

  const themeBefore = (index: number, floor: number): string | undefined => {
    // The headings directly above a marker name its theme (the last of them, nearest the marker).
    let i = index - 1;
    let theme: string | undefined;
    while (i > floor && looksLikeHeading(blocks[i]!) && !RESPONSE_LABEL.test(blocks[i]!.text) && !isMarker(i)) {
      theme ??= blocks[i]!.text;
      i--;
    }
    return theme;
  };
  const markerAt = new Set(markers.map((m) => m.index));
  const isMarker = (i: number) => markerAt.has(i);

  const out: SplitRecommendation[] = [];
  let theme: string | undefined;
  for (const [k, marker] of markers.entries()) {
    const next = markers[k + 1];
    theme = themeBefore(marker.index, k === 0 ? -1 : markers[k - 1]!.index) ?? theme;
    let end = next ? next.index : blocks.length;
    if (next) {
      while (end - 1 > marker.index && trailingHeading(blocks[end - 1]!)) end--;
    } else {
      const stop = blocks.findIndex((b, i) => i > marker.index && looksLikeHeading(b) && END_MATTER.test(b.text));
      if (stop > 0) end = stop;
      // A signature ("Department for Education", "March 2023") after the last answer is not part of it.
      while (end - 1 > marker.index + 1 && trailingHeading(blocks[end - 1]!)) end--;
    }
    out.push(sectionOf(marker, blocks.slice(marker.index + 1, end), theme, layout));
  }
  for (const [k, m] of markers.entries()) {
    const prev = markers[k - 1]?.number ?? 0;
    if (m.number !== prev + 1)
      warnings.push(`recommendation numbers jump from ${prev} to ${m.number}: check whether recommendations ${prev + 1}–${m.number - 1} are in the document`);
  }
  linkSharedAnswers(out);
  return { recommendations: out, layout, warnings };
}

function sectionOf(marker: Marker, body: Block[], theme: string | undefined, layout: SplitResult['layout']): SplitRecommendation {
  const doubts: string[] = [];
  let title: string | undefined;
  const text: string[] = [];
  // An inline rest is the recommendation itself (numbered paragraphs) or a title ("Recommendation 3: Export controls").
  if (marker.inline) {
    if (layout === 'headings' && marker.inline.length < 100 && !/[.;]$/.test(marker.inline)) title = marker.inline;
    else text.push(marker.inline);
  }
  let sharedWith: number[] = [];
  let answerStart: number;
  const label = body.findIndex((b) => RESPONSE_LABEL.test(b.text) && b.text.length < 120);
  if (label >= 0) {
    text.push(...body.slice(0, label).map((b) => b.text));
    const listed = RESPONSE_LABEL.exec(body[label]!.text)?.[1];
    if (listed) sharedWith = numbersIn(listed);
    answerStart = label + 1;
  } else if (body.some((b) => b.bold)) {
    let i = 0;
    while (i < body.length && body[i]!.bold) text.push(body[i++]!.text);
    answerStart = i;
  } else {
    let i = 0;
    if (text.length === 0 && body.length > 0) text.push(body[i++]!.text);
    while (i < body.length - 1 && COMMITTEE_VOICE.test(body[i]!.text) && !GOVERNMENT_VOICE.test(body[i]!.text)) text.push(body[i++]!.text);
    answerStart = i;
  }
  if (text.length === 0) doubts.push('the Committee’s words could not be told apart from the answer');
  let answer = body.slice(answerStart).map((b) => b.text);
  const see = answer.length === 1 ? SEE_OTHER.exec(answer[0]!) : null;
  if (see) {
    sharedWith = [...new Set([...numbersIn(see[1]!), marker.number])].sort((a, b) => a - b);
    answer = [];
  }
  return { number: marker.number, theme, title, text, answer, sharedWith, doubts };
}

/**
 * A combined answer is kept under the first recommendation it covers; the others point to it. An answer
 * missing altogether belongs with the next recommendation that has one (several printed, then one answer).
 */
function linkSharedAnswers(recs: SplitRecommendation[]): void {
  const byNumber = new Map(recs.map((r) => [r.number, r]));
  for (const holder of recs) {
    if (holder.answer.length === 0 || holder.sharedWith.length < 2) continue;
    const first = byNumber.get(Math.min(...holder.sharedWith));
    if (!first || first === holder) continue;
    first.answer = holder.answer;
    holder.answer = [];
  }
  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i]!;
    if (rec.answer.length > 0 || rec.sharedWith.length > 1) continue;
    const holder = recs.slice(i + 1).find((r) => r.answer.length > 0);
    if (!holder) {
      rec.doubts.push('no answer was found for it');
      continue;
    }
    const group = recs.slice(i, recs.indexOf(holder) + 1).map((r) => r.number);
    rec.answer = holder.answer;
    holder.answer = [];
    for (const n of group) {
      const r = byNumber.get(n)!;
      r.sharedWith = group;
      r.doubts.push(`answer printed once for recommendations ${group.join(', ')}: check it covers each of them`);
    }
    i = recs.indexOf(holder);
  }
  for (const rec of recs) {
    if (rec.sharedWith.length > 1 && !rec.sharedWith.includes(rec.number)) rec.sharedWith = [];
    if (rec.answer.length === 0 && rec.sharedWith.length > 1 && sharedHolder(rec, recs) === undefined) {
      const others = rec.sharedWith.filter((n) => n !== rec.number).join(', ');
      rec.doubts.push(`it points to the response to recommendation ${others}, and no answer was found there`);
    }
  }
}

/**
 * The number under which a recommendation's shared answer is kept, or undefined for its own answer: the
 * first of the recommendations it shares with that has an answer printed ("see the response to
 * recommendation 5 below" points forward).
 */
export function sharedHolder(rec: SplitRecommendation, all: SplitRecommendation[]): number | undefined {
  if (rec.answer.length > 0 || rec.sharedWith.length < 2) return undefined;
  const holders = all.filter((r) => r !== rec && rec.sharedWith.includes(r.number) && r.answer.length > 0);
  return holders.sort((a, b) => a.number - b.number)[0]?.number;
}
