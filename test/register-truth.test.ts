// What the registers say happened after a response must rest on the public record: a change that
// settles or stops a commitment cites at least one official source, and no source is given by an
// address that belongs to one reader's visit (tracking parameters) or to a copy of a site.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommitmentSeed } from '../src/domain.ts';

const registersDir = new URL('../seeds/registers/', import.meta.url);
const registerIds = readdirSync(registersDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const commitments = registerIds.flatMap((id) => {
  const file = new URL(`${id}/commitments.yaml`, registersDir);
  const parsed = z.strictObject({ commitments: z.array(CommitmentSeed) }).parse(parse(readFileSync(file, 'utf8')));
  return parsed.commitments.map((c) => ({ register: id, ...c }));
});

/** Hosts whose pages are the record itself: GOV.UK, Parliament (Hansard, committees, bills, library) and legislation.gov.uk. */
const OFFICIAL_HOSTS = ['gov.uk', 'parliament.uk', 'legislation.gov.uk'];
const isOfficial = (url: string) => {
  const host = new URL(url).hostname;
  return OFFICIAL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
};

/** Query parameters that record who followed a link (mail campaigns, analytics, AMP caches), not what the page is. */
const TRACKING = /^(utm_|_cl|recipientid$|esid$|hs_amp$|fbclid$|gclid$|mc_)/i;
/** Hosts that serve copies of other sites (staging mirrors), whose addresses may vanish. */
const COPY_HOSTS = /(\.studio24\.dev|\.herokuapp\.com|wordsworth\.site)$/i;

const everyAddress = () =>
  commitments.flatMap((c) => [
    ...c.history.flatMap((h) => h.evidence.map((url) => ({ where: `${c.id} history ${h.at}`, url }))),
    ...c.evidence.map((e) => ({ where: `${c.id} evidence`, url: e.url })),
  ]);

describe('the registers’ record of what happened since each response', () => {
  it('finds the registers and their history to check', () => {
    expect(registerIds).toContain('never-again-xinjiang');
    expect(commitments.some((c) => c.history.length > 0)).toBe(true);
  });

  it('cites at least one official source for every change that settles or stops a commitment', () => {
    const settling = new Set(['delivered', 'partly-delivered', 'stalled', 'abandoned', 'unclear']);
    const unsupported = commitments.flatMap((c) =>
      c.history.filter((h) => settling.has(h.to) && !h.evidence.some(isOfficial)).map((h) => `${c.id} ${h.at} → ${h.to}: ${h.evidence.join(', ')}`),
    );
    expect(unsupported).toEqual([]);
  });

  it('gives every source by a plain https address: no tracking parameters, no mirror copies', () => {
    const problems: string[] = [];
    for (const { where, url } of everyAddress()) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:') problems.push(`${where}: ${url} is not https`);
      const tracking = [...parsed.searchParams.keys()].filter((k) => TRACKING.test(k));
      if (tracking.length > 0) problems.push(`${where}: ${url} carries ${tracking.join(', ')}`);
      if (COPY_HOSTS.test(parsed.hostname)) problems.push(`${where}: ${url} is a copy of another site`);
    }
    expect(problems).toEqual([]);
  });

  it('would catch the addresses it is meant to refuse', () => {
    expect(isOfficial('https://committees.parliament.uk/oralevidence/10329/html/')).toBe(true);
    expect(isOfficial('https://gov.uk/government/news/x')).toBe(true);
    expect(isOfficial('https://vinciworks.com/blog/x')).toBe(false);
    expect(isOfficial('https://notgov.uk.example.com/x')).toBe(false);
    expect(TRACKING.test('hs_amp')).toBe(true);
    expect(TRACKING.test('_cldee')).toBe(true);
    expect(TRACKING.test('p')).toBe(false);
    expect(COPY_HOSTS.test('lordslibrary-parliament.studio24.dev')).toBe(true);
  });
});
