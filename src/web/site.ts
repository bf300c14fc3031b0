// `commitment-watch site --out DIR`: the tracker as static files with relative links (index.html, a page
// per commitment and recommendation, feeds.html, feed.atom, the JSON API and style.css), to host anywhere
// without the bot. The pages are the live site's, rendered with `.html` links and without the filter form.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { absoluteLinks, siteLinks } from './links.ts';
import { PAGE_SIZE } from './list-query.ts';
import { STYLESHEET } from './style.ts';
import type { Tracker } from './tracker.tsx';

export interface SiteSummary {
  out: string;
  files: number;
  commitments: number;
  recommendations: number;
}

export async function writeSite(tracker: Tracker, out: string, options: { now: Date; publicUrl?: string | undefined }): Promise<SiteSummary> {
  let files = 0;
  const write = async (path: string, body: string) => {
    const file = join(out, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, body);
    files++;
  };
  const at = (depth: number) => tracker.context(siteLinks({ depth, static: true }), true);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  const home = await at(0);
  const first = await tracker.index(home, {});
  await write('index.html', first.body);
  const { total } = await tracker.listTotal();
  for (let n = 2; n <= Math.ceil(total / PAGE_SIZE); n++) await write(`pages/${n}.html`, (await tracker.index(await at(1), { page: String(n) })).body);

  const ids = await tracker.commitmentIds();
  for (const id of ids) {
    await write(`commitments/${id}.html`, (await tracker.commitment(await at(1), id)).body);
    await write(`api/commitments/${id}.json`, json((await tracker.apiCommitment(id)).body));
  }
  const recommendations = await tracker.recommendationKeys();
  const many = home.registers.length > 1;
  for (const r of recommendations) {
    if (many)
      await write(`registers/${r.registerId}/recommendations/${r.number}.html`, (await tracker.recommendation(await at(3), String(r.number), r.registerId)).body);
  }
  for (const n of new Set(recommendations.map((r) => r.number)))
    await write(`recommendations/${n}.html`, (await tracker.recommendation(await at(1), String(n))).body);

  await write('feeds.html', (await tracker.feeds(home)).body);
  const feedLinks = options.publicUrl ? absoluteLinks(options.publicUrl, true) : siteLinks({ depth: 0, static: true });
  await write('feed.atom', await tracker.atom(feedLinks, options.now));
  await write('api/commitments.json', json((await tracker.apiList({})).body));
  await write('style.css', STYLESHEET);
  return { out, files, commitments: ids.length, recommendations: recommendations.length };
}
