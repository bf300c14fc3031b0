// What each page of the tracker shows, read through the query core and the stores, rendered to HTML.
// Used by the live server (routes.ts) and by the static export (site.ts) alike; knows nothing of HTTP.
import { performance } from 'node:perf_hooks';
import { commitmentJson } from '../cli/format.ts';
import type { FeedState } from '../feeds/feed-store.ts';
import type { ListOptions, RegisterQueries } from '../queries.ts';
import type { RegisterStore } from '../store/register-store.ts';
import { atomFeed } from './atom.ts';
import { renderDocument, type PageContext } from './layout.tsx';
import type { SiteLinks } from './links.ts';
import { listOptions, parseListQuery, type ListQuery } from './list-query.ts';
import { CommitmentPage } from './pages/commitment-page.tsx';
import { IndexPage } from './pages/index-page.tsx';
import { BadRequestPage, FeedsPage, NotFoundPage, RecommendationPage, WhichRecommendationPage } from './pages/other-pages.tsx';

export interface TrackerDeps {
  queries: RegisterQueries;
  store: RegisterStore;
  feeds: { listFeeds(): Promise<FeedState[]> };
}

export interface Rendered {
  status: 200 | 400 | 404;
  body: string;
}

const HEALTH_ORDER: Record<string, number> = { failing: 0, disabled: 1, healthy: 2 };

/** How long the filter form's choices are reused: they change only when seeds are applied. */
const FACETS_TTL_MS = 60_000;

export class Tracker {
  private facetsCache: { at: number; value: Promise<{ departments: string[]; themes: string[] }> } | undefined;

  constructor(private readonly deps: TrackerDeps) {}

  private facets(): Promise<{ departments: string[]; themes: string[] }> {
    const now = performance.now();
    if (!this.facetsCache || now - this.facetsCache.at > FACETS_TTL_MS) {
      const value = this.deps.store.facets();
      this.facetsCache = { at: now, value };
      void value.catch(() => (this.facetsCache = undefined));
    }
    return this.facetsCache.value;
  }

  async context(links: SiteLinks, isStatic = false): Promise<PageContext> {
    return { links, isStatic, registers: await this.deps.store.registers(), today: this.deps.queries.today() };
  }

  /** `/` (or a static list page): `raw` is the query string's fields. */
  async index(ctx: PageContext, raw: Record<string, string>): Promise<Rendered> {
    const parsed = parseListQuery(raw);
    if (!parsed.ok) return { status: 400, body: renderDocument(<BadRequestPage ctx={ctx} message={parsed.message} />) };
    const query: ListQuery = parsed.value;
    const { store, queries } = this.deps;
    const [facets, page, boards] = await Promise.all([
      ctx.isStatic ? { departments: [], themes: [] } : this.facets(),
      queries.list(listOptions(query)),
      // One register: count them all (the status index answers alone); several: a scoreboard each.
      Promise.all(
        ctx.registers.map(async (r) => ({ registerId: r.id, title: r.title, counts: await store.statusCounts(ctx.registers.length > 1 ? r.id : undefined) })),
      ),
    ]);
    return { status: 200, body: renderDocument(<IndexPage ctx={ctx} boards={boards} query={query} facets={facets} page={page} />) };
  }

  async commitment(ctx: PageContext, id: string): Promise<Rendered> {
    const { queries, store } = this.deps;
    const found = await queries.history(id);
    if (!found.ok) return this.notFound(ctx, found.error.message, found.error.suggestions);
    const c = found.value.commitment;
    const [evidence, recommendations, documents] = await Promise.all([
      queries.evidence(c.id),
      Promise.all(c.recommendations.map((n) => store.getRecommendation(n, c.registerId))),
      store.documents(c.registerId),
    ]);
    const doc = documents.find((d) => d.id === c.madeIn);
    const page = (
      <CommitmentPage
        ctx={ctx}
        c={c}
        history={found.value.history}
        evidence={evidence.ok ? evidence.value.evidence : []}
        recommendations={recommendations.filter((r) => r !== undefined)}
        madeIn={doc ? { title: doc.title, url: doc.url } : undefined}
      />
    );
    return { status: 200, body: renderDocument(page) };
  }

