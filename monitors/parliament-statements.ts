// UK Parliament written ministerial statements (JSON API; Parliament publishes no RSS for them).
//
// How to read the source
// - https://questions-statements-api.parliament.uk/api/writtenstatements/statements?madeWhenFrom=YYYY-MM-DD&take=100
//   (also answeringBodies=<id>, searchTerm=, skip=). The body is `{ totalResults, results: [{ value, links }] }`;
//   each `value` has `id`, `uin` ("HCWS123", "HLWS45"), `dateMade` ("2024-05-13T00:00:00", UK wall-clock,
//   no offset), `answeringBodyName`, `title`, `text` (HTML), `house` ("Commons"/"Lords") and more fields we
//   do not need (memberId, noticeNumber, attachments, linkedStatements…).
// - `requestUrl` adds a window: madeWhenFrom = now − 14 days (UK date) and take=100, unless the configured
//   URL already sets them. The API answers newest first.
// - The body is validated with zod: unknown extra fields are allowed; a result whose shape is broken is
//   skipped with a warning, and only a body that is not JSON or has no `results` array is an error.
//
// What an item means: a Government statement to Parliament — typically how a report, review outcome or
// policy decision is announced.
// - `key` = "<date made, YYYY-MM-DD>/<uin>". Decision: the uin alone is not enough, because uins restart
//   every session (there is an HCWS1 each session) and keys outlive sessions in the store; the date and
//   uin together are the statement's public identity (they form its page URL). The uin already names the
//   house (HC…/HL…).
// - `link` = https://questions-statements.parliament.uk/written-statements/detail/<YYYY-MM-DD>/<uin>.
// - `department` = answeringBodyName; `summary` = text as plain text, cut to 1,000 characters on a word
//   boundary; `categories` = [house]; `documentType` = "Written statement"; `published` = dateMade.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FeedItem, Monitor, ParsedFeed } from '../src/feeds/types.ts';
import { err, ok, type Result } from '../src/result.ts';
import { SOURCE_ZONE, baseItem, clip, feedUrlOf, finish, foldSpace, htmlToPlain, parseDate, sniff, truncateWords, MAX_BODY_CHARS } from './support.ts';

const SUMMARY_MAX = 1000;
const WINDOW_DAYS = 14;
const TAKE = 100;
const PUBLIC_PAGE = 'https://questions-statements.parliament.uk/written-statements/detail';

const nonEmpty = z.string().trim().min(1);

/** One statement as the API gives it (unknown fields are allowed and ignored). */
export const WrittenStatement = z.object({
  id: z.number().int().optional(),
  uin: nonEmpty.regex(/^[\w-]+$/, 'must be a uin such as HCWS123'),
  dateMade: nonEmpty,
  answeringBodyName: z.string().nullish(),
  title: nonEmpty,
  text: z.string().nullish(),
  house: z.string().nullish(),
});
export type WrittenStatement = z.infer<typeof WrittenStatement>;

const ResultEntry = z.object({ value: WrittenStatement });
const Envelope = z.object({ totalResults: z.number().optional(), results: z.array(z.unknown()) });

function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function readStatement(value: WrittenStatement, warnings: string[]): FeedItem | undefined {
  const published = parseDate(value.dateMade, `statement ${value.uin} dateMade`, warnings);
  if (!published) {
    warnings.push(`statement ${value.uin} skipped: without a valid dateMade it has no public page`);
    return undefined;
  }
  const day = DateTime.fromISO(published, { zone: 'utc' }).setZone(SOURCE_ZONE).toISODate();
  const item = baseItem({
    key: `${day}/${value.uin}`,
    link: `${PUBLIC_PAGE}/${day}/${encodeURIComponent(value.uin)}`,
    title: foldSpace(value.title),
    summary: truncateWords(htmlToPlain(value.text ?? ''), SUMMARY_MAX),
    categories: value.house ? [foldSpace(value.house)] : [],
  });
  item.published = published;
  item.documentType = 'Written statement';
  if (value.answeringBodyName && foldSpace(value.answeringBodyName)) item.department = foldSpace(value.answeringBodyName);
  return item;
}

export const parliamentStatements: Monitor = {
  kind: 'parliament-statements',

  recognise(body, contentType, url) {
    const feedUrl = feedUrlOf(url);
    if (feedUrl?.hostname === 'questions-statements-api.parliament.uk' && /\/writtenstatements\//i.test(feedUrl.pathname)) return true;
    if (!sniff(body).json && !/json/i.test(contentType ?? '')) return false;
    try {
      const data: unknown = JSON.parse(body);
      const envelope = Envelope.safeParse(data);
      if (!envelope.success) return false;
      const first = envelope.data.results[0];
      return first === undefined ? false : ResultEntry.safeParse(first).success;
    } catch {
      return false;
    }
  },

  requestUrl(feedUrl, now) {
    const url = new URL(feedUrl);
    const has = (name: string) => [...url.searchParams.keys()].some((k) => k.toLowerCase() === name.toLowerCase());
    if (!has('madeWhenFrom')) {
      const from = DateTime.fromJSDate(now).setZone(SOURCE_ZONE).minus({ days: WINDOW_DAYS }).toISODate();
      if (from) url.searchParams.set('madeWhenFrom', from);
    }
    if (!has('take')) url.searchParams.set('take', String(TAKE));
    return url.href;
  },

  async parse(body): Promise<Result<ParsedFeed>> {
    if (typeof body !== 'string' || body.trim() === '') return err('empty body: no statements in the response');
    if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (error) {
      const start = foldSpace(body.slice(0, 40));
      const html = /^\s*</.test(body) ? ' (an HTML or XML page?)' : '';
      return err(`invalid JSON${html}: ${(error as Error).message}; body starts ${JSON.stringify(clip(start, 40))}`);
    }
    const envelope = Envelope.safeParse(data);
    if (!envelope.success) return err(`not a written statements response: ${issueText(envelope.error)}`);
    const warnings: string[] = [];
    const items: FeedItem[] = [];
    envelope.data.results.forEach((entry, index) => {
      const checked = ResultEntry.safeParse(entry);
      if (!checked.success) {
        warnings.push(`result ${index + 1} skipped, its shape is broken: ${issueText(checked.error)}`);
        return;
      }
      const item = readStatement(checked.data.value, warnings);
      if (item) items.push(item);
    });
    return ok(finish('Written ministerial statements', items, warnings));
  },
};
