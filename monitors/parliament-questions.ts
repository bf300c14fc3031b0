// UK Parliament written questions and their answers (JSON API; no RSS). A minister's written answer is
// where the Government most often restates, updates or quietly drops an undertaking ("we will bring
// forward legislation when parliamentary time allows").
//
// How to read the source
// - https://questions-statements-api.parliament.uk/api/writtenquestions/questions?answeredWhenFrom=YYYY-MM-DD&take=100
//   (also searchTerm=, answeringBodies=<id>, house=, skip=). The body is `{ totalResults, results: [{ value,
//   links }] }`; each `value` has `uin` ("12345", "HL1234"), `dateTabled`, `dateAnswered` (UK wall-clock, no
//   offset), `heading`, `questionText`, `answerText` (HTML), `answeringBodyName`, `house`, `answerIsHolding`,
//   `isWithdrawn`, `dateAnswerCorrected`, and more we do not need (members, attachments, grouped questions).
// - `requestUrl` adds a window: answeredWhenFrom = now − 14 days (UK date) and take=100, unless the configured
//   URL already sets them. Feeds narrow it with searchTerm (see seeds/feeds.yaml).
// - Validated with zod: extra fields are allowed; a result whose shape is broken is skipped with a warning;
//   only a body that is not JSON or has no `results` array is an error.
//
// What an item means: a Government answer to a Member's written question.
// - Only answered questions count: unanswered, withdrawn and holding answers ("I will reply as soon as
//   possible") are skipped silently — they say nothing about a commitment.
// - `key` = "<date tabled, YYYY-MM-DD>/<uin>" (uins restart each session; the date and uin form the public
//   page); `link` = https://questions-statements.parliament.uk/written-questions/detail/<date tabled>/<uin>.
// - `title` = "<heading> (written answer, <answering body>)"; `summary` = the answer as plain text, then the
//   question, cut to 1,000 characters; `categories` = [house]; `department` = answeringBodyName;
//   `documentType` = "Written answer"; `published` = dateAnswered; a corrected answer has `updated` =
//   dateAnswerCorrected.
// - An update (updateOf) is a correction: `updated` (dateAnswerCorrected) appears or moves later. The real
//   capture has three corrected answers (answerIsCorrection, dateAnswerCorrected weeks after dateAnswered).
// - The list cuts `answerText` at 255 characters (and adds "...") and `questionText` with no marker, as plain
//   text with paragraphs run together. `detailUrl` = /api/writtenquestions/questions/<id> on the feed's
//   origin: it answers `{ value, links }` with the whole answer as HTML (real capture:
//   test/fixtures/feeds/real/parliament-questions/aws-samples-2024-single-question.json). readDetail turns it
//   into "<answer> — Asked: <question>", the summary's form, uncut. The poller reads it for items about to be
//   judged (src/feeds/full-text.ts). Note: `links[].href` ("/Questions/<n>") does not name the same number as
//   `value.id` in real captures; the id is used.
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
const PUBLIC_PAGE = 'https://questions-statements.parliament.uk/written-questions/detail';

const nonEmpty = z.string().trim().min(1);

/** One question as the API gives it (unknown fields are allowed and ignored). */
export const WrittenQuestion = z.object({
  id: z.number().int().optional(),
  uin: nonEmpty.regex(/^[\w-]+$/, 'must be a uin such as 12345 or HL1234'),
  dateTabled: nonEmpty,
  questionText: z.string().nullish(),
  heading: z.string().nullish(),
  answerText: z.string().nullish(),
  dateAnswered: z.string().nullish(),
  dateAnswerCorrected: z.string().nullish(),
  answeringBodyName: z.string().nullish(),
  house: z.string().nullish(),
  answerIsHolding: z.boolean().nullish(),
  isWithdrawn: z.boolean().nullish(),
});
export type WrittenQuestion = z.infer<typeof WrittenQuestion>;

const ResultEntry = z.object({ value: WrittenQuestion });

const COLLECTION = '/writtenquestions/questions';

/** The answer, then the question, as plain text: what an answer item is matched on. */
function answerAndQuestion(value: WrittenQuestion): string {
  const answer = htmlToPlain(value.answerText ?? '');
  const question = htmlToPlain(value.questionText ?? '');
  return question ? `${answer} — Asked: ${question}` : answer;
}

function readQuestion(value: WrittenQuestion, warnings: string[], feedUrl: string): FeedItem | undefined {
  const answer = htmlToPlain(value.answerText ?? '');
  if (value.isWithdrawn || value.answerIsHolding || !answer || !value.dateAnswered) return undefined;
  const tabled = parseDate(value.dateTabled, `question ${value.uin} dateTabled`, warnings);
  const answered = parseDate(value.dateAnswered, `question ${value.uin} dateAnswered`, warnings);
  if (!tabled || !answered) {
    warnings.push(`question ${value.uin} skipped: without valid dates it has no public page`);
    return undefined;
  }
  const day = DateTime.fromISO(tabled, { zone: 'utc' }).setZone(SOURCE_ZONE).toISODate();
  const heading = foldSpace(value.heading ?? '') || `Question ${value.uin}`;
  const body = foldSpace(value.answeringBodyName ?? '');
  const item = baseItem({
    key: `${day}/${value.uin}`,
    link: `${PUBLIC_PAGE}/${day}/${encodeURIComponent(value.uin)}`,
    title: `${heading} (written answer${body ? `, ${body}` : ''})`,
    summary: truncateWords(answerAndQuestion(value), SUMMARY_MAX),
    categories: value.house ? [foldSpace(value.house)] : [],
  });
  const detailUrl = value.id === undefined ? undefined : detailUrlFor(feedUrl, COLLECTION, value.id);
  if (detailUrl) item.detailUrl = detailUrl;
  item.published = answered;
  const corrected = value.dateAnswerCorrected ? parseDate(value.dateAnswerCorrected, `question ${value.uin} dateAnswerCorrected`, warnings) : undefined;
  if (corrected) item.updated = corrected;
  item.documentType = 'Written answer';
  if (body) item.department = body;
  return item;
}

export const parliamentQuestions: Monitor = {
  kind: 'parliament-questions',

  // A statement has no questionText: the two shapes are told apart by it.
  recognise: (body, contentType, url) =>
    recogniseApi(
      body,
      contentType,
      url,
      /\/writtenquestions\//i,
      (first) => (first as { value?: { questionText?: unknown } }).value?.questionText !== undefined && ResultEntry.safeParse(first).success,
    ),

  requestUrl: (feedUrl, now) => windowedUrl(feedUrl, now, 'answeredWhenFrom', WINDOW_DAYS, TAKE),

  parse: (body, feedUrl) =>
    Promise.resolve(
      parseApiResults(body, { noun: 'questions', title: 'Written questions and answers' }, ResultEntry, (value, warnings) => readQuestion(value, warnings, feedUrl)),
    ),

  updateOf(previous, item) {
    if (item.updated === undefined) return undefined;
    return previous.updated === null || item.updated > previous.updated ? `corrected:${item.updated}` : undefined;
  },

  readDetail: (body) => parseApiDetail(body, 'question', ResultEntry, answerAndQuestion),
};
