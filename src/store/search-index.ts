// Full-text search: SQLite FTS5 (porter stemming, so "penalties" finds "penalty"), or PostgreSQL's own
// (the english stemmer over a stored tsvector, websearch_to_tsquery, ts_rank, ts_headline).
// Every word must match first; if that finds too little, hits on any word follow, ranked lower.
import { sql, type Kysely, type Transaction } from 'kysely';
import { engineOf } from '../db/engine.ts';
import type { Database } from '../db/tables.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN, type SearchHit } from './register-store.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface IndexedDocument {
  kind: 'commitment' | 'recommendation';
  ref: string;
  title: string;
  body: string;
}

export async function indexDocument(db: Db, doc: IndexedDocument): Promise<void> {
  const existing = await db.selectFrom('search_docs').select('id').where('kind', '=', doc.kind).where('ref', '=', doc.ref).executeTakeFirst();
  const id = existing?.id ?? (await db.insertInto('search_docs').values({ kind: doc.kind, ref: doc.ref }).returning('id').executeTakeFirstOrThrow()).id;
  await db.deleteFrom('search_index').where('rowid', '=', id).execute();
  await db.insertInto('search_index').values({ rowid: id, title: doc.title, body: doc.body }).execute();
}

/** Words of the user's text as quoted FTS5 terms: no operator or syntax error can be injected. */
export function ftsTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, 16).map((w) => `"${w}"`);
}

export async function searchIndex(db: Db, text: string, limit: number): Promise<SearchHit[]> {
  const terms = ftsTerms(text);
  if (terms.length === 0) return [];
  const postgres = engineOf(db) === 'postgres';
  const query = postgres ? postgresQuery : sqliteQuery;
  // websearch_to_tsquery reads bare words as AND and the word "or" as OR; the words are letters and digits
  // only, so no other syntax reaches it. FTS5 takes the quoted terms.
  const words = terms.map((t) => t.slice(1, -1));
  const all = postgres ? words.join(' ') : terms.join(' AND ');
  const any = postgres ? words.join(' or ') : terms.join(' OR ');
  const hits = await query(db, all, limit);
  if (hits.length < limit && terms.length > 1) {
    const seen = new Set(hits.map((h) => `${h.kind}:${h.ref}`));
    // Partial matches rank below every full match, however strong they look to the ranking.
    for (const hit of await query(db, any, limit)) {
      if (seen.has(`${hit.kind}:${hit.ref}`) || hits.length >= limit) continue;
      hits.push({ ...hit, score: hit.score - 1000 });
    }
  }
  // ref is "<register>:<commitment id or recommendation number>".
  return hits.map(({ ref, ...hit }) => {
    const at = ref.indexOf(':');
    return { ...hit, registerId: ref.slice(0, at), id: ref.slice(at + 1) };
  });
}

type RawHit = Omit<SearchHit, 'id' | 'registerId'> & { ref: string };

async function sqliteQuery(db: Db, match: string, limit: number): Promise<RawHit[]> {
  // bm25 weights: a word in the title counts three times one in the body.
  const rows = await sql<{ kind: 'commitment' | 'recommendation'; ref: string; title: string; snippet: string; rank: number }>`
    select d.kind, d.ref, s.title,
      snippet(search_index, 1, ${SNIPPET_OPEN}, ${SNIPPET_CLOSE}, '…', 24) as snippet,
      s.rank
    from search_index s join search_docs d on d.id = s.rowid
    where search_index match ${match} and s.rank match 'bm25(3.0, 1.0)'
    order by s.rank limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ kind: r.kind, ref: r.ref, title: r.title, snippet: r.snippet, score: -r.rank }));
}

/** Title words weigh three times body words (A = 1.0, B = 0.33), as bm25(3.0, 1.0) does for FTS5; rank normalisation 1
 * (divided by 1 + the log of the length) stands for bm25's length normalisation: it gave the same order on the README's searches. */
const WEIGHTS = '{0.1, 0.2, 0.33, 1.0}';
const HEADLINE = `StartSel=${SNIPPET_OPEN}, StopSel=${SNIPPET_CLOSE}, MaxWords=24, MinWords=12, ShortWord=2, MaxFragments=1, FragmentDelimiter=" … "`;

async function postgresQuery(db: Db, words: string, limit: number): Promise<RawHit[]> {
  const rows = await sql<{ kind: 'commitment' | 'recommendation'; ref: string; title: string; body: string; snippet: string; rank: number }>`
    select d.kind, d.ref, s.title, s.body,
      ts_headline('english', s.body, q, ${HEADLINE}) as snippet,
      ts_rank(${WEIGHTS}::float4[], s.document, q, 1) as rank
    from search_index s join search_docs d on d.id = s.rowid, websearch_to_tsquery('english', ${words}) q
    where s.document @@ q
    order by rank desc, s.rowid limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ kind: r.kind, ref: r.ref, title: r.title, snippet: withEllipses(r.snippet, r.body), score: r.rank }));
}

/** FTS5's snippet marks a cut with "…"; ts_headline does not, so the same is added where the text goes on. */
function withEllipses(snippet: string, body: string): string {
  const plain = snippet.replaceAll(SNIPPET_OPEN, '').replaceAll(SNIPPET_CLOSE, '');
  return `${body.startsWith(plain.slice(0, 40)) ? '' : '…'}${snippet}${body.endsWith(plain.slice(-40)) ? '' : '…'}`;
}
