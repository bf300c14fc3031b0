// What a response says about itself: its title, the committee, paper numbers, session and dates.
// Only what is printed in the document; nothing is guessed (a missing date is a warning).
import type { Block } from './blocks.ts';

export interface DocumentFacts {
  responseTitle: string | undefined;
  reportTitle: string | undefined;
  committee: string | undefined;
  /** The report's House paper number (HC, HL), where printed. */
  reportPaper: string | undefined;
  /** The response's own paper number: a Command paper (Cm, CP), or a second House paper. */
  responsePaper: string | undefined;
  session: string | undefined;
  reportPublished: string | undefined;
  received: string | undefined;
  published: string | undefined;
  /** Every date printed in the front matter, in order. */
  dates: string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE = /\b(\d{1,2})(?:st|nd|rd|th)? (January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})\b/g;

const iso = (m: RegExpMatchArray) => `${m[3]}-${String(MONTHS.indexOf(m[2]!.toLowerCase()) + 1).padStart(2, '0')}-${String(Number(m[1])).padStart(2, '0')}`;

/** Dates in a passage, with the words just before each. */
function datesIn(text: string): { date: string; before: string; after: string }[] {
  return [...text.matchAll(DATE)].map((m) => ({ date: iso(m), before: text.slice(Math.max(0, m.index - 240), m.index), after: text.slice(m.index, m.index + 120) }));
}

export function documentFacts(blocks: Block[], frontMatterEnd: number): DocumentFacts {
  const front = blocks.slice(0, Math.max(frontMatterEnd, 1));
  const all = blocks.map((b) => b.text).join('\n');
  const frontText = front.map((b) => b.text).join('\n');
  const titled = (b: Block) => b.text.length > 10 && b.text.length < 300;
  const first = (front.find((b) => b.heading && titled(b)) ?? front.find(titled))?.text.replace(/\s*\((?:HTML|PDF)\)$/, '');
  const reportTitle = first
    ?.replace(/\s*[:–—-]\s*(?:the\s+)?government(?:['’]s)?\s+response\b.*$/i, '')
    .replace(/^(?:the\s+)?government(?:['’]s)?\s+response\s+to\s+(?:the\s+)?(?:[^:]*?\breport(?:\s+on)?\s*[:,]\s*)?/i, '')
    .replace(/^["“‘']|["”’']$/g, '')
    .trim();
  const committee = /\b((?:House of (?:Lords|Commons) )?(?:[A-Z][\p{Ll}]+,? (?:and )?){1,5}(?:Select )?Committee)\b/u
    .exec(frontText)?.[1]
    ?.replace(/^(?:The|On|By|To) /, '');
  const paperNumbers = [...new Set([...all.matchAll(/\b(?:HC|HL Paper|HL|Cm|CP) \d{1,4}(?:-[ivx]+)?\b/g)].map((m) => m[0]))];
  const house = paperNumbers.filter((p) => /^H[CL]/.test(p));
  const command = paperNumbers.find((p) => /^C/.test(p));
  const session = /\bSession (\d{4}[–-]\d{2,4})\b/.exec(all)?.[1];
  const dated = datesIn(frontText);
  // A page footer ("Published: 14 November 2021") may come last; look for it everywhere.
  const publishedMark = datesIn(all).find((d) => /\bpublished:?\s*$/i.test(d.before) && !/committee\b[^.\n]*$/i.test(d.before));
  const received = dated.find((d) => /\breceived\b[^.]{0,40}$/i.test(d.before))?.date;
  const reportPublished = dated.find(
    (d) =>
      /committee\b[^.]{0,20}published\b/i.test(d.after) ||
      /\bpublished\b[^.]{0,80}\breport\b/i.test(d.after) ||
      /\bpublished\b[^.]{0,40}\breport\b[^.]{0,160}\bon\s*$/i.test(d.before),
  )?.date;
  return {
    responseTitle: first,
    reportTitle: reportTitle || undefined,
    committee,
    reportPaper: house[0],
    responsePaper: command ?? house[1],
    session,
    reportPublished,
    received,
    published: publishedMark?.date,
    dates: dated.map((d) => d.date),
  };
}
