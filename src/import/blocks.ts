// A document as the importer sees it: a list of blocks (paragraphs and headings) in reading order,
// whatever format it came in. Readers for HTML and PDF produce the same shape as plain text.

export interface Block {
  /** The block's text, with runs of whitespace inside it made single spaces. */
  text: string;
  /** Set when the format says so (an HTML heading); plain text leaves it to looksLikeHeading. */
  heading?: boolean;
  /** The whole block is bold (strong/b in HTML): Parliament prints the Committee's words in bold. */
  bold?: boolean;
  /** An item of a list (li in HTML): short and unpunctuated as a heading often is, but part of the text. */
  listItem?: boolean;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Plain text: blocks are separated by blank lines. A text with hardly any blank lines (one paragraph
 * a line, as some copies are) is read one line a block instead.
 */
export function blocksFromText(text: string): Block[] {
  const normal = text.replace(/\r\n?/g, '\n').replace(/\f/g, '\n\n');
  const lines = normal.split('\n').filter((l) => l.trim() !== '');
  const paragraphs = normal.split(/\n[ \t]*\n/);
  const oneALine = lines.length > 20 && paragraphs.length < lines.length / 4;
  return (oneALine ? lines : paragraphs)
    .map(squash)
    .filter((t) => t !== '')
    .map((t) => ({ text: t }));
}

/** Page furniture of Parliament's and GOV.UK's sites, and print furniture: never part of an answer. */
const FURNITURE = [
  /^published:\s.*(site information|accessibility)/i,
  /^(site information|accessibility statement|cookies|skip to main content|back to top|print this page|contents)$/i,
  /^(©|crown copyright|parliamentary copyright|isbn\b|e\d{8}\b)/i,
  /^(this publication is licensed|you may re-use this information)/i,
  /^page \d+( of \d+)?$/i,
  /^\d{1,3}$/, // a page number on its own
];

export const isFurniture = (block: Block) => FURNITURE.some((re) => re.test(block.text));

/** A short line with no closing punctuation that starts with a capital: how a heading looks in plain text. */
export function looksLikeHeading(block: Block): boolean {
  if (block.heading) return true;
  if (block.listItem) return false;
  const t = block.text;
  if (t.length > 90 || !/^[\p{Lu}\d]/u.test(t)) return false;
  if (/[.:;,?!]$/.test(t) || /^[•\-–*]/.test(t)) return false;
  return t.split(/\s+/).length <= 12;
}
