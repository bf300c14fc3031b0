// `/`: the scoreboard of each register (chart and words), then every commitment, filtered by a plain GET
// form that works without JavaScript, fifty to a page.
import { openForText, POSITIONS, STATUSES, type Status } from '../../domain.ts';
import type { CommitmentSummary, ListPage } from '../../queries.ts';
import { countsInWords, ScoreboardChart } from '../chart.tsx';
import { Layout, multipleRegisters, registerTitle, SITE_NAME, StatusBadge, type PageContext } from '../layout.tsx';
import { isFiltered, queryFor, type ListQuery } from '../list-query.ts';
import { POSITION_LABEL, STATUS_STYLE } from '../status.ts';

export interface Scoreboard {
  registerId: string;
  title: string;
  counts: Record<Status, number>;
}

export interface IndexPageProps {
  ctx: PageContext;
  boards: Scoreboard[];
  query: ListQuery;
  facets: { departments: string[]; themes: string[] };
  page: ListPage;
}

export function IndexPage({ ctx, boards, query, facets, page }: IndexPageProps) {
  const single = !multipleRegisters(ctx);
  const heading = single && ctx.registers[0] ? ctx.registers[0].title : 'The Government’s commitments';
  return (
    <Layout ctx={ctx} title={SITE_NAME}>
      <h1>{heading}</h1>
      {single && ctx.registers[0] ? <p>Undertakings the Government made in answer to the {ctx.registers[0].committee}, and where each stands.</p> : null}
      {boards.map((b, i) => (
        <section aria-labelledby={`board-${i}`}>
          <h2 id={`board-${i}`}>{single ? 'Scoreboard' : `Scoreboard: ${b.title}`}</h2>
          <figure>
            <ScoreboardChart id={`chart-${i}`} counts={b.counts} title={`${total(b.counts)} commitments by status`} />
            <figcaption>
              <p>{countsInWords(b.counts)}</p>
            </figcaption>
          </figure>
          <ul class="counts">
            {STATUSES.map((s) => (
              <li>
                {ctx.isStatic ? (
                  `${STATUS_STYLE[s].label}: ${b.counts[s]}`
                ) : (
                  <a href={ctx.links.home(queryFor({ status: s, register: single ? undefined : b.registerId }))}>
                    {STATUS_STYLE[s].label}: {String(b.counts[s])}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Commitments</h2>
        {ctx.isStatic ? null : <FilterForm ctx={ctx} query={query} facets={facets} />}
        <p role="status">{summary(page, isFiltered(query))}</p>
        <ol class="commitments" start={(page.page - 1) * page.pageSize + 1}>
          {page.items.map((c) => (
            <CommitmentItem ctx={ctx} c={c} />
          ))}
        </ol>
        <Pager ctx={ctx} query={query} page={page} />
      </section>
    </Layout>
  );
}

const total = (counts: Record<Status, number>) => STATUSES.reduce((n, s) => n + counts[s], 0);

function summary(page: ListPage, filtered: boolean): string {
  if (page.total === 0) return filtered ? 'No commitment matches these filters.' : 'No commitments are loaded.';
  const first = (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  if (first > page.total) return `There are only ${page.pages} page${page.pages === 1 ? '' : 's'} of ${page.total} commitments.`;
  return `Showing ${first}–${last} of ${page.total} commitment${page.total === 1 ? '' : 's'}${filtered ? ' matching the filters' : ''}.`;
}

function FilterForm({ ctx, query, facets }: Pick<IndexPageProps, 'ctx' | 'query' | 'facets'>) {
  const option = (value: string, label: string, selected: string | undefined) => (
    <option value={value} selected={value === selected}>
      {label}
    </option>
  );
  return (
    <form class="filters" method="get" action={ctx.links.home()} role="search" aria-label="Filter commitments">
      <div>
        <label for="f-q">Words</label>
        <input id="f-q" name="q" type="search" value={query.q ?? ''} maxlength={200} />
      </div>
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          {option('', 'Any status', query.status)}
          {STATUSES.map((s) => option(s, STATUS_STYLE[s].label, query.status))}
        </select>
      </div>
      <div>
        <label for="f-department">Department</label>
        <select id="f-department" name="department">
          {option('', 'Any department', query.department)}
          {facets.departments.map((d) => option(d, d, query.department))}
        </select>
      </div>
      <div>
        <label for="f-theme">Theme</label>
        <select id="f-theme" name="theme">
          {option('', 'Any theme', query.theme)}
          {facets.themes.map((t) => option(t, t, query.theme))}
        </select>
      </div>
      <div>
        <label for="f-position">Government’s position</label>
        <select id="f-position" name="position">
          {option('', 'Any position', query.position)}
          {POSITIONS.map((p) => option(p, POSITION_LABEL[p], query.position))}
        </select>
      </div>
      {multipleRegisters(ctx) ? (
        <div>
          <label for="f-register">Register</label>
          <select id="f-register" name="register">
            {option('', 'Every register', query.register)}
            {ctx.registers.map((r) => option(r.id, r.title, query.register))}
          </select>
        </div>
      ) : null}
      <div>
        <button type="submit">Show commitments</button>
      </div>
      {isFiltered(query) ? (
        <p>
          <a href={ctx.links.home()}>Clear the filters</a>
        </p>
      ) : null}
    </form>
  );
}

export function CommitmentItem({ ctx, c }: { ctx: PageContext; c: CommitmentSummary }) {
  return (
    <li>
      <h3>
        <a href={ctx.links.commitment(c.id)}>{c.title}</a>
      </h3>
      <p class="meta">
        <StatusBadge status={c.status} />
        <span>{c.department}</span>
        {c.overdue ? <span class="overdue">Overdue (deadline {c.deadlineDate})</span> : c.deadlineDate ? <span>Deadline {c.deadlineDate}</span> : null}
        {!c.deadlineDate && c.openDays !== null ? <span>No date given; open {openForText(c.openDays)}</span> : null}
        {multipleRegisters(ctx) ? <span>Register: {registerTitle(ctx, c.registerId)}</span> : null}
        <span class="id">{c.id}</span>
      </p>
    </li>
  );
}

function Pager({ ctx, query, page }: Pick<IndexPageProps, 'ctx' | 'query' | 'page'>) {
  const href = (n: number) => (ctx.isStatic ? ctx.links.listPage(n) : ctx.links.home(queryFor(query, n)));
  if (page.page > page.pages)
    return (
      <nav class="pager" aria-label="Pages">
        <a href={href(page.pages)}>{page.pages === 1 ? 'The list' : `The last page (${page.pages})`}</a>
      </nav>
    );
  if (page.pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {page.page > 1 ? (
        <a href={href(page.page - 1)} rel="prev">
          ← Previous page
        </a>
      ) : null}
      <span>
        Page {String(page.page)} of {String(page.pages)}
      </span>
      {page.page < page.pages ? (
        <a href={href(page.page + 1)} rel="next">
          Next page →
        </a>
      ) : null}
    </nav>
  );
}
