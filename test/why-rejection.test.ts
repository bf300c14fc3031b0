// `why` explains a rejection as well as an acceptance: which terms were seen, what was missing, which
// negative term blocked it — from the match traces, written here from the real Matcher's results the way
// the poller records them (decision, score, matched terms, reason).
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../src/feed-types.ts';
import { explainItem, explanationText } from '../src/feeds/explain.ts';
import type { FeedStore, StoredItem, Trace } from '../src/feeds/feed-store.ts';
import { Matcher } from '../src/match/matcher.ts';
import { registerCommitments } from '../bench/match-eval.ts';

const AT = '2026-12-07T10:00:00.000Z';

function storeFor(item: FeedItem, feedId: string, traces: Trace[]): FeedStore {
  const stored: StoredItem = {
    feedId,
    key: item.key,
    link: item.link,
    title: item.title,
    published: null,
    updated: null,
    stage: null,
    fingerprint: 'f',
    firstSeenAt: AT,
    lastSeenAt: AT,
    timesSeen: 1,
  };
  const store: Pick<FeedStore, 'findItems' | 'traces'> = {
    findItems: (refs) => Promise.resolve(refs.includes(item.link) ? [stored] : []),
    traces: () => Promise.resolve(traces),
  };
  return store as unknown as FeedStore;
}

async function why(item: FeedItem): Promise<string> {
  const matcher = new Matcher(registerCommitments());
  let id = 0;
  const base = { feedId: 'govuk', itemKey: item.key, link: item.link, at: AT };
  const traces: Trace[] = [{ ...base, id: ++id, stage: 'identity', decision: 'new', detail: 'a new item' }];
  for (const r of matcher.match(item, 'govuk-atom')) {
    traces.push({ ...base, id: ++id, stage: 'match', decision: r.decision, commitmentId: r.commitmentId, score: r.score, matched: r.matched, detail: r.reason });
  }
  const explained = await explainItem(storeFor(item, 'govuk', traces), item.link);
  if (!explained.ok) throw new Error(explained.error);
  return explanationText(explained.value);
}

describe('why, for an item no commitment accepted', () => {
  it('says what was seen and what was missing', async () => {
    const text = await why({
      key: '/guidance/procurement-act-2023-guidance-documents',
      link: 'https://www.gov.uk/guidance/procurement-act-2023-guidance-documents',
      title: 'Procurement Act 2023: guidance documents',
      summary: 'A collection of guidance on notices, thresholds and below-threshold contracts.',
      categories: ['Guidance'],
      documentType: 'Guidance',
    });
    expect(text).toMatch(/^ {2}Not posted: no commitment accepted it — /m);
    expect(text).toMatch(
      /procurement-bill-exclude-forced-labour-suppliers: missing required '[^']*exclu[^']*': none of these appears[^(]*\(seen 'Procurement Act'\)/,
    );
    expect(text).toMatch(/✗ procurement-bill-exclude-forced-labour-suppliers {2}score [\d.]+ \[Procurement Act\] — incomplete: missing required/);
  });

  it('names the negative term that blocked it', async () => {
    const text = await why({
      key: '/government/statistics/strategic-export-controls-q3',
      link: 'https://www.gov.uk/government/statistics/strategic-export-controls-q3',
      title: 'Strategic export controls: licensing statistics, July to September 2024',
      summary: 'Official statistics on export licences, including for China.',
      categories: ['Official Statistics'],
    });
    expect(text).toMatch(
      /✗ report-export-controls-review-to-parliament {2}score [\d.]+ \[export control, china\] — blocked: excluded by 'statistic', a term that rules items out/,
    );
  });

  it('and for an accepted item, why it was accepted', async () => {
    const text = await why({
      key: '/government/news/fines',
      link: 'https://www.gov.uk/government/news/fines',
      title: 'Fines for firms that fail to publish a slavery and human trafficking statement',
      summary: 'Civil penalties, enforced by the Fair Work Agency.',
      categories: ['Press release'],
    });
    expect(text).toMatch(
      /✓ modern-slavery-act-financial-penalties {2}score [\d.]+ \[slavery and human trafficking statement, fines\] — score [\d.]+ ≥ 2\.0: 'slavery and human trafficking statement' in title/,
    );
  });
});
