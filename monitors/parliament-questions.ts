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
//   dateAnswerCorrected, so the correction is reported as an update of the same item.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FeedItem, Monitor, ParsedFeed } from '../src/feeds/types.ts';
import { err, ok, type Result } from '../src/result.ts';
import { SOURCE_ZONE, baseItem, clip, feedUrlOf, finish, foldSpace, htmlToPlain, parseDate, sniff, truncateWords, MAX_BODY_CHARS } from './support.ts';

const SUMMARY_MAX = 1000;
const WINDOW_DAYS = 14;
const TAKE = 100;
const PUBLIC_PAGE = 'https://questions-statements.parliament.uk/written-questions/detail';

const nonEmpty = z.string().trim().min(1);

/** One question as the API gives it (unknown fields are allowed and ignored). */
export const WrittenQuestion = z.object({
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
const Envelope = z.object({ totalResults: z.number().optional(), results: z.array(z.unknown()) });

const issueText = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

function readQuestion(value: WrittenQuestion, warnings: string[]): FeedItem | undefined {
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
  const question = htmlToPlain(value.questionText ?? '');
  const item = baseItem({
    key: `${day}/${value.uin}`,
    link: `${PUBLIC_PAGE}/${day}/${encodeURIComponent(value.uin)}`,
    title: `${heading} (written answer${body ? `, ${body}` : ''})`,
    summary: truncateWords(question ? `${answer} — Asked: ${question}` : answer, SUMMARY_MAX),
    categories: value.house ? [foldSpace(value.house)] : [],
  });
  item.published = answered;
  const corrected = value.dateAnswerCorrected ? parseDate(value.dateAnswerCorrected, `question ${value.uin} dateAnswerCorrected`, warnings) : undefined;
  if (corrected) item.updated = corrected;
  item.documentType = 'Written answer';
  if (body) item.department = body;
  return item;
}

export const parliamentQuestions: Monitor = {
  kind: 'parliament-questions',

  recognise(body, contentType, url) {
    const feedUrl = feedUrlOf(url);
    if (feedUrl?.hostname === 'questions-statements-api.parliament.uk' && /\/writtenquestions\//i.test(feedUrl.pathname)) return true;
    if (!sniff(body).json && !/json/i.test(contentType ?? '')) return false;
    try {
      const envelope = Envelope.safeParse(JSON.parse(body));
      if (!envelope.success) return false;
      const first = envelope.data.results[0] as { value?: { questionText?: unknown } } | undefined;
      return first?.value?.questionText !== undefined && ResultEntry.safeParse(first).success;
    } catch {
      return false;
    }
  },

  requestUrl(feedUrl, now) {
    const url = new URL(feedUrl);
    const has = (name: string) => [...url.searchParams.keys()].some((k) => k.toLowerCase() === name.toLowerCase());
    if (!has('answeredWhenFrom')) {
      const from = DateTime.fromJSDate(now).setZone(SOURCE_ZONE).minus({ days: WINDOW_DAYS }).toISODate();
      if (from) url.searchParams.set('answeredWhenFrom', from);
    }
    if (!has('take')) url.searchParams.set('take', String(TAKE));
    return url.href;
  },

  async parse(body): Promise<Result<ParsedFeed>> {
    if (typeof body !== 'string' || body.trim() === '') return err('empty body: no questions in the response');
    if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (error) {
      const html = /^\s*</.test(body) ? ' (an HTML or XML page?)' : '';
      return err(`invalid JSON${html}: ${(error as Error).message}; body starts ${JSON.stringify(clip(foldSpace(body.slice(0, 40)), 40))}`);
    }
    const envelope = Envelope.safeParse(data);
    if (!envelope.success) return err(`not a written questions response: ${issueText(envelope.error)}`);
    const warnings: string[] = [];
    const items: FeedItem[] = [];
    envelope.data.results.forEach((entry, index) => {
      const checked = ResultEntry.safeParse(entry);
      if (!checked.success) {
        warnings.push(`result ${index + 1} skipped, its shape is broken: ${issueText(checked.error)}`);
        return;
      }
      const item = readQuestion(checked.data.value, warnings);
      if (item) items.push(item);
    });
    return ok(finish('Written questions and answers', items, warnings));
  },
};
