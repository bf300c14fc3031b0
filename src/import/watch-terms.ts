// Proposed watch terms, titles and ids for a drafted undertaking. They are a starting point for the
// editor (REVIEW.md says so): names and key phrases of the promise, and the document's own subject.

const STOP = new Set(
  (
    'a an and are as at be been by for from has have in into is it its of on or our that the their them these this those to was were which will with we us also further new more all any other such ' +
    'continue work working ensure government committee recommendation recommendations response department ministers minister uk within where how what when who whether there than then so not can may ' +
    'would should could make made take taken use used help helps including include includes regularly closely well very its their there here about across over under between through being'
  ).split(' '),
);
const GENERIC_NAMES = new Set([
  'The',
  'We',
  'Government',
  'Committee',
  'In',
  'This',
  'However',
  'It',
  'As',
  'Our',
  'While',
  'Whilst',
  'UK',
  'British',
  'Parliament',
]);

const DEPARTMENT_WORDS =
  /^(?:Innovation and Technology|Food and Rural Affairs|Media and Sport|Energy and Industrial Strategy|Commonwealth and Development Office|Work and Pensions|Health and Social Care)$/;
const words = (text: string) => text.match(/[\p{L}][\p{L}\p{N}'’-]*/gu) ?? [];

/** Names printed with capitals ("Modern Slavery Act", "ILO"), and the promise's leading content-word pairs. */
export function proposeWatchTerms(quote: string, promise: string): string[] {
  const terms: string[] = [];
  const add = (t: string) => {
    const term = t.trim().replace(/['’]s$/, '');
    if (term.length >= 3 && !terms.some((x) => x.toLowerCase() === term.toLowerCase())) terms.push(term);
  };
  for (const m of quote.matchAll(/\b(?:[A-Z][\p{Ll}]+|[A-Z]{2,})(?:\s+(?:of |and |for |on )?(?:[A-Z][\p{Ll}]+|[A-Z]{2,}))+/gu)) {
    const name = m[0]
      .split(/\s+/)
      .filter((w, i) => i > 0 || !GENERIC_NAMES.has(w))
      .join(' ');
    // Departments are who acts, not what an item would be about.
    if (name.includes(' ') && !/\b(?:Department|Ministry|Office|Government|Minister|Secretary)\b/.test(name) && !DEPARTMENT_WORDS.test(name)) add(name);
  }
  for (const m of quote.matchAll(/\b[A-Z]{3,6}\b/g)) if (!GENERIC_NAMES.has(m[0])) add(m[0]);
  // Runs of content words between stop words and punctuation are the promise's noun phrases; the last
  // words of a run carry its head ("revised partnership funding policy" → "partnership funding policy").
  const runs: string[][] = [[]];
  for (const token of promise.split(/(\s+|[,.;:()“”"])/)) {
    const w = token.trim();
    if (!w) continue;
    if (/^[\p{L}][\p{L}\p{N}'’-]*$/u.test(w) && !STOP.has(w.toLowerCase()) && w.length > 2 && !/^\p{N}/u.test(w)) runs.at(-1)!.push(w.toLowerCase());
    else if (runs.at(-1)!.length) runs.push([]);
  }
  const first = runs[0]?.[0];
  for (const run of runs.slice().sort((a, b) => b.length - a.length)) if (run.length >= 2 && terms.length < 6) add(run.slice(-3).join(' '));
  if (terms.length === 0 && first) add(first);
  return terms.slice(0, 6);
}

/** The names the whole document keeps coming back to ("Xinjiang", "Uyghur"): the context every item must share. */
export function documentSubject(text: string): string | undefined {
  const counts = new Map<string, number>();
  for (const w of words(text)) {
    if (!/^\p{Lu}\p{Ll}{3,}$/u.test(w) || STOP.has(w.toLowerCase()) || GENERIC_NAMES.has(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const common = new Set([
    'Recommendation',
    'Department',
    'Office',
    'Secretary',
    'State',
    'Minister',
    'House',
    'Commons',
    'Lords',
    'Report',
    'Committee',
    'Government',
    'National',
    'International',
    'Foreign',
    'Commonwealth',
    'Development',
    'Home',
    'Further',
    'January',
    'February',
    'March',
    'April',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
    'Session',
    'Special',
    'Chair',
    'Paragraph',
    'Paragraphs',
  ]);
  const top = [...counts]
    .filter(([w, n]) => n >= 8 && !common.has(w))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return top.length ? top.map(([w]) => w.toLowerCase()).join('|') : undefined;
}

/** "report back to Parliament at the conclusion of its current review" → "Report back to Parliament at the conclusion of its current review". */
export function titleOf(promise: string): string {
  const short = promise.length <= 110 ? promise : `${promise.slice(0, 110).replace(/\s+\S*$/, '')}…`;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

/** A slug from the promise's content words, unique among `taken` (which it joins). */
export function idFor(promise: string, taken: Set<string>): string {
  const base =
    words(promise)
      .map((w) =>
        w
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z0-9]/g, ''),
      )
      .filter((w) => w.length > 1 && !STOP.has(w))
      .slice(0, 6)
      .join('-') || 'undertaking';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
