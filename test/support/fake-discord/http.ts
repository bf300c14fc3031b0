// HTTP plumbing for the fake REST API: body parsing (JSON and multipart), routing, responses.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
  contentType: string;
  /** The file's bytes, so a test can check what was uploaded. */
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path below the API version, e.g. "/channels/123/messages". */
  path: string;
  /** The raw request URL, e.g. "/api/v10/channels/123/messages?wait=true". */
  url: string;
  query: Record<string, string>;
  /** Lower-cased headers; the Authorization value is replaced by "[redacted]". */
  headers: Record<string, string>;
  /** Whether an Authorization header was present. */
  auth: boolean;
  /** Parsed JSON body (for multipart: the parsed payload_json), or null. */
  body: unknown;
  files: UploadedFile[];
  /** The route pattern that handled it, or null when nothing matched (the fake answered 404). */
  route: string | null;
  status: number;
  /** performance.now() when it arrived. */
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
export const noContent = (): Reply => ({ status: 204 });
export const apiError = (status: number, code: number, message: string): Reply => json(status, { code, message });

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class BadBody extends Error {}

/** Parses a JSON or multipart/form-data body (Discord's payload_json + files[n]). */
export async function parseBody(contentType: string, raw: Buffer): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData();
    let body: unknown = null;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = parseJson(value);
      } else {
        files.push({ field, filename: value.name, size: value.size, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadBody('The request body contains invalid JSON.');
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: UploadedFile[];
  auth: string | null;
}

export interface Route {
  method: string;
  pattern: string;
  /** Whether the route needs `Authorization: Bot <token>` (interaction callbacks and webhooks do not). */
  auth: boolean;
  /** The route's major parameter that fault injection keys on (e.g. "channelId"). */
  faultKey?: string;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const v = decodeURIComponent(parts[i]!);
      if (p.startsWith(':')) params[p.slice(1)] = v;
      else ok = p === v;
    }
    if (ok) return { route, params };
  }
  return null;
}
