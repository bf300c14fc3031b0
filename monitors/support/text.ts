// Text as the monitors hand it on: HTML turned into plain text, whitespace folded, long text cut on a word.
import { compile } from 'html-to-text';

/** Folds runs of whitespace (including non-breaking spaces) into one space and trims. */
export function foldSpace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

const HTML_TO_TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

// Compiled once: html-to-text's convert() recompiles its options on every call (0.3 ms each).
const htmlToText = compile(HTML_TO_TEXT_OPTIONS);

/** HTML (or plain text) → plain text: tags stripped, entities decoded, whitespace folded. */
export function htmlToPlain(html: string | undefined): string {
  if (!html) return '';
  // Plain text needs no HTML pass (and "A < B" would not survive one).
  if (!/[<&]/.test(html)) return foldSpace(html);
  try {
    return foldSpace(htmlToText(html));
  } catch {
    return foldSpace(html.replace(/<[^>]*>/g, ' '));
  }
}

/** Cuts text to at most `max` characters on a word boundary, marking the cut with "…". */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // A single very long word is cut where it is rather than emptied.
  const head = space > max * 0.6 ? cut.slice(0, space) : cut;
  // Drop trailing punctuation and list bullets so the cut reads "…word…", not "…word, *…".
  return `${head.replace(/[^\p{L}\p{N})\]"'\u2019\u201d]+$/u, '')}…`;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
