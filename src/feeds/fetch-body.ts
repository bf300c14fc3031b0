// Body handling for the feed fetcher: content-encoding decoders, charset detection, cache headers.
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { TextDecoder } from 'node:util';

export type Coding = 'gzip' | 'deflate' | 'br';

/**
 * The codings of a Content-Encoding header in the order they were applied ("identity" dropped).
 * Returns `{ unsupported }` for a coding we cannot decode.
 */
export function parseContentEncoding(header: string | undefined): { codings: Coding[] } | { unsupported: string } {
  const codings: Coding[] = [];
  for (const raw of (header ?? '').split(',')) {
    const token = raw.trim().toLowerCase();
    if (token === '' || token === 'identity') continue;
    if (token === 'gzip' || token === 'x-gzip') codings.push('gzip');
    else if (token === 'deflate') codings.push('deflate');
    else if (token === 'br') codings.push('br');
    else return { unsupported: token };
  }
  return { codings };
}

/**
 * True when a "deflate" body starts with a zlib header (RFC 1950) rather than raw deflate (RFC 1951),
 * which some servers send instead.
 */
export function looksLikeZlib(first: Buffer): boolean {
  const cmf = first[0];
  if (cmf === undefined) return true;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) return false;
  const flg = first[1];
  return flg === undefined || (cmf * 256 + flg) % 31 === 0;
}

/** A decoder for one coding; `rawDeflate` chooses RFC 1951 for a "deflate" body without a zlib header. */
export function createDecoder(coding: Coding, rawDeflate = false): Transform {
  // zlib's defaults: a truncated stream is an error ("unexpected end of file"), not a silently short body.
  switch (coding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return rawDeflate ? zlib.createInflateRaw() : zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
  }
}

function charsetOfContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}

function charsetOfXmlDeclaration(bytes: Uint8Array): string | undefined {
  // Only ASCII-compatible encodings can be read this way; a UTF-16 document is found by its BOM.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/.exec(head);
  const label = match?.[1];
  if (!label || /^utf-?16/i.test(label) || /^ucs-?2/i.test(label)) return undefined;
  return label;
}

function charsetOfBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

export interface CharsetChoice {
  /** The WHATWG encoding name actually used. */
  encoding: string;
  source: 'bom' | 'content-type' | 'xml-declaration' | 'default';
}

/**
 * Decodes a body to text. Precedence: a byte-order mark (it is the bytes themselves speaking, and what
 * browsers and XML parsers obey), then the Content-Type charset, then the XML declaration, then UTF-8.
 * An unknown or unsupported label is skipped, never an error. Invalid byte sequences become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, contentType: string | undefined): { text: string; charset: CharsetChoice } {
  const candidates: Array<[string | undefined, CharsetChoice['source']]> = [
    [charsetOfBom(bytes), 'bom'],
    [charsetOfContentType(contentType), 'content-type'],
    [charsetOfXmlDeclaration(bytes), 'xml-declaration'],
  ];
  for (const [label, source] of candidates) {
    if (!label) continue;
    const decoder = tryDecoder(label);
    if (decoder) return { text: decodeWith(decoder, bytes), charset: { encoding: decoder.encoding, source } };
  }
  const decoder = new TextDecoder('utf-8');
  return { text: decoder.decode(bytes), charset: { encoding: decoder.encoding, source: 'default' } };
}

// WHATWG index-windows-1252 for bytes 0x80-0x9F (the only range where it differs from ISO-8859-1).
const CP1252_C1 = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c,
  0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

function decodeWith(decoder: TextDecoder, bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  if (decoder.encoding !== 'windows-1252') return text;
  // Node >= 20.18.3 / 22.13 decodes windows-1252 (and so "iso-8859-1", "latin1", "us-ascii", its labels) as
  // ISO-8859-1: bytes 0x80-0x9F come out as C1 controls instead of € ‘ ’ “ ” – — (nodejs/node#60888).
  // Mapping the C1 range afterwards is right both with the bug and once it is fixed.
  return text.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_C1[c.charCodeAt(0) - 0x80]!));
}

function tryDecoder(label: string): TextDecoder | undefined {
  try {
    // The BOM, if any, is consumed (not part of the text) by TextDecoder's default.
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}

/** `Cache-Control: max-age=N` in seconds, when present and well formed. */
export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  for (const directive of cacheControl.split(',')) {
    const match = /^\s*max-age\s*=\s*"?(\d+)"?\s*$/i.exec(directive);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date (never negative). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, Math.ceil((when - now) / 1000));
}
