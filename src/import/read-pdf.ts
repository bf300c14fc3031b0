// PDF through pdf.js (by way of unpdf): the text of each page, rebuilt into lines by position and into
// paragraphs by the space between lines. No PDF is parsed here; pdf.js does that.
import { getDocumentProxy } from 'unpdf';
import type { Block } from './blocks.ts';

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Line {
  text: string;
  y: number;
  height: number;
}

export interface PdfText {
  blocks: Block[];
  emptyPages: number[];
  /** Words rejoined where a line broke after a hyphen, hyphen kept ("non-refoulement"), for the editor to check. */
  hyphenated: string[];
}

export async function blocksFromPdf(bytes: Uint8Array): Promise<PdfText> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const blocks: Block[] = [];
  const emptyPages: number[] = [];
  const hyphenated = new Set<string>();
  const join = (text: string, line: string) => {
    const joined = joinLine(text, line);
    if (text && joined.length === text.length + line.length)
      hyphenated.add(`${/\S+$/.exec(text)?.[0] ?? ''}${/^\S+/.exec(line)?.[0] ?? ''}`.replace(/[^\p{L}\p{N}-]+$/u, ''));
    return joined;
  };
  for (let p = 1; p <= pdf.numPages; p++) {
    const page = await pdf.getPage(p);
    const content = await page.getTextContent();
    const items: Item[] = [];
    for (const raw of content.items) {
      if (!('str' in raw) || raw.str === '') continue;
      items.push({
        str: raw.str,
        x: raw.transform[4] as number,
        y: raw.transform[5] as number,
        width: raw.width,
        height: raw.height || Math.abs(raw.transform[3] as number),
      });
    }
    if (items.every((i) => i.str.trim() === '')) {
      emptyPages.push(p);
      continue;
    }
    const pageBlocks: Block[] = [];
    let paragraph: string[] = [];
    let previous: Line | undefined;
    const flush = () => {
      const text = paragraph.reduce(join, '').replace(/\s+/g, ' ').trim();
      if (text) pageBlocks.push({ text });
      paragraph = [];
    };
    for (const line of linesOf(items)) {
      // A gap of more than half a line between lines starts a new paragraph.
      if (previous && previous.y - line.y > Math.max(previous.height, line.height) * 1.6) flush();
      paragraph.push(line.text);
      previous = line;
    }
    flush();
    // Running page numbers go; a paragraph cut by the page break (no closing punctuation) is joined up.
    const body = pageBlocks.filter((b) => !/^(?:page )?\d{1,4}(?: of \d{1,4})?$/i.test(b.text));
    const last = blocks.at(-1);
    const first = body[0];
    // (Headings are short: one at the foot of a page stays a heading.)
    if (last && first && last.text.length > 90 && !/[.!?:;"”’)]$/.test(last.text) && !/^(?:recommendation|conclusion)\s+\d/i.test(first.text)) {
      last.text = join(last.text, first.text);
      body.shift();
    }
    blocks.push(...body);
  }
  await pdf.destroy();
  return { blocks, emptyPages, hyphenated: [...hyphenated] };
}

/**
 * Two printed lines as one text. A line broken after a hyphen ("non-" / "refoulement") is one word again,
 * hyphen kept, since the hyphen may be the word's own; but a hyphen left hanging before "and"/"or"
 * ("short- and long-term") is followed by its space.
 */
function joinLine(text: string, line: string): string {
  if (!text) return line;
  const glued = /\p{L}-$/u.test(text) && /^\p{L}/u.test(line) && !/^(?:and|or|nor|to)\s/i.test(line);
  return glued ? text + line : `${text} ${line}`;
}

function linesOf(items: Item[]): Line[] {
  const lines: { y: number; height: number; items: Item[] }[] = [];
  for (const item of items) {
    const line = lines.find((l) => Math.abs(l.y - item.y) < Math.max(2, item.height * 0.4));
    if (line) line.items.push(item);
    else lines.push({ y: item.y, height: item.height, items: [item] });
  }
  lines.sort((a, b) => b.y - a.y);
  return lines.map((l) => {
    l.items.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const item of l.items) {
      const gap = item.x - end;
      if (text && !/\s$/.test(text) && !/^\s/.test(item.str) && gap > item.height * 0.15) text += ' ';
      text += item.str;
      end = item.x + item.width;
    }
    return { text: text.trim(), y: l.y, height: l.height };
  });
}
