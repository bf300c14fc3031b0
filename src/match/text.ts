// Text normalisation and tokenising shared by the matcher, the proposals and the bench.
//
// normalise: lower case; diacritics folded (NFKD, combining marks dropped; ß → ss, æ → ae, ø → o, …);
// typographic quotes folded to ' and ", dashes and minus signs to -. Plain ASCII takes a fast path.
// tokenise: the runs of letters and digits of normalised text; everything else separates words, so
// "forced-labour", "forced labour" and "forced—labour" give the same two words, and "Uyghur's" gives
// "uyghur", "s". Watch terms and feed text are tokenised the same way, which is what makes a term
// match "at word starts" whatever punctuation surrounds it.

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const COMBINING_MARKS = /\p{M}+/gu;
/** Letters NFKD leaves whole. */
const LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPECIAL_LETTERS = /[ßæœøłđðþı]/g;
// Any UTF-16 code unit above ASCII (written as a range from \u0080: a control character in a regex is a lint error).
const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_WORD = /[a-z0-9]+/g;
const WORD = /[\p{L}\p{N}]+/gu;

export function normalise(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .toLowerCase()
    .replace(SPECIAL_LETTERS, (c) => LETTERS[c] ?? c);
}

/** The words of already normalised text. */
export function words(normalised: string): string[] {
  return normalised.match(NON_ASCII.test(normalised) ? WORD : ASCII_WORD) ?? [];
}

/** normalise + words (testing for non-ASCII once). */
export function tokenise(text: string): string[] {
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  return words(normalise(text));
}

/**
 * True when `phrase` (tokens) occurs in `tokens` at `at`: each phrase word is the START of the
 * corresponding consecutive token. An empty token (a field boundary) never matches.
 */
export function phraseAt(tokens: readonly string[], at: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k++) {
    const token = tokens[at + k];
    if (token === undefined || !token.startsWith(phrase[k]!)) return false;
  }
  return true;
}

const HL_SUFFIX = /\s*[[(]\s*h\.?\s*l\.?\s*[\])]\s*$/;
const SESSION_SUFFIX = /\s*\(?\s*(?:session\s+)?\d{4}\s*(?:[-/]\s*\d{2,4})?\s*\)?\s*$/;
const BILL_SUFFIX = /\s+bill\s*$/;

/**
 * The identity of a bill title: normalised words, ignoring a trailing "[HL]", a session suffix
 * ("2022-23", "(2022–23)", "Session 2022-23") and a trailing "Bill" — the all-bills feed writes
 * "Procurement" where a seed writes "Procurement Bill [HL]". "(No. 2)" is kept: it names another bill.
 */
export function billKey(title: string): string {
  let t = normalise(title).trim();
  for (;;) {
    const next = t.replace(HL_SUFFIX, '').replace(SESSION_SUFFIX, '').replace(BILL_SUFFIX, '');
    if (next === t) break;
    t = next;
  }
  return words(t).join(' ');
}

const DEPARTMENT_FILLER = new Set(['department', 'dept', 'ministry', 'for', 'of', 'the', 'and', 'hm', 'his', 'her', 'majesty', 'majestys', 's']);

/**
 * A department name compared loosely: "Department for Business and Trade", "Business & Trade" and
 * "business and trade" give the same key; so do "HM Treasury" and "Treasury". Empty when nothing is left.
 */
export function departmentKey(name: string): string {
  return tokenise(name.replace(/&/g, ' and '))
    .filter((w) => !DEPARTMENT_FILLER.has(w))
    .join(' ');
}

export function sameDepartment(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const ka = departmentKey(a);
  return ka !== '' && ka === departmentKey(b);
}

/** Words of this many characters or fewer match only whole words ("un" is not "under", "54" not "540"). */
export const SHORT_WORD_MAX = 3;

/** Whether the item's word `token` matches the term's word `word`: a whole short word, else a word start. */
export function wordMatches(token: string, word: string): boolean {
  return word.length <= SHORT_WORD_MAX ? token === word : token.startsWith(word);
}

/** phraseAt with wordMatches: each phrase word matches its consecutive token; a field boundary never does. */
export function phraseMatches(tokens: readonly string[], at: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k++) {
    const token = tokens[at + k];
    if (token === undefined || token === '' || !wordMatches(token, phrase[k]!)) return false;
  }
  return true;
}

const IZE = /iz(?=ation|e|ing)/g;
/**
 * One spelling for words the sources spell two ways (watch terms are kept in it, and indexed under the
 * other spellings too: spellingVariants):
 * Uighur/Uygur → Uyghur, labor → labour, center → centre, defense → defence, program → programme, and
 * -ize/-ization → -ise/-isation (organization → organisation). It rewrites a word's start or an inner
 * "iz", so a stem folds as the words it starts ("organisation" still starts "organisations").
 */
export function foldSpelling(word: string): string {
  let w = word;
  switch (w.charCodeAt(0)) {
    case 117: // u
      if (w.startsWith('uighur')) w = `uyghur${w.slice(6)}`;
      else if (w.startsWith('uigur') || w.startsWith('uygur')) w = `uyghur${w.slice(5)}`;
      break;
    case 108: // l
      if (w.startsWith('labor')) w = `labour${w.slice(5)}`;
      break;
    case 99: // c
      if (w.startsWith('center')) w = `centre${w.slice(6)}`;
      break;
    case 100: // d
      if (w.startsWith('defens')) w = `defenc${w.slice(6)}`;
      break;
    case 112: // p
      if (w.startsWith('program') && !w.startsWith('programme')) w = `programme${w.slice(7)}`;
      break;
  }
  return w.includes('iz') ? w.replace(IZE, 'is') : w;
}

const RAW_STARTS: readonly (readonly [string, readonly string[]])[] = [
  ['uyghur', ['uighur', 'uigur', 'uygur']],
  ['labour', ['labor']],
  ['centre', ['center']],
  ['defenc', ['defens']],
  ['programme', ['program']],
];
const IS_ENDING = /is(?=ation|e|ing|$)/g;

/**
 * The other spellings of a folded word that foldSpelling would bring back to it ("labour" → "labor",
 * "organisation" → "organization", "uyghur" → "uighur", "uigur", "uygur"), so a matcher can index them
 * instead of folding every word of every item. The word itself is not included.
 */
export function spellingVariants(folded: string): string[] {
  const out = new Set<string>();
  for (const [start, raws] of RAW_STARTS) if (folded.startsWith(start)) for (const raw of raws) out.add(raw + folded.slice(start.length));
  if (folded.includes('is')) for (const w of [folded, ...out]) out.add(w.replace(IS_ENDING, 'iz'));
  out.delete(folded);
  return [...out];
}

const ACT_TITLE = /^(?:the\s+)?(.+?)\s+act\s+(\d{4})$/;

/**
 * An Act's title as the bill it was ("Procurement Act 2023" → key "procurement", the billKey of
 * "Procurement Bill [HL]"), with its year; undefined for anything that is not an Act's own title.
 */
export function actKey(title: string): { key: string; year: number } | undefined {
  const m = ACT_TITLE.exec(normalise(title).trim());
  if (!m) return undefined;
  const key = billKey(m[1]!);
  return key === '' ? undefined : { key, year: Number(m[2]) };
}
