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

/**
 * The URL with its password (and any password= parameter) blanked, for anything a person may read. The
 * password is whatever follows the first ":" of the text before the LAST "@": one holding an unescaped
 * / ? # or @ makes a URL parser end the user part early (and take the password for a port or a path), so
 * the parsed URL cannot be trusted to have found it. (An "@" in a query may hide more than needed: safe.)
 */
export function redactUrl(raw: string): string {
  let out = raw;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0];
  const at = raw.lastIndexOf('@');
  if (scheme && at > scheme.length) {
    const userinfo = raw.slice(scheme.length, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) out = `${scheme}${userinfo.slice(0, colon)}${raw.slice(at)}`;
  }
  return out.replace(/([?&][^=&#]*pass[^=&#]*=)[^&#]*/gi, '$1***');
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
  // The driver decodes these; a broken %-escape would fail there with a bare "URI malformed".
  if ([url.username, url.password, url.pathname].some((part) => decoded(part) === undefined)) {
    return err(`expected %-escapes such as %40 to be whole in the PostgreSQL URL ${redactUrl(raw)}`);
  }
  const options = url.searchParams.get('options') ?? '';
  const schema = /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options)?.[1];
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) {
    return err(`expected a plain schema name in search_path (letters, digits, _), got ${JSON.stringify(schema)}`);
  }
  return ok({ dialect: 'postgres', url: raw, display: redactUrl(raw), poolSize, schema });
}

// node-postgres returns bigint and numeric as strings (they may not fit a double). Counts and sums here are

/** A %-escaped part decoded, or undefined when an escape is broken. */
export function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
