// The Atom feed read by real feed parsers, the static export with every relative link resolving, and the
// tracker's settings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAtomFeed } from 'feedsmith';
import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { startTrackerServer, webServiceStarter } from '../src/web/server.ts';
import { cli, tempDir } from './support/register.ts';
import { HOSTILE_TITLE, removeDir, startTracker, twoRegisterSeeds, type TrackerFixture } from './support/tracker.ts';

const fixtures: TrackerFixture[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
  for (const d of dirs.splice(0)) removeDir(d);
});
const tracker = async (hostile = true) => {
  const f = await startTracker({ hostile });
  fixtures.push(f);
  return f;
};

describe('/feed.atom', () => {
  it('is an Atom feed that rss-parser and feedsmith read: stable ids, updated times, links to the pages', async () => {
    const t = await tracker();
    const r = await t.get('/feed.atom');
    expect(r.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await r.text();
    const atom = parseAtomFeed(xml);
    const entries = atom.entries ?? [];
    // One status change (the seed's initial statuses are not changes), the seed's stalled move, two evidence items.
    expect(entries.map((e) => e.title?.value?.trim())).toEqual([
      'Financial penalties for breaches of the Modern Slavery Act transparency duty: Stalled → In progress',
      'New evidence for Financial penalties for breaches of the Modern Slavery Act transparency duty: A link that is not a web address',
      `New evidence for Financial penalties for breaches of the Modern Slavery Act transparency duty: ${HOSTILE_TITLE}`,
      'Financial penalties for breaches of the Modern Slavery Act transparency duty: Not started → Stalled',
    ]);
    for (const e of entries) {
      expect(e.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(String(e.updated)))).toBe(false);
      const alternate = e.links?.find((l) => l.rel === 'alternate');
      expect(alternate?.href).toMatch(/^commitments\/modern-slavery-penalties#(timeline|evidence)$/);
      const target = await t.get(alternate!.href!.replace(/#.*/, ''));
      expect(target.status).toBe(200);
      await target.body?.cancel();
    }
    expect(entries[0]!.updated).toBe('2024-05-30T10:00:00.000Z');
    expect(entries[2]!.links?.find((l) => l.rel === 'related')?.href).toBe('https://www.gov.uk/government/consultations/penalties');
    expect(entries[1]!.links?.some((l) => l.href?.startsWith('javascript:'))).toBe(false);

    const rss = await new Parser().parseString(xml);
    expect(rss.items).toHaveLength(4);
    expect(rss.items[2]!.title?.trim()).toContain(HOSTILE_TITLE);
    expect(rss.items.every((i) => i.id && i.link)).toBe(true);

    // A reader polling an unchanged feed gets 304 Not Modified; any site's script may read it.
    const tag = r.headers.get('etag');
    expect(tag).toBeTruthy();
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const unchanged = await t.get('/feed.atom', { headers: { 'If-None-Match': tag! } });
    expect(unchanged.status).toBe(304);

    // The same data in another store gives the same ids: a feed reader never sees an entry twice.
    const again = await tracker();
    const ids = (parseAtomFeed(await (await again.get('/feed.atom')).text()).entries ?? []).map((e) => e.id);
    expect(ids).toEqual(entries.map((e) => e.id));
  });

  it('links to the pages by PUBLIC_URL when it is set', async () => {
    const t = await startTracker({ hostile: true, publicUrl: 'https://tracker.example.org/watch' });
    fixtures.push(t);
    const atom = parseAtomFeed(await (await t.get('/feed.atom')).text());
    expect(atom.links?.find((l) => l.rel === 'self')?.href).toBe('https://tracker.example.org/watch/feed.atom');
    expect(atom.entries?.[0]?.links?.[0]?.href).toBe('https://tracker.example.org/watch/commitments/modern-slavery-penalties#timeline');
  });
});

describe('commitment-watch site --out DIR', () => {
  it('writes the pages as static files whose relative links all resolve, with the JSON and the Atom feed', async () => {
    const out = tempDir('cw-site-');
    dirs.push(out);
    const r = await cli(['site', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote 14 files to ${out}: 3 commitment pages, 3 recommendation pages`);
    for (const f of [
      'index.html',
      'commitments/modern-slavery-penalties.html',
      'recommendations/2.html',
      'feeds.html',
      'feed.atom',
      'style.css',
      'api/commitments.json',
      'api/commitments/trade-envoy-training.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(brokenLinks(out)).toEqual({ broken: [], checked: expect.any(Number) });
    expect(brokenLinks(out).checked).toBeGreaterThan(50);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('<form');
    const list = JSON.parse(readFileSync(join(out, 'api/commitments.json'), 'utf8')) as unknown;
    expect(list).toEqual((await cli(['list', '--json'])).json());
    expect(parseAtomFeed(readFileSync(join(out, 'feed.atom'), 'utf8')).entries?.[0]?.links?.[0]?.href).toBe('commitments/modern-slavery-penalties.html#timeline');
  });

  it('with two registers: a recommendation page per register, and the short address says which', async () => {
    const out = tempDir('cw-site-');
    const seeds = twoRegisterSeeds();
    dirs.push(out, seeds);
    expect((await cli(['site', '--out', out], { seedsDir: seeds })).code).toBe(0);
    expect(brokenLinks(out).broken).toEqual([]);
    expect(readFileSync(join(out, 'registers/other/recommendations/1.html'), 'utf8')).toContain('We will publish a plan.');
    expect(readFileSync(join(out, 'recommendations/1.html'), 'utf8')).toContain('<a href="../registers/mini/recommendations/1.html">');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Scoreboard: Another Report');
  });

  it('needs --out', async () => {
    const r = await cli(['site']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("required option '--out <dir>' not specified");
  });
});

/** Every relative href and action of every page that does not lead to a file of the export. */
function brokenLinks(out: string): { broken: string[]; checked: number } {
  const broken: string[] = [];
  let checked = 0;
  for (const file of files(out).filter((f) => f.endsWith('.html'))) {
    for (const [, raw] of readFileSync(file, 'utf8').matchAll(/(?:href|action)="([^"]*)"/g)) {
      const href = raw!.replaceAll('&amp;', '&');
      if (/^(https?:|#)/.test(href)) continue;
      const target = resolve(dirname(file), href.replace(/[#?].*$/, ''));
      if (href.startsWith('/') || !existsSync(target) || !statSync(target).isFile()) broken.push(`${relative(out, file)} → ${href}`);
      checked++;
    }
  }
  return { broken, checked };
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));

describe('settings', () => {
  it('WEB_PORT, WEB_HOST and PUBLIC_URL: defaults, off, and bad values named with what was expected', () => {
    const ok = loadConfig({});
    expect(ok.ok && ok.value.web).toEqual({ port: 8080, host: '127.0.0.1' });
    const off = loadConfig({ WEB_PORT: 'off', PUBLIC_URL: 'https://tracker.example.org/' });
    expect(off.ok && off.value.web).toBeNull();
    expect(off.ok && off.value.publicUrl).toBe('https://tracker.example.org');
    const bad = loadConfig({ WEB_PORT: '70000', WEB_HOST: 'a host', PUBLIC_URL: 'ftp://x' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toEqual([
      'WEB_PORT: expected a port number from 0 to 65535, or off',
      'WEB_HOST: expected a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0',
      'PUBLIC_URL: expected the http(s) address the tracker page is published at, such as https://tracker.example.org (no query or fragment)',
    ]);
  });

  it('a port already taken is reported and the bot carries on without the page', async () => {
    const t = await tracker(false);
    const taken = Number(new URL(t.server.url).port);
    await expect(startTrackerServer(t.app, { port: taken, host: '127.0.0.1', clock: t.app.clock, logger: silentLogger })).rejects.toThrow(/EADDRINUSE/);
    const lines: string[] = [];
    const config = { ...t.app.config, web: { port: taken, host: '127.0.0.1' } };
    const service = await webServiceStarter({ ...t.app, config }, { config, clock: t.app.clock, logger: silentLogger, write: (l) => lines.push(l) });
    expect(lines).toEqual([expect.stringMatching(/^Tracker page: not served \(.*EADDRINUSE.*\); set WEB_PORT to a free port, or off\.$/)]);
    await service.stop();
  });
});
