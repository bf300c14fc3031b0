// What changed, in the publisher's words. A GOV.UK feed says only that a page was updated; the page's
// content item (https://www.gov.uk/api/content/<path>) keeps its change history, one note per public
// update. For a GOV.UK item that is about to be reported (new or updated, and matched to a commitment),
// the poller asks for that note and the event carries it. Failure is normal and harmless: the event is
// reported without a note.
import { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import type { Fetcher } from './fetch.ts';

export const GOVUK_CONTENT_API = 'https://www.gov.uk/api/content';

export interface ChangeNote {
  note: string;
  /** The update's public timestamp (ISO 8601). */
  at: string;
}

export interface ChangeNoteSource {
  /** True when this source knows the page at `link`. */
  covers(link: string): boolean;
  /** The note of the update published at `updated`; undefined when there is none for that update. */
  noteFor(link: string, updated: string | undefined): Promise<Result<ChangeNote | undefined, string>>;
}

const ContentItem = z.looseObject({
  details: z
    .looseObject({
      change_history: z.array(z.looseObject({ public_timestamp: z.string(), note: z.string() })).optional(),
    })
    .optional(),
});

/** Pages the content API serves: www.gov.uk paths, not finders, feeds or the API itself. */
const isGovukPage = (link: string): URL | undefined => {
  const url = URL.canParse(link) ? new URL(link) : undefined;
  if (!url || url.protocol !== 'https:' || url.hostname !== 'www.gov.uk') return undefined;
  if (url.pathname === '/' || /^\/(search|api)(\/|$)/.test(url.pathname) || url.pathname.endsWith('.atom')) return undefined;
  return url;
};

/**
 * The change-history entry of the update published at `updated` (within a minute), or undefined. Not "the
 * latest before it": a content API answer that lags the feed would label a new update with an old note.
 * Without `updated`, the newest entry.
 */
export function pickChangeNote(history: readonly { public_timestamp: string; note: string }[], updated: string | undefined): ChangeNote | undefined {
  const target = updated ? Date.parse(updated) : undefined;
  const dated = history
    .map((h) => ({ at: Date.parse(h.public_timestamp), note: h.note.trim() }))
    .filter((h) => Number.isFinite(h.at) && h.note && (target === undefined || Math.abs(h.at - target) <= 60_000))
    .sort((a, b) => b.at - a.at);
  const best = dated[0];
  return best ? { note: best.note, at: new Date(best.at).toISOString() } : undefined;
}

/** GOV.UK's content API through the bot's fetcher (same User-Agent, limits and per-host politeness). */
export function govukChangeNotes(fetcher: Pick<Fetcher, 'fetch'>, base: string = GOVUK_CONTENT_API): ChangeNoteSource {
  const root = base.replace(/\/+$/, '');
  return {
    covers: (link) => isGovukPage(link) !== undefined,
    async noteFor(link, updated) {
      const page = isGovukPage(link);
      if (!page) return ok(undefined);
      const url = `${root}${page.pathname}`;
      const outcome = await fetcher.fetch(url);
      if (outcome.kind === 'failed') return err(outcome.message);
      if (outcome.kind === 'not-modified') return ok(undefined);
      let json: unknown;
      try {
        json = JSON.parse(outcome.body);
      } catch {
        return err(`${url} did not answer JSON`);
      }
      const item = ContentItem.safeParse(json);
      if (!item.success) return err(`${url} did not answer a GOV.UK content item: ${item.error.issues[0]?.message ?? 'unexpected shape'}`);
      const note = pickChangeNote(item.data.details?.change_history ?? [], updated);
      // "First published." says no more than that the item is new.
      return ok(note && !/^first published\.?$/i.test(note.note) ? note : undefined);
    },
  };
}

/** The configured source: GOVUK_CONTENT_API_URL (default GOV.UK's own), or none when it is `off`. */
export function configuredChangeNotes(config: { govukContentApiUrl: string | null }, fetcher: Pick<Fetcher, 'fetch'>): ChangeNoteSource | undefined {
  return config.govukContentApiUrl === null ? undefined : govukChangeNotes(fetcher, config.govukContentApiUrl);
}
