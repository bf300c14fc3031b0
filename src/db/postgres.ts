// PostgreSQL as the store for scale: Kysely's PostgreSQL dialect over a node-postgres pool (loaded only when
// DATABASE_URL names PostgreSQL). Every failure to reach or use the server becomes one line naming
// DATABASE_URL (a ConfigProblem) with the URL shown without its password, never a stack trace.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { ConfigProblem } from '../config-problem.ts';
import type { Database } from './tables.ts';
import { decoded, redactUrl, type PostgresLocation } from './postgres-url.ts';

// small, and the stores compare them as numbers, as SQLite returns them.
const NUMBER_TYPES = new Set([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const parseNumber = (value: string): number => Number(value);
const builtinParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    NUMBER_TYPES.has(oid) ? parseNumber : builtinParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The Kysely instance over a pool, after checking the server answers (and creating the schema if asked). */
export async function openPostgres(location: PostgresLocation): Promise<Kysely<Database>> {
  const pool = new pg.Pool({ connectionString: location.url, max: location.poolSize, connectionTimeoutMillis: 10_000, types });
  // An idle connection the server drops (a restart) is reported by the next query that needs one; without a
  // listener the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
    if (location.schema) await sql`create schema if not exists ${sql.id(location.schema)}`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw postgresProblem(error, location);
  }
  return db;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A driver or server error as the line an operator can act on; the password is never in it. */
export function postgresProblem(error: unknown, location: Pick<PostgresLocation, 'display' | 'url'>): ConfigProblem {
  if (error instanceof ConfigProblem) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
  // A refused connection to "localhost" is an AggregateError of one per address tried.
  const first = Array.isArray(e.errors) && e.errors.length ? (e.errors[0] as typeof e) : e;
  const code = str(first.code) || str(e.code);
  const message = str(first.message) || str(e.message) || String(error);
  // Named from the URL as shown (without its password), never from the raw one: see redactUrl.
  const url = safeUrl(location.display);
  const where = url ? `${url.hostname || 'localhost'}:${url.port || '5432'}` : 'the server';
  const user = url ? decoded(url.username) || 'the default user' : 'the user';
  const database = url ? decoded(url.pathname.slice(1)) || 'the default database' : 'the database';
  const text = (() => {
    switch (code) {
      case 'ECONNREFUSED':
        return `cannot connect to PostgreSQL at ${where} (connection refused): is the server running?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot connect to PostgreSQL: the host ${url?.hostname ?? ''} was not found`;
      case 'ETIMEDOUT':
        return `cannot connect to PostgreSQL at ${where}: timed out`;
      case '28P01':
      case '28000':
        return `PostgreSQL at ${where} refused user ${user}: check the user name and password`;
      case '3D000':
        return `PostgreSQL at ${where} has no database ${database}: create it (createdb) or name another`;
      case '42501':
        return `user ${user} may not create or change tables in ${database}: grant it, or use the database's owner`;
      case '57P03':
        return `PostgreSQL at ${where} is starting up or shutting down: try again in a moment`;
      default:
        if (/timeout/i.test(message)) return `cannot connect to PostgreSQL at ${where}: timed out`;
        return `cannot be used (${code ? `${code}: ` : ''}${scrub(message, location.url)})`;
    }
  })();
  // The driver read the URL otherwise (a password with an unescaped / ? # or @ ended its user part early).
  const driver = safeUrl(location.url);
  const hint = url && driver && url.host !== driver.host ? ' (if the password holds / ? # or @, write them %2F %3F %23 %40)' : '';
  return new ConfigProblem('DATABASE_URL', `${location.display} ${text}${hint}`);
}

function safeUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** The password as redactUrl finds it (after the first ":" of the text before the last "@"), if any. */
function passwordIn(raw: string): string | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0];
  const at = raw.lastIndexOf('@');
  if (!scheme || at <= scheme.length) return undefined;
  const userinfo = raw.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  return colon >= 0 && colon < userinfo.length - 1 ? userinfo.slice(colon + 1) : undefined;
}

/** Removes the password from a driver message, should one ever repeat it. */
function scrub(message: string, rawUrl: string): string {
  const password = passwordIn(rawUrl);
  let out = message.split(rawUrl).join(redactUrl(rawUrl));
  if (password) for (const form of [password, decoded(password) ?? password]) out = out.split(form).join('***');
  return out;
}
