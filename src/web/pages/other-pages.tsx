// `/recommendations/<n>`, `/feeds`, and the pages for what is not there.
import type { FeedState } from '../../feeds/feed-store.ts';
import type { CommitmentRow, RecommendationRow } from '../../store/register-store.ts';
import { Layout, multipleRegisters, registerTitle, StatusBadge, type PageContext } from '../layout.tsx';
import { POSITION_LABEL } from '../status.ts';

export function RecommendationPage({
  ctx,
  r,
  commitments,
}: {
  ctx: PageContext;
  r: RecommendationRow;
  commitments: Pick<CommitmentRow, 'id' | 'title' | 'status'>[];
}) {
  return (
    <Layout ctx={ctx} title={`Recommendation ${r.number}`}>
      <nav aria-label="Breadcrumb">
        <a href={ctx.links.home()}>All commitments</a>
      </nav>
      <article aria-labelledby="title">
        <h1 id="title">
          Recommendation {String(r.number)}: {r.theme}
        </h1>
        {multipleRegisters(ctx) ? <p>Register: {registerTitle(ctx, r.registerId)}</p> : null}
        <section aria-labelledby="recommended">
          <h2 id="recommended">The Committee recommended</h2>
          <blockquote>
            <p>{r.text}</p>
          </blockquote>
        </section>
        <section aria-labelledby="answered">
          <h2 id="answered">The Government answered</h2>
          {r.responseSameAs ? <p>One answer covers several recommendations; it is printed under recommendation {String(r.responseSameAs)}.</p> : null}
          <blockquote>
            <p>{r.response}</p>
          </blockquote>
          <p>
            Position: <strong>{POSITION_LABEL[r.position]}</strong>. {r.rationale}
          </p>
          <p>Departments: {r.departments.join(', ')}</p>
        </section>
        <section aria-labelledby="produced">
          <h2 id="produced">Commitments it produced</h2>
          {commitments.length === 0 ? <p>None.</p> : null}
          <ul>
            {commitments.map((c) => (
              <li>
                <a href={ctx.links.commitment(c.id)}>{c.title}</a> <StatusBadge status={c.status} />
              </li>
            ))}
          </ul>
        </section>
      </article>
    </Layout>
  );
}

/** `/recommendations/<n>` when several registers have a recommendation n: which one? */
export function WhichRecommendationPage({ ctx, number, choices }: { ctx: PageContext; number: number; choices: RecommendationRow[] }) {
  return (
    <Layout ctx={ctx} title={`Recommendation ${number}`}>
      <h1>Recommendation {String(number)}</h1>
      <p>More than one register has a recommendation {String(number)}:</p>
      <ul>
        {choices.map((r) => (
          <li>
            <a href={ctx.links.recommendation(r.number, r.registerId)}>
              {registerTitle(ctx, r.registerId)}: {r.theme}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

const HEALTH_LABEL: Record<string, string> = { healthy: '✓ Healthy', failing: '! Failing', disabled: '✗ Disabled' };

export function FeedsPage({ ctx, feeds }: { ctx: PageContext; feeds: FeedState[] }) {
  return (
    <Layout ctx={ctx} title="Feeds">
      <h1>The feeds the bot watches</h1>
      <p>Failing and disabled feeds first. A failing feed is tried again with growing pauses, and disabled after ten failures in a row.</p>
      {feeds.length === 0 ? (
        <p>No feeds yet: the bot has not read its feed list.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>Health of every feed, failing first</caption>
            <thead>
              <tr>
                <th scope="col">Feed</th>
                <th scope="col">Health</th>
                <th scope="col">Last success</th>
                <th scope="col">Failures in a row</th>
              </tr>
            </thead>
            <tbody>
              {feeds.map((f) => (
                <tr>
                  <th scope="row">
                    {f.id}
                    <br />
                    <span class="id">{f.url}</span>
                  </th>
                  <td>
                    <strong>{HEALTH_LABEL[f.health] ?? f.health}</strong>
                    {f.healthReason ? <p>{f.healthReason}</p> : null}
                    {!f.lastAttemptAt ? <p>Not polled yet.</p> : null}
                  </td>
                  <td>{f.lastSuccessAt ? <time datetime={f.lastSuccessAt}>{f.lastSuccessAt.slice(0, 16).replace('T', ' ')}</time> : 'never'}</td>
                  <td>{String(f.consecutiveFailures)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function NotFoundPage({ ctx, message, suggestions }: { ctx: PageContext; message: string; suggestions: { id: string; title: string }[] }) {
  return (
    <Layout ctx={ctx} title="Not found">
      <h1>Not found</h1>
      <p>{message}</p>
      {suggestions.length ? (
        <>
          <h2>Did you mean</h2>
          <ul>
            {suggestions.map((s) => (
              <li>
                <a href={ctx.links.commitment(s.id)}>{s.title}</a> <span class="id">{s.id}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href={ctx.links.home()}>Every commitment</a>
      </p>
    </Layout>
  );
}

export function BadRequestPage({ ctx, message }: { ctx: PageContext; message: string }) {
  return (
    <Layout ctx={ctx} title="Bad request">
      <h1>That filter cannot be used</h1>
      <p>{message}</p>
      <p>
        <a href={ctx.links.home()}>Every commitment</a>
      </p>
    </Layout>
  );
}
