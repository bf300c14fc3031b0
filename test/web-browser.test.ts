// The tracker page as a person uses it, in a real headless Chromium (Debian's `chromium`, driven by
// playwright-core): open the page, filter by status, open a commitment, read its timeline, follow an
// evidence link; hostile feed text shows as text and no script runs; the page reads on a phone.
// Every request the browser makes outside 127.0.0.1 is aborted. Needs /usr/bin/chromium: under CI=true
// its absence fails the run; elsewhere these tests are skipped with one line saying why.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_REASON, HOSTILE_TITLE, startTracker, type TrackerFixture } from './support/tracker.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const available = existsSync(CHROMIUM);
const required = process.env.CI === 'true';

if (!available && !required) console.warn(`web-browser tests skipped: no ${CHROMIUM} (apt-get install chromium); CI=true makes this a failure`);

describe.runIf(available || required)('the tracker page in Chromium', () => {
  let t: TrackerFixture;
  let publisher: Server;
  let publisherUrl: string;
  let context: BrowserContext;
  let profile: string;
  const outside: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (CI=true requires the browser tests)`);
    // A stand-in for the publisher an evidence link points to, on 127.0.0.1.
    publisher = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Consultation</title><h1>Consultation on penalties</h1>'),
    );
    await new Promise<void>((resolve) => publisher.listen(0, '127.0.0.1', resolve));
    publisherUrl = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}/consultations/penalties`;
    t = await startTracker({ hostile: true });
    await t.app.store.upsertSeedEvidence(
      'modern-slavery-penalties',
      { url: publisherUrl, title: 'Consultation on penalties', date: '2024-05-31' },
      '2024-05-31T09:00:00.000Z',
    );
    profile = mkdtempSync(join(tmpdir(), 'cw-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await t?.close();
    await new Promise<void>((resolve) => (publisher ? publisher.close(() => resolve()) : resolve()));
    if (profile) rmSync(profile, { recursive: true, force: true });
    expect(outside).toEqual([]);
  });

  const open = async (path = '', viewport = { width: 1100, height: 900 }): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const response = await page.goto(new URL(path, t.server.url).href);
    expect(response?.status()).toBe(200);
    return page;
  };

  it('open the page, filter by status, open a commitment, read its timeline, follow an evidence link', async () => {
    const page = await open();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('A Small Report on Things');
    expect(await page.getByRole('img', { name: /3 commitments by status/ }).count()).toBe(1);
    expect(await page.locator('figcaption').innerText()).toBe('3 commitments: 1 not started, 2 in progress.');
    expect(await page.locator('ol.commitments > li').count()).toBe(3);

    await page.getByLabel('Status', { exact: true }).selectOption('in-progress');
    await Promise.all([page.waitForURL(/status=in-progress/), page.getByRole('button', { name: 'Show commitments' }).click()]);
    const items = page.locator('ol.commitments > li');
    expect(await items.count()).toBe(2);
    expect(await page.getByRole('status').textContent()).toBe('Showing 1–2 of 2 commitments matching the filters.');

    await Promise.all([page.waitForURL(/\/commitments\/modern-slavery-penalties$/), page.getByRole('link', { name: /Financial penalties for breaches/ }).click()]);
    const timeline = page.locator('section:has(h2#timeline) ol > li');
    expect(await timeline.count()).toBe(3);
    expect(await timeline.nth(1).innerText()).toContain('Not started → Stalled');
    expect(await timeline.nth(1).innerText()).toContain('No bill was introduced in the following session.');
    expect(await timeline.nth(2).innerText()).toContain(HOSTILE_REASON);

    const evidence = page.locator('section:has(h2#evidence) li');
    expect(await evidence.first().innerText()).toContain('Consultation on penalties');
    await Promise.all([page.waitForURL(publisherUrl), evidence.first().getByRole('link').click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Consultation on penalties');
    await page.close();
  });

  it('shows a hostile feed title as text, and no script runs', async () => {
    const page = await open('commitments/modern-slavery-penalties');
    expect(await page.getByText(HOSTILE_TITLE, { exact: true }).count()).toBe(1);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('script, img').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    const feeds = await open('feeds');
    expect(await feeds.getByText(/HTTP 500 <script>window.__pwned=4<\/script>/).count()).toBe(1);
    expect(await feeds.evaluate('window.__pwned')).toBeUndefined();
    await page.close();
    await feeds.close();
  });

  it('has one h1, no skipped heading level, the four landmarks, and a skip link first in the tab order', async () => {
    for (const path of ['', 'commitments/modern-slavery-penalties', 'recommendations/3', 'feeds']) {
      const page = await open(path);
      const levels = await page.evaluate<number[]>("[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]))");
      expect(
        levels.filter((l) => l === 1),
        path,
      ).toHaveLength(1);
      expect(levels[0], path).toBe(1);
      for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `${path}: h${levels[i - 1]} then h${levels[i]}`).toBeLessThanOrEqual(1);
      for (const role of ['banner', 'navigation', 'main', 'contentinfo'] as const) expect(await page.getByRole(role).count(), `${path}: ${role}`).toBeGreaterThan(0);
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to the content' });
      // Focus and the fragment move as the browser handles the key: wait for them rather than read at once.
      await expect.poll(() => page.evaluate('document.activeElement?.textContent'), { message: path }).toBe('Skip to the content');
      const box = await skip.boundingBox();
      expect(box!.x, `${path}: the focused skip link is on screen`).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Enter');
      await page.waitForURL(/#main$/);
      await page.close();
    }
  });

  it('is styled under its Content-Security-Policy, tells status in words, and fits a phone', async () => {
    const page = await open('', { width: 375, height: 800 });
    // The stylesheet loaded despite the strict CSP: a badge has its colour (and its words).
    const badge = page.locator('ol.commitments .status').first();
    expect(
      await badge.evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor),
    ).toBe('rgb(29, 78, 216)');
    expect(await badge.innerText()).toMatch(/In progress$/);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const chart = await page.getByRole('img', { name: /commitments by status/ }).boundingBox();
    expect(chart!.width).toBeLessThanOrEqual(375);
    await page.close();
    // A commitment's page too: long source addresses in the timeline wrap instead of widening the page.
    for (const path of ['commitments/modern-slavery-penalties', 'recommendations/3', 'feeds']) {
      const other = await open(path, { width: 375, height: 800 });
      expect(await other.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), path).toBe(true);
      await other.close();
    }
  });
});
