// A PostgreSQL DATABASE_URL, read without loading the driver (config is read by every process, SQLite or not).
import { err, ok, type Result } from '../result.ts';

export interface PostgresLocation {
  dialect: 'postgres';
  /** The URL as given, password included: only ever handed to the driver. */
  url: string;
  /** The URL without its password, for messages and logs. */
  display: string;
  /** DATABASE_POOL_SIZE: connections this process may hold. */
  poolSize: number;
  /** The schema named by `options=-c search_path=…`, created if missing; undefined for the server's default. */
  schema?: string | undefined;
}

export const DEFAULT_POOL_SIZE = 10;

/** The URL with its password (and any password= parameter) blanked, for anything a person may read. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '';
    for (const key of [...url.searchParams.keys()]) if (/pass/i.test(key)) url.searchParams.set(key, '***');
    return url.href.replace(/^(\w+:\/\/[^:@/]*):?@/, '$1@');
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/** Reads a postgres:// or postgresql:// URL; the error never repeats the password. */
export function parsePostgresUrl(raw: string, poolSize = DEFAULT_POOL_SIZE): Result<PostgresLocation> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`expected a PostgreSQL URL such as postgres://user:password@host:5432/database (this one could not be read: ${redactUrl(raw)})`);
  }
  if (!url.hostname && !url.searchParams.get('host')) return err(`expected a host in the PostgreSQL URL ${redactUrl(raw)}`);
  if (url.port && !/^\d+$/.test(url.port)) return err(`expected a port number in the PostgreSQL URL ${redactUrl(raw)}`);
  const options = url.searchParams.get('options') ?? '';
  const schema = /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options)?.[1];
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) {
    return err(`expected a plain schema name in search_path (letters, digits, _), got ${JSON.stringify(schema)}`);
  }
  return ok({ dialect: 'postgres', url: raw, display: redactUrl(raw), poolSize, schema });
}
