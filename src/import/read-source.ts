// Reads a response from a file or a web address into blocks, whatever its format: plain text, HTML or
// PDF, told apart by the bytes themselves (then by the file's extension or the Content-Type).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { decodeText } from '../feeds/fetch-body.ts';
import type { Fetcher } from '../feeds/fetch.ts';
import { err, ok, type Result } from '../result.ts';
import { blocksFromText, type Block } from './blocks.ts';
import { blocksFromHtml } from './read-html.ts';
import { blocksFromPdf } from './read-pdf.ts';

export type DocumentFormat = 'text' | 'html' | 'pdf';

export interface ReadDocument {
  blocks: Block[];
  format: DocumentFormat;
  warnings: string[];
}

export const isWebAddress = (source: string) => /^https?:\/\//i.test(source);

export function formatOf(bytes: Uint8Array, hint: string): DocumentFormat {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  if (/^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html|<head|<body)/i.test(head) || /htm/i.test(hint)) return 'html';
  if (/pdf/i.test(hint)) return 'pdf';
  return 'text';
}

async function bytesOf(source: string, fetcher: () => Fetcher): Promise<Result<{ bytes: Uint8Array; hint: string; text?: string }, string>> {
  if (isWebAddress(source)) {
    const outcome = await fetcher().fetch(source);
    if (outcome.kind === 'failed') return err(`could not fetch ${source}: ${outcome.message}`);
    if (outcome.kind !== 'fetched') return err(`could not fetch ${source}: the server sent no body`);
    // The fetcher has decoded the text by its declared or sniffed charset: use that text for HTML and plain text.
    return ok({ bytes: outcome.bytes, hint: outcome.contentType ?? new URL(outcome.finalUrl).pathname, text: outcome.body });
  }
  try {
    return ok({ bytes: await readFile(source), hint: extname(source) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? `no such file: ${source}` : `could not read ${source}: ${(error as Error).message}`);
  }
}

/**
 * A file's text: UTF-8, or else Windows-1252 (as Word saves plain text on Windows), said in a warning,
 * rather than its curly quotes and dashes turned into replacement characters.
 */
function localText(bytes: Uint8Array, warnings: string[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    warnings.push('the file is not UTF-8: it was read as Windows-1252; check quotes, dashes and accents against the document');
    return decodeText(bytes, 'text/plain; charset=windows-1252').text;
  }
}

export async function readDocument(source: string, fetcher: () => Fetcher): Promise<Result<ReadDocument, string>> {
  const got = await bytesOf(source, fetcher);
  if (!got.ok) return got;
  const format = formatOf(got.value.bytes, got.value.hint);
  const warnings: string[] = [];
  let blocks: Block[];
  if (format === 'pdf') {
    try {
      const pdf = await blocksFromPdf(got.value.bytes);
      blocks = pdf.blocks;
      if (pdf.emptyPages.length) warnings.push(`pages ${pdf.emptyPages.join(', ')} of the PDF have no text layer (scanned?): read them by eye`);
      // A hyphen at a line's end may be the word's own or the typesetter's: it is kept, and the editor told.
      if (pdf.hyphenated.length)
        warnings.push(
          `words rejoined where a line broke after a hyphen, hyphen kept: ${pdf.hyphenated.join(', ')}; remove any hyphen the document's typesetting added`,
        );
    } catch (error) {
      return err(`${source} is not a readable PDF: ${(error as Error).message}`);
    }
  } else {
    const text = got.value.text ?? localText(got.value.bytes, warnings);
    blocks = format === 'html' ? blocksFromHtml(text) : blocksFromText(text);
  }
  if (blocks.length === 0) return err(`${source} has no text the importer can read`);
  return ok({ blocks, format, warnings });
}
