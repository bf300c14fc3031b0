// Full-text search with SQLite FTS5 (porter stemming, so "penalties" finds "penalty").
// Every word must match first; if that finds too little, hits on any word follow, ranked lower.
import { sql, type Kysely, type Transaction } from 'kysely';
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
  const hits = await query(db, terms.join(' AND '), limit);
  if (hits.length < limit && terms.length > 1) {
    const seen = new Set(hits.map((h) => `${h.kind}:${h.ref}`));
    // Partial matches rank below every full match, however strong they look to bm25.
    for (const hit of await query(db, terms.join(' OR '), limit)) {
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

async function query(db: Db, match: string, limit: number): Promise<RawHit[]> {
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
