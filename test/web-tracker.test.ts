// The tracker page over HTTP, as a browser or a script sees it: a real server on 127.0.0.1 (ephemeral
// port), the mini register, and hostile text planted where feeds put it.
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from './support/register.ts';
import { bigRegisterSeeds, HOSTILE_REASON, HOSTILE_TITLE, removeDir, startTracker, twoRegisterSeeds, type TrackerFixture } from './support/tracker.ts';

let t: TrackerFixture | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) removeDir(d);
});

const page = async (path: string) => {
  const r = await t!.get(path);
  return { status: r.status, html: await r.text(), headers: r.headers };
};
/** The commitment ids listed on a list page, in order. */
const listed = (html: string) => [...html.matchAll(/<li><h3><a href="commitments\/([^"]+)"/g)].map((m) => m[1]);

describe('/', () => {
  it('shows the scoreboard as a chart and in words, then every commitment with its status in words', async () => {
    t = await startTracker();
    const { status, html, headers } = await page('/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect(html).toContain('<title id="chart-0-title">3 commitments by status</title>');
    expect(html).toContain('<p>3 commitments: 1 not started, 1 in progress, 1 stalled.</p>');
    expect(html).not.toMatch(/<script/i);
    expect(listed(html)).toEqual(['report-export-controls-review', 'modern-slavery-penalties', 'trade-envoy-training']);
    expect(html).toContain('Stalled</span>');
    expect(html).toContain('Overdue (deadline 2022-12-31)');
    expect(html).toContain('Showing 1–3 of 3 commitments.');
  });

  it('filters by status, department, theme, position and words with a plain GET form', async () => {
    t = await startTracker();
    const { html } = await page('/');
    for (const name of ['q', 'status', 'department', 'theme', 'position']) expect(html).toMatch(new RegExp(`<label for="f-${name}">[^<]+</label>`));
    expect(html).toContain('<form class="filters" method="get" action="./"');
    expect(listed((await page('/?status=stalled')).html)).toEqual(['modern-slavery-penalties']);
    expect(listed((await page('/?department=Home+Office')).html)).toEqual(['modern-slavery-penalties']);
    expect(listed((await page('/?theme=Trade')).html)).toEqual(['report-export-controls-review', 'trade-envoy-training']);
    expect(listed((await page('/?position=not-accepted')).html)).toEqual(['trade-envoy-training']);
    expect(listed((await page('/?q=penalties')).html)).toEqual(['modern-slavery-penalties']);
    const none = await page('/?q=penalties&status=delivered');
    expect(listed(none.html)).toEqual([]);
    expect(none.html).toContain('No commitment matches these filters.');
    expect((await page('/?status=stalled')).html).toContain('<option value="stalled" selected="">Stalled</option>');
  });

  it('refuses a value no form offers, naming the field', async () => {
    t = await startTracker();
    const bad = await page('/?status=%3Cscript%3E&page=0');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('status must be one of not-started');
    expect(bad.html).toContain('page must be 1 or more');
    expect(bad.html).not.toContain('<script>');
  });

  it('refuses a field given twice instead of silently using one of the values', async () => {
    t = await startTracker();
    const twice = await page('/?status=stalled&status=delivered');
    expect(twice.status).toBe(400);
    expect(twice.html).toContain('status is given more than once');
    const api = await t.get('/api/commitments.json?page=1&page=2');
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: 'page is given more than once: give one' });
    // Fields the list does not know are ignored, given once or twice.
    expect((await page('/?utm_source=a&utm_source=b')).status).toBe(200);
  });

  it('pages fifty at a time, keeping the filters', async () => {
    const seeds = bigRegisterSeeds(120);
    dirs.push(seeds);
    t = await startTracker({ seedsDir: seeds });
    const first = await page('/');
    expect(listed(first.html)).toHaveLength(50);
    expect(first.html).toContain('Showing 1–50 of 120 commitments.');
    expect(first.html).toContain('<a href="./?page=2" rel="next">');
    const third = await page('/?page=3');
    expect(listed(third.html)).toHaveLength(20);
    expect(listed(third.html)[0]).toBe('made-up-101');
    // Past the last page: 404, saying how many there are, with a link to the last one (not to page 99,998).
    const past = await page('/?status=delivered&page=99999');
    expect(past.status).toBe(404);
    expect(past.html).toContain('There are only 1 page of 40 commitments.');
    expect(past.html).toContain('<a href="./?status=delivered">The list</a>');
    expect(past.html).not.toContain('99998');
    expect((await page('/?page=4')).html).toContain('<a href="./?page=3">The last page (3)</a>');
    for (const odd of ['1e1', '0x2', '2.0', '+2']) expect((await page(`/?page=${encodeURIComponent(odd)}`)).html, odd).toContain('page must be a page number');
    expect((await page(`/?page=${'9'.repeat(400)}`)).html).toContain('page is too large');
    const filtered = await page('/?status=delivered&page=1');
    expect(filtered.html).toContain('Showing 1–40 of 40 commitments matching the filters.');
  });
});

