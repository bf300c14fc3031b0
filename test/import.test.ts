// `commitment-watch import`: a Government Response, as plain text, HTML or PDF, from a file or a local
// web server, drafted into a register folder the seed loader accepts, with what an editor must check.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { draftRegister } from '../src/import/draft.ts';
import { readCurated, score } from '../src/import/evaluate.ts';
import { readDocument } from '../src/import/read-source.ts';
import { loadSeeds } from '../src/seed/load-seeds.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { cli, tempDir } from './support/register.ts';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
const XINJIANG = fileURLToPath(new URL('../seeds/registers/never-again-xinjiang/', import.meta.url));

const noNetwork = () => {
  throw new Error('a file must not be fetched');
};

async function draftOf(file: string) {
  const read = await readDocument(file, noNetwork);
  if (!read.ok) throw new Error(read.error);
  return { read: read.value, draft: draftRegister(read.value.blocks, { today: '2026-12-07' }) };
}

describe('import measured against the curated Xinjiang register, in three formats', () => {
  const expected = readCurated(XINJIANG);
  for (const [format, file] of [
    ['text', 'government-response.txt'],
    ['html', 'import/government-response.html'],
    ['pdf', 'import/government-response.pdf'],
  ] as const) {
    it(`${format}: every recommendation and answer verbatim, positions, undertakings`, async () => {
      const { read, draft } = await draftOf(fixture(file));
      expect(read.format).toBe(format);
      const s = score(draft, expected);
      expect(s.recommendationsFound).toBe(36);
      expect(draft.recommendations.map((r) => r.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
      expect(s.answersVerbatim).toBe(36);
      expect(s.textsVerbatim).toBe(36);
      expect(s.positionsAgree).toBeGreaterThanOrEqual(34);
      expect(s.undertakingsFound / s.undertakingsExpected).toBeGreaterThanOrEqual(0.9);
      expect(s.thrownAway / s.candidates).toBeLessThanOrEqual(1 / 3);
      // Shared answers are linked as the curated register links them.
      const sameAs = Object.fromEntries(draft.recommendations.filter((r) => r.responseSameAs).map((r) => [r.number, r.responseSameAs]));
      expect(sameAs).toEqual({ 3: 2, 4: 2, 17: 16, 33: 32 });
      // The last answer runs to the end of the document, and no further: the page's footer is not in it.
      expect(draft.recommendations.at(-1)?.response).toMatch(/human situation in Xinjiang\.$/);
      expect(draft.manifest.themes?.map((t) => t.name)).toEqual([
        'The Multilateral System',
        'Diaspora and Culture',
        'Forced labour and the private sector',
        'Technology and research',
        'The UK’s approach to atrocity prevention',
      ]);
      expect(draft.manifest).toMatchObject({
        title: 'Never Again: The UK’s Responsibility to Act on Atrocities in Xinjiang and Beyond',
        committee: 'Foreign Affairs Committee',
        draft: true,
      });
      expect(draft.manifest.documents.find((d) => d.id === 'report')).toMatchObject({ paperNumber: 'HC 198', session: '2021–22', published: '2021-07-08' });
      expect(draft.manifest.documents.find((d) => d.id === 'response')).toMatchObject({ received: '2021-11-01' });
    });
  }

  it('quotes the deciding words in each rationale, and says how sure it is', async () => {
    const { draft } = await draftOf(fixture('government-response.txt'));
    const r7 = draft.recommendations.find((r) => r.number === 7)!;
    expect(r7).toMatchObject({ position: 'not-accepted', confidence: 'high' });
    expect(r7.rationale).toContain('"In this instance, the alleged crimes are taking place in the territory of a non-State Party');
    for (const r of draft.recommendations)
      for (const q of r.rationale.match(/"([^"]+)"/g) ?? []) expect(readFileSync(fixture('government-response.txt'), 'utf8')).toContain(q.slice(1, -1));
    const dit = draft.commitments.find((c) => c.quote === 'DIT will report back to Parliament at the conclusion of its current review.');
    expect(dit).toMatchObject({
      recommendations: [19],
      department: 'Department for Business and Trade',
      originalDepartment: 'Department for International Trade',
      deadline: { text: 'at the conclusion of its current review' },
    });
    const bill = draft.commitments.find((c) => c.quote.includes('as soon as Parliamentary time allows'));
    expect(bill?.deadline?.text).toBe('as soon as Parliamentary time allows');
  });
});

describe('import on other layouts, measured against registers reviewed from them', () => {
  it('Parliament’s numbered paragraphs, Committee’s words in bold: subjunctive, two-paragraph and shared recommendations, signature after the last answer', async () => {
    const { draft } = await draftOf(fixture('import/flood-resilience-response.html'));
    const s = score(draft, readCurated(fixture('registers/flood-resilience-rural-communities')));
    expect(s).toMatchObject({
      recommendationsFound: 8,
      answersVerbatim: 8,
      textsVerbatim: 8,
      positionsAgree: 8,
      undertakingsFound: s.undertakingsExpected,
      thrownAway: 0,
    });
    expect(draft.recommendations[0]?.text).toMatch(/^That the Department set out/);
    expect(draft.recommendations[4]?.text.split('\n')).toHaveLength(2);
    expect(draft.recommendations[3]).toMatchObject({ responseSameAs: 3, position: 'accepted' });
    expect(draft.recommendations.at(-1)?.response).toMatch(/to hear their concerns directly\.$/);
    expect(draft.commitments[0]).toMatchObject({
      deadline: { text: 'by the end of 2024', date: '2024-12-31' },
      department: 'Department for Environment, Food and Rural Affairs',
    });
  });

  it('GOV.UK’s "Recommendation N: title" headings and "Government response" labels, a "see the response to" answer, an annex after the last answer', async () => {
    const { draft } = await draftOf(fixture('import/rural-connectivity-response.html'));
    const s = score(draft, readCurated(fixture('registers/rural-connectivity-left-on-the-line')));
    expect(s).toMatchObject({
      recommendationsFound: 8,
      answersVerbatim: 8,
      textsVerbatim: 8,
      positionsAgree: 8,
      undertakingsFound: s.undertakingsExpected,
      thrownAway: 0,
    });
    expect(draft.recommendations[0]?.text).toMatch(/^The Government should replace/); // the title is not the text
    expect(draft.recommendations[1]?.text.split('\n')).toHaveLength(2);
    expect(draft.recommendations[6]).toMatchObject({ responseSameAs: 6, position: 'accepted-in-part' });
    expect(draft.recommendations.at(-1)?.response).not.toContain('Glossary');
    expect(draft.manifest.documents).toMatchObject([
      { id: 'report', title: 'Left on the Line', paperNumber: 'HL Paper 87', published: '2024-06-11' },
      { id: 'response', paperNumber: 'CP 1142', published: '2024-09-09' },
    ]);
  });
});

describe('commitment-watch import', () => {
  let server: FeedServer;
  let seeds: string;
  beforeAll(async () => {
    server = await startFeedServer();
    server.serveFile('/response.html', fixture('import/rural-connectivity-response.html'), { 'content-type': 'text/html; charset=utf-8' });
    server.serveFile('/response.pdf', fixture('import/government-response.pdf'), { 'content-type': 'application/pdf' });
  });
  afterAll(async () => {
    await server.close();
  });
  const freshSeeds = () => {
    seeds = tempDir('cw-import-');
    mkdirSync(join(seeds, 'registers'));
    cpSync(XINJIANG, join(seeds, 'registers', 'never-again-xinjiang'), { recursive: true });
    return seeds;
  };
  const local = { ALLOW_PRIVATE_FEED_ADDRESSES: 'true' };

  it('drafts a folder that the seed loader accepts beside the existing register, and refuses to overwrite it', async () => {
    const dir = freshSeeds();
    try {
      const r = await cli(['import', fixture('government-response.txt'), '--id', 'xinjiang-draft', '--json'], { seedsDir: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = r.json() as Record<string, unknown>;
      expect(Object.keys(summary)).toEqual(['id', 'recommendations', 'commitments', 'positions', 'lowConfidence', 'warnings']);
      expect(summary).toMatchObject({ id: 'xinjiang-draft', recommendations: 36 });
      expect(Object.keys(summary.positions as object)).toEqual(['accepted', 'accepted-in-part', 'noted', 'not-accepted']);
      const folder = join(dir, 'registers', 'xinjiang-draft');
      for (const f of ['register.yaml', 'recommendations.yaml', 'commitments.yaml', 'REVIEW.md']) expect(existsSync(join(folder, f))).toBe(true);
      // Ids never clash with the register already there: the loader would refuse the pair.
      const loaded = await loadSeeds(dir);
      expect(loaded.ok ? loaded.value.map((x) => x.manifest.id) : loaded.error).toEqual(['never-again-xinjiang', 'xinjiang-draft']);
      const review = readFileSync(join(folder, 'REVIEW.md'), 'utf8');
      expect(review.indexOf('(low)')).toBeLessThan(review.indexOf('(high)'));

      const again = await cli(['import', fixture('government-response.txt'), '--id', 'xinjiang-draft'], { seedsDir: dir });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists: choose another --id or --out, or add --force/);
      expect((await cli(['import', fixture('government-response.txt'), '--id', 'xinjiang-draft', '--force'], { seedsDir: dir })).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a draft goes live with `commitment-watch seed` as it is, beside the existing register, and a second seed changes nothing', async () => {
    const dir = freshSeeds();
    try {
      for (const file of ['import/government-response.pdf', 'import/flood-resilience-response.html', 'import/rural-connectivity-response.html'])
        expect((await cli(['import', fixture(file)], { seedsDir: dir })).code).toBe(0);
      const db = join(dir, 'db.sqlite');
      const seed = await cli(['seed', '--json'], { seedsDir: dir, env: { DATABASE_URL: db } });
      expect(seed.stderr).toBe('');
      const created = seed.json() as Record<string, { created: number }>;
      expect(created.registers?.created).toBe(4);
      expect(created.recommendations?.created).toBe(36 + 36 + 8 + 8);
      const again = (await cli(['seed', '--json'], { seedsDir: dir, env: { DATABASE_URL: db } })).json() as Record<string, { created: number; updated: number }>;
      for (const counts of Object.values(again)) expect([counts.created, counts.updated]).toEqual([0, 0]);
      const flood = (
        await cli(['recommendation', '4', '--register', 'flood-resilience-rural-communities', '--json'], { seedsDir: dir, env: { DATABASE_URL: db } })
      ).json();
      expect(flood).toMatchObject({ number: 4, position: 'accepted' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--force over the folder of an earlier import of the same document keeps its commitment ids', async () => {
    const dir = freshSeeds();
    try {
      const ids = () => {
        const file = join(dir, 'registers', 'flood-resilience-rural-communities', 'commitments.yaml');
        return (parse(readFileSync(file, 'utf8')) as { commitments: { id: string }[] }).commitments.map((c) => c.id);
      };
      expect((await cli(['import', fixture('import/flood-resilience-response.html')], { seedsDir: dir })).code).toBe(0);
      const first = ids();
      expect(first.length).toBeGreaterThan(0);
      expect((await cli(['import', fixture('import/flood-resilience-response.html'), '--force'], { seedsDir: dir })).code).toBe(0);
      expect(ids()).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fetches a web address through the polite fetcher, HTML or PDF', async () => {
    const out = tempDir('cw-import-out-');
    try {
      const html = await cli(['import', server.url('/response.html'), '--out', join(out, 'a'), '--json'], { env: local, seedsDir: freshSeeds() });
      expect(html.code).toBe(0);
      expect(html.json()).toMatchObject({ id: 'left-line', recommendations: 8, positions: { accepted: 1, 'accepted-in-part': 4, noted: 1, 'not-accepted': 2 } });
      expect(server.requests('/response.html')[0]?.headers['user-agent']).toMatch(/^commitment-watch\//);
      const register = parse(readFileSync(join(out, 'a', 'register.yaml'), 'utf8')) as { documents: { url?: string }[] };
      expect(register.documents.at(-1)?.url).toBe(server.url('/response.html'));
      const pdf = await cli(['import', server.url('/response.pdf'), '--out', join(out, 'b'), '--json'], { env: local, seedsDir: seeds });
      expect(pdf.json()).toMatchObject({ recommendations: 36 });
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(seeds, { recursive: true, force: true });
    }
  });

  it('explains in one line what it could not read', async () => {
    const missing = await cli(['import', fixture('no-such-response.txt')]);
    expect(missing).toMatchObject({ code: 1, stderr: `commitment-watch: no such file: ${fixture('no-such-response.txt')}\n` });
    server.clearRequests();
    const refused = await cli(['import', server.url('/response.html')]); // loopback is not allowed by default
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^commitment-watch: could not fetch http:\/\/127\.0\.0\.1:\d+\/response\.html: .+\n$/);
    expect(server.requests()).toHaveLength(0); // refused before connecting
    const out = tempDir();
    const notAResponse = await cli(['import', fixture('SOURCES.md'), '--out', join(out, 'x')]);
    expect(notAResponse.stderr).toMatch(/no numbered recommendations were found/);
    const file = join(out, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const [at, message] of [
      [file, `commitment-watch: ${file} is a file, not a folder: choose another --out\n`],
      [join(file, 'draft'), expect.stringMatching(new RegExp(`^commitment-watch: could not write the draft to ${join(file, 'draft')}: .+\n$`))],
    ] as const) {
      const unwritable = await cli(['import', fixture('government-response.txt'), '--out', at, '--force']);
      expect(unwritable).toMatchObject({ code: 1, stderr: message });
    }
    rmSync(out, { recursive: true, force: true });
    const badId = await cli(['import', fixture('government-response.txt'), '--id', 'Not A Slug']);
    expect(badId.stderr).toMatch(/--id "Not A Slug" is not a slug/);
  });
});
