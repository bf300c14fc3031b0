// Looking at a body before parsing it: what it is (XML with which root, JSON, an HTML page, garbage) and
// whether it may be parsed at all. sax, under rss-parser, never reads a DTD: an entity declared in a DOCTYPE
// (billion laughs, or SYSTEM "file:///etc/passwd") is not expanded and no file is read. We still refuse any
// body whose DOCTYPE declares entities, up front, so the error is clear and does not depend on a library's
// internals staying that way (covered by test/monitors-hostile.test.ts).
import { err, ok, type Result } from '../../src/result.ts';
import { clip } from './text.ts';

/** Bodies larger than this are refused: no feed we read comes near it (the largest sample is 0.2 MB). */
export const MAX_BODY_CHARS = 10_000_000;

export interface Prolog {
  /** Name of the first element ('rss', 'feed', 'rdf:RDF', 'html'…), when the body starts like XML. */
  root?: string;
  /** True when a DOCTYPE before the root declares entities (<!ENTITY …>). */
  declaresEntities: boolean;
  /** The first characters of the body when it does not start like XML at all. */
  notXml?: string;
}

/**
 * Reads the prolog of a body: XML declaration, comments, processing instructions and DOCTYPE (with its
 * internal subset, quote-aware) up to the root element. A scanner, not a regex over the whole body: the
 * prolog is the only place a DOCTYPE may legally appear, and nothing in it can be CDATA.
 */
export function readProlog(body: string): Prolog {
  let i = 0;
  const n = body.length;
  let declaresEntities = false;
  for (;;) {
    while (i < n && (body[i] === '\ufeff' || /\s/.test(body[i]!))) i++;
    if (i >= n) return { declaresEntities };
    if (body[i] !== '<') return { declaresEntities, notXml: clip(body.slice(i, i + 40), 40) };
    if (body.startsWith('<?', i)) {
      const end = body.indexOf('?>', i + 2);
      if (end < 0) return { declaresEntities };
      i = end + 2;
    } else if (body.startsWith('<!--', i)) {
      const end = body.indexOf('-->', i + 4);
      if (end < 0) return { declaresEntities };
      i = end + 3;
    } else if (body.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      // Walk to the DOCTYPE's closing '>', skipping quoted strings and the [ internal subset ].
      let j = i + 9;
      let depth = 0;
      let quote: string | undefined;
      for (; j < n; j++) {
        const c = body[j]!;
        if (quote) {
          if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth = Math.max(0, depth - 1);
        else if (c === '>' && depth === 0) break;
      }
      if (/<!ENTITY/i.test(body.slice(i, j))) declaresEntities = true;
      i = j + 1;
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(body.slice(i, i + 200));
      return match ? { root: match[1]!, declaresEntities } : { declaresEntities, notXml: clip(body.slice(i, i + 40), 40) };
    }
  }
}

/** The checks every XML monitor makes before parsing; an error names what came back instead of a feed. */
export function checkXmlBody(body: string): Result<{ root: string }> {
  if (typeof body !== 'string' || body.trim() === '') return err('empty body: no feed in the response');
  if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
  const prolog = readProlog(body);
  if (prolog.declaresEntities) {
    return err('refused: the body declares XML entities in a DOCTYPE (entity expansion is never allowed)');
  }
  if (prolog.notXml !== undefined) {
    const looksJson = /^[[{]/.test(prolog.notXml);
    return err(`not XML: the body starts with ${JSON.stringify(prolog.notXml)}${looksJson ? ' (JSON?)' : ''}`);
  }
  if (!prolog.root) return err('not a feed: no root element');
  if (prolog.root.toLowerCase() === 'html') {
    return err('received an HTML page, not a feed (an error, login or challenge page?)');
  }
  if (!['rss', 'feed', 'rdf:RDF'].includes(prolog.root)) {
    return err(`not an RSS or Atom feed: the root element is <${prolog.root}>`);
  }
  return ok({ root: prolog.root });
}

/** Cheap sniff for recognition: the root element and whether the body looks like JSON. */
export function sniff(body: string): { root?: string; json: boolean } {
  const head = body.slice(0, 4096);
  if (/^[\s\ufeff]*[[{]/.test(head)) return { json: true };
  const prolog = readProlog(head);
  return prolog.root === undefined ? { json: false } : { root: prolog.root, json: false };
}