describe('/commitments/<id>', () => {
  it('shows the words, status, positions, deadline, the timeline with reasons and sources, and evidence newest first', async () => {
    t = await startTracker({ hostile: true });
    const { status, html } = await page('/commitments/modern-slavery-penalties');
    expect(status).toBe(200);
    expect(html).toContain('<h1 id="title">Financial penalties for breaches of the Modern Slavery Act transparency duty</h1>');
    expect(html).toContain('We will introduce these measures as soon as Parliamentary time allows.');
    expect(html).toContain('In progress</span>');
    expect(html).toContain('<a href="../recommendations/3">Recommendation 3: Slavery</a>');
    expect(html).toMatch(/position: <strong>accepted<\/strong>/);
    const timeline = html.slice(html.indexOf('id="timeline"'), html.indexOf('id="evidence"'));
    expect(timeline.indexOf('recorded as <strong>Not started')).toBeLessThan(timeline.indexOf('Not started → <strong>Stalled'));
    expect(timeline).toContain('No bill was introduced in the following session.');
    expect(timeline).toContain('<a href="https://example.org/no-bill" rel="nofollow noopener noreferrer">https://example.org/no-bill</a>');
    const evidence = html.slice(html.indexOf('id="evidence"'));
    expect(evidence.indexOf('A link that is not a web address')).toBeLessThan(evidence.indexOf('Penalties &quot;consultation&quot;'));
  });

  it('shows hostile text from feeds as text: no markup, no script, no javascript: link', async () => {
    t = await startTracker({ hostile: true });
    const { html } = await page('/commitments/modern-slavery-penalties');
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;Penalties &quot;consultation&quot; &amp; &lt;b&gt;more&lt;/b&gt;');
    expect(html).toContain('Bill published &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
    expect(html).not.toContain(HOSTILE_TITLE);
    expect(html).not.toContain(HOSTILE_REASON);
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
    const feeds = await page('/feeds');
    expect(feeds.html).toContain('HTTP 500 &lt;script&gt;');
    expect(feeds.html).not.toMatch(/<script/i);
  });

  it('answers an unknown id with 404 and the closest ids, as the CLI does', async () => {
    t = await startTracker();
    const { status, html } = await page('/commitments/modern-slavery');
    expect(status).toBe(404);
    expect(html).toContain('no commitment has the id &quot;modern-slavery&quot;');
    expect(html).toContain('<a href="../commitments/modern-slavery-penalties">Financial penalties');
    expect((await page('/no/such/page')).status).toBe(404);
  });
});

describe('read-only', () => {
  it('answers 405 to anything but GET and HEAD, and HEAD without a body', async () => {
    t = await startTracker();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await t.get('/', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      await r.body?.cancel();
    }
    const head = await t.get('/commitments/modern-slavery-penalties', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('/healthz answers while the store does', async () => {
    t = await startTracker();
    const r = await t.get('/healthz');
    expect(await r.json()).toEqual({ status: 'ok', registers: 1 });
  });
});

describe('/api', () => {
  it('answers with the same JSON as the CLI’s list --json and show --json', async () => {
    t = await startTracker();
    const list = await (await t.get('/api/commitments.json')).json();
    expect(list).toEqual((await cli(['list', '--json'])).json());
    const one = await (await t.get('/api/commitments/modern-slavery-penalties.json')).json();
    expect(one).toEqual((await cli(['show', 'modern-slavery-penalties', '--json'])).json());
    expect(await (await t.get('/api/commitments.json?status=stalled')).json()).toEqual((await cli(['list', '--status', 'stalled', '--json'])).json());
    const missing = await t.get('/api/commitments/modern-slavery.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ suggestions: expect.arrayContaining(['modern-slavery-penalties']) });
  });
});

describe('recommendations and registers', () => {
  it('/recommendations/<n> shows the Committee’s text, the answer, the position and the commitments it produced', async () => {
    t = await startTracker();
    const { html } = await page('/recommendations/2');
    expect(html).toContain('The Government should ban imports made with forced labour.');
    expect(html).toContain('printed under recommendation 1');
    expect(html).toContain('The Department is reviewing export controls.');
    expect(html).toContain('<strong>Not accepted</strong>');
    expect(html).toContain('<a href="../commitments/trade-envoy-training">One-day forced labour training course for trade envoys</a>');
    expect((await page('/recommendations/99')).status).toBe(404);
  });

  it('with two registers: a scoreboard each, the register named, and register-aware recommendation URLs', async () => {
    const seeds = twoRegisterSeeds();
    dirs.push(seeds);
    t = await startTracker({ seedsDir: seeds });
    const home = await page('/');
    expect(home.html).toContain('Scoreboard: A Small Report on Things');
    expect(home.html).toContain('Scoreboard: Another Report');
    expect(home.html).toContain('<span>Register: Another Report</span>');
    expect(listed((await page('/?register=other')).html)).toEqual(['publish-the-plan']);
    const nowhere = await page('/?register=nowhere');
    expect(nowhere.status).toBe(400);
    expect(nowhere.html).toContain('register must be one of mini, other');
    expect((await t.get('/api/commitments.json?register=nowhere')).status).toBe(400);
    const c = await page('/commitments/publish-the-plan');
    expect(c.html).toContain('<dt>Register</dt><dd>Another Report</dd>');
    expect(c.html).toContain('href="../registers/other/recommendations/1"');
    const which = await page('/recommendations/1');
    expect(which.html).toContain('<a href="../registers/mini/recommendations/1">');
    expect(which.html).toContain('<a href="../registers/other/recommendations/1">');
    expect((await page('/registers/other/recommendations/1')).html).toContain('We will publish a plan.');
    // A number only one register has is served at the short address.
    expect((await page('/recommendations/3')).html).toContain('introduce financial penalties');
    expect((await page('/registers/nowhere/recommendations/1')).status).toBe(404);
  });
});