  /** `/recommendations/<n>` (register undefined) or `/registers/<register>/recommendations/<n>`. */
  async recommendation(ctx: PageContext, rawNumber: string, register?: string): Promise<Rendered> {
    const number = /^\d{1,6}$/.test(rawNumber) ? Number(rawNumber) : NaN;
    if (!Number.isInteger(number) || number < 1) return this.notFound(ctx, `“${rawNumber}” is not a recommendation number.`, []);
    if (register !== undefined && !ctx.registers.some((r) => r.id === register)) return this.notFound(ctx, `There is no register “${register}”.`, []);
    if (register === undefined && ctx.registers.length > 1) {
      const choices = (await this.deps.queries.recommendations()).filter((r) => r.number === number);
      if (choices.length > 1) return { status: 200, body: renderDocument(<WhichRecommendationPage ctx={ctx} number={number} choices={choices} />) };
    }
    const found = await this.deps.queries.recommendation(number, register);
    if (!found.ok) return this.notFound(ctx, `${found.error.message[0]?.toUpperCase()}${found.error.message.slice(1)}.`, []);
    const r = found.value;
    const { items } = await this.deps.store.listCommitments({ ids: r.commitments }, { offset: 0, limit: Math.max(r.commitments.length, 1) });
    const byId = new Map(items.map((c) => [c.id, c]));
    const commitments = r.commitments.map((id) => byId.get(id)).filter((c) => c !== undefined);
    return { status: 200, body: renderDocument(<RecommendationPage ctx={ctx} r={r} commitments={commitments} />) };
  }

  async feeds(ctx: PageContext): Promise<Rendered> {
    const feeds = await this.deps.feeds.listFeeds();
    feeds.sort((a, b) => (HEALTH_ORDER[a.health] ?? 3) - (HEALTH_ORDER[b.health] ?? 3) || a.id.localeCompare(b.id));
    return { status: 200, body: renderDocument(<FeedsPage ctx={ctx} feeds={feeds} />) };
  }

  async notFound(ctx: PageContext, message: string, suggestionIds: string[]): Promise<Rendered> {
    const { items } = suggestionIds.length
      ? await this.deps.store.listCommitments({ ids: suggestionIds }, { offset: 0, limit: suggestionIds.length })
      : { items: [] };
    const titles = new Map(items.map((c) => [c.id, c.title]));
    const suggestions = suggestionIds.map((id) => ({ id, title: titles.get(id) ?? id }));
    return { status: 404, body: renderDocument(<NotFoundPage ctx={ctx} message={message} suggestions={suggestions} />) };
  }

  /** For the static export: what there is to write. */
  async listTotal(): Promise<{ total: number }> {
    return { total: (await this.deps.queries.list({ pageSize: 1 })).total };
  }

  commitmentIds(): Promise<string[]> {
    return this.deps.store.commitmentIds();
  }

  async recommendationKeys(): Promise<{ registerId: string; number: number }[]> {
    return (await this.deps.queries.recommendations()).map((r) => ({ registerId: r.registerId, number: r.number }));
  }

  atom(links: SiteLinks, now: Date): Promise<string> {
    return atomFeed(this.deps.store, links, now);
  }

  /** `/api/commitments.json`: what `list --json` prints (every match; the list page's filters apply). */
  async apiList(raw: Record<string, string>): Promise<{ status: 200 | 400; body: unknown }> {
    const parsed = parseListQuery(raw);
    if (!parsed.ok) return { status: 400, body: { error: parsed.message } };
    const options: ListOptions = { ...listOptions(parsed.value, 100), page: 1 };
    let page = await this.deps.queries.list(options);
    const items = [...page.items];
    while (page.page < page.pages) {
      page = await this.deps.queries.list({ ...options, page: page.page + 1 });
      items.push(...page.items);
    }
    return { status: 200, body: items.map(commitmentJson) };
  }

  /** `/api/commitments/<id>.json`: what `show <id> --json` prints. */
  async apiCommitment(id: string): Promise<{ status: 200 | 404; body: unknown }> {
    const found = await this.deps.queries.show(id);
    if (!found.ok) return { status: 404, body: { error: found.error.message, suggestions: found.error.suggestions } };
    return { status: 200, body: commitmentJson(found.value) };
  }
}
