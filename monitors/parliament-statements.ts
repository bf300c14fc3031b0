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
// - The list cuts `text` at 255 characters and adds "..." (real captures in
//   test/fixtures/feeds/real/parliament-statements/), plain text with paragraphs run together. `detailUrl` =
//   /api/writtenstatements/statements/<id> on the feed's origin, which Parliament's published OpenAPI
//   description gives as `StatementsViewModelItem`, `{ value, links }` with the same fields as a list result
//   and `text` as HTML (no real capture of it: the test fixture is written to that description). readDetail
//   turns it into plain text; the poller reads it for items about to be judged (src/feeds/full-text.ts).
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FeedItem, Monitor } from '../src/feed-types.ts';
import { detailUrlFor, parseApiDetail, parseApiResults, recogniseApi, windowedUrl } from './parliament-api.ts';
import { parseDate, SOURCE_ZONE } from './support/dates.ts';
import { baseItem } from './support/items.ts';
import { foldSpace, htmlToPlain, truncateWords } from './support/text.ts';

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

const COLLECTION = '/writtenstatements/statements';

function readStatement(value: WrittenStatement, warnings: string[], feedUrl: string): FeedItem | undefined {
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
  const detailUrl = value.id === undefined ? undefined : detailUrlFor(feedUrl, COLLECTION, value.id);
  if (detailUrl) item.detailUrl = detailUrl;
  item.documentType = 'Written statement';
  if (value.answeringBodyName && foldSpace(value.answeringBodyName)) item.department = foldSpace(value.answeringBodyName);
  return item;
}

export const parliamentStatements: Monitor = {
  kind: 'parliament-statements',

  recognise: (body, contentType, url) => recogniseApi(body, contentType, url, /\/writtenstatements\//i, (first) => ResultEntry.safeParse(first).success),

  requestUrl: (feedUrl, now) => windowedUrl(feedUrl, now, 'madeWhenFrom', WINDOW_DAYS, TAKE),

  parse: (body, feedUrl) =>
    Promise.resolve(
      parseApiResults(body, { noun: 'statements', title: 'Written ministerial statements' }, ResultEntry, (value, warnings) =>
        readStatement(value, warnings, feedUrl),
      ),
    ),

  readDetail: (body) => parseApiDetail(body, 'statement', ResultEntry, (value) => htmlToPlain(value.text ?? '')),
};
