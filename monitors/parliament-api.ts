// What the two monitors of Parliament's questions-and-statements API share (written statements, written
// questions): the `{ totalResults, results: [{ value }] }` envelope read with zod, a date window added to the
// request, recognition by host and path or by the shape of the first result, and the item's own endpoint
// (`{ value, links }`), where the whole text is: the list endpoints cut it at 255 characters. Not a monitor itself.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FeedItem, ParsedFeed } from '../src/feed-types.ts';
import { err, ok, type Result } from '../src/result.ts';
import { MAX_BODY_CHARS, sniff } from './support/body-checks.ts';
import { SOURCE_ZONE } from './support/dates.ts';
import { feedUrlOf, finish } from './support/items.ts';
import { clip, foldSpace } from './support/text.ts';

export const API_HOST = 'questions-statements-api.parliament.uk';
const Envelope = z.object({ totalResults: z.number().optional(), results: z.array(z.unknown()) });

export function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** The feed URL with `dateParam` = now − `days` (UK date) and take=`take`, unless the URL sets them. */
export function windowedUrl(feedUrl: string, now: Date, dateParam: string, days: number, take: number): string {
  const url = new URL(feedUrl);
  const has = (name: string) => [...url.searchParams.keys()].some((k) => k.toLowerCase() === name.toLowerCase());
  if (!has(dateParam)) {
    const from = DateTime.fromJSDate(now).setZone(SOURCE_ZONE).minus({ days }).toISODate();
    if (from) url.searchParams.set(dateParam, from);
  }
  if (!has('take')) url.searchParams.set('take', String(take));
  return url.href;
}

/** True for this API's `path` on its host, or for a JSON body whose first result `looksLike` one. */
export function recogniseApi(body: string, contentType: string | undefined, url: string, path: RegExp, looksLike: (first: unknown) => boolean): boolean {
  const feedUrl = feedUrlOf(url);
  if (feedUrl?.hostname === API_HOST && path.test(feedUrl.pathname)) return true;
  if (!sniff(body).json && !/json/i.test(contentType ?? '')) return false;
  try {
    const envelope = Envelope.safeParse(JSON.parse(body));
    const first = envelope.success ? envelope.data.results[0] : undefined;
    return first !== undefined && looksLike(first);
  } catch {
    return false;
  }
}

/**
 * Reads a response: a body that is not JSON or has no `results` array is an error; a result that fails
 * `entry` is skipped with a warning; `read` turns each valid value into an item, or skips it.
 */
export function parseApiResults<T>(
  body: string,
  what: { noun: string; title: string },
  entry: z.ZodType<{ value: T }>,
  read: (value: T, warnings: string[]) => FeedItem | undefined,
): Result<ParsedFeed> {
  if (typeof body !== 'string' || body.trim() === '') return err(`empty body: no ${what.noun} in the response`);
  if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const html = /^\s*</.test(body) ? ' (an HTML or XML page?)' : '';
    return err(`invalid JSON${html}: ${(error as Error).message}; body starts ${JSON.stringify(clip(foldSpace(body.slice(0, 40)), 40))}`);
  }
  const envelope = Envelope.safeParse(data);
  if (!envelope.success) return err(`not a written ${what.noun} response: ${issueText(envelope.error)}`);
  const warnings: string[] = [];
  const items: FeedItem[] = [];
  envelope.data.results.forEach((result, index) => {
    const checked = entry.safeParse(result);
    if (!checked.success) {
      warnings.push(`result ${index + 1} skipped, its shape is broken: ${issueText(checked.error)}`);
      return;
    }
    const item = read(checked.data.value, warnings);
    if (item) items.push(item);
  });
  return ok(finish(what.title, items, warnings));
}

/** The most of a whole text kept for matching: far beyond any answer or statement, but bounded. */
const FULL_TEXT_MAX = 200_000;

/**
 * The URL of one result's own endpoint: the feed URL's path up to `collection` (e.g. "/writtenquestions/questions")
 * followed by "/<id>", on the feed's origin — so a feed served from elsewhere (a test server, a proxy) is
 * asked at the same place. A feed URL without that path gets the API's own path, "/api<collection>/<id>".
 */
export function detailUrlFor(feedUrl: string, collection: string, id: number): string | undefined {
  const url = feedUrlOf(feedUrl);
  if (!url) return undefined;
  const at = url.pathname.toLowerCase().indexOf(collection.toLowerCase());
  const path = at >= 0 ? url.pathname.slice(0, at + collection.length) : `/api${collection}`;
  return new URL(`${path}/${id}`, url.origin).href;
}

/** Reads an item's own endpoint: `{ value, links }` checked with `entry`, turned into its whole plain text. */
export function parseApiDetail<T>(body: string, noun: string, entry: z.ZodType<{ value: T }>, text: (value: T) => string): Result<string> {
  if (typeof body !== 'string' || body.trim() === '') return err(`empty body: no ${noun} in the response`);
  if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    return err(`invalid JSON: ${(error as Error).message}`);
  }
  const checked = entry.safeParse(data);
  if (!checked.success) return err(`not a written ${noun}: ${issueText(checked.error)}`);
  const whole = text(checked.data.value);
  if (!whole) return err(`the ${noun} has no text`);
  return ok(whole.length > FULL_TEXT_MAX ? whole.slice(0, FULL_TEXT_MAX) : whole);
}
