// `/commitments/<id>`: the Government's words, the status in its colour and in words, the recommendations
// and the Government's position on each, the department, the deadline (or how long it has been open), the
// timeline of every status change with its reason and source, and the evidence, newest first.
import { openForText } from '../../domain.ts';
import type { CommitmentSummary } from '../../queries.ts';
import type { EvidenceView, HistoryView, RecommendationRow } from '../../store/register-store.ts';
import { Layout, multipleRegisters, OutsideLink, registerTitle, StatusBadge, type PageContext } from '../layout.tsx';
import { POSITION_LABEL, statusLabel } from '../status.ts';

export interface CommitmentPageProps {
  ctx: PageContext;
  c: CommitmentSummary;
  recommendations: RecommendationRow[];
  history: HistoryView[];
  evidence: EvidenceView[];
  madeIn: { title: string; url?: string | undefined } | undefined;
}

export function CommitmentPage({ ctx, c, recommendations, history, evidence, madeIn }: CommitmentPageProps) {
  const many = multipleRegisters(ctx);
  return (
    <Layout ctx={ctx} title={c.title}>
      <nav aria-label="Breadcrumb">
        <a href={ctx.links.home()}>All commitments</a>
      </nav>
      <article aria-labelledby="title">
        <h1 id="title">{c.title}</h1>
        <p class="meta">
          <StatusBadge status={c.status} />
          {c.overdue ? <span class="overdue">Overdue</span> : null}
          <span class="id">{c.id}</span>
        </p>
        <section aria-labelledby="said">
          <h2 id="said">What the Government said</h2>
          <blockquote>
            <p>{c.quote}</p>
          </blockquote>
          <p>
            Made on <time datetime={c.madeOn}>{c.madeOn}</time>
            {madeIn ? (
              <>
                {' in '}
                {madeIn.url ? <OutsideLink href={madeIn.url}>{madeIn.title}</OutsideLink> : madeIn.title}
              </>
            ) : null}
            .
          </p>
        </section>
        <section aria-labelledby="facts">
          <h2 id="facts">Where it stands</h2>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={c.status} />
            </dd>
            {many ? (
              <>
                <dt>Register</dt>
                <dd>{registerTitle(ctx, c.registerId)}</dd>
              </>
            ) : null}
            <dt>Department</dt>
            <dd>
              {c.department}
              {c.originalDepartment ? ` (made by ${c.originalDepartment})` : ''}
            </dd>
            <dt>Deadline</dt>
            <dd>
              <Deadline c={c} />
            </dd>
            <dt>{recommendations.length > 1 ? 'Recommendations' : 'Recommendation'}</dt>
            <dd>
              <ul>
                {recommendations.map((r) => (
                  <li>
                    <a href={ctx.links.recommendation(r.number, many ? r.registerId : undefined)}>
                      Recommendation {String(r.number)}: {r.theme}
                    </a>{' '}
                    — the Government’s position: <strong>{POSITION_LABEL[r.position].toLowerCase()}</strong>
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
        </section>
        <section aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          <ol class="timeline">
            {history.map((h) => (
              <li>
                <p>
                  <time datetime={h.at}>{h.at.slice(0, 10)}</time>:{' '}
                  {h.from ? (
                    <>
                      {statusLabel(h.from)} → <strong>{statusLabel(h.to)}</strong>
                    </>
                  ) : (
                    <>
                      recorded as <strong>{statusLabel(h.to)}</strong>
                    </>
                  )}{' '}
                  <span class="id">(by {h.actor})</span>
                </p>
                <p>{h.reason}</p>
                {h.evidence.length ? (
                  <p>
                    Source:{' '}
                    {h.evidence.map((url, i) => (
                      <>
                        {i ? ', ' : ''}
                        <OutsideLink href={url}>{url}</OutsideLink>
                      </>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="evidence">
          <h2 id="evidence">Evidence, newest first</h2>
          {evidence.length === 0 ? <p>No evidence yet: nothing the bot watches has matched this commitment.</p> : null}
          <ul class="evidence">
            {evidence.map((e) => (
              <li>
                <OutsideLink href={e.url}>{e.title}</OutsideLink>
                <p class="meta">
                  <time datetime={e.published ?? e.foundAt}>{(e.published ?? e.foundAt).slice(0, 10)}</time>
                  <span>{e.source === 'seed' ? 'from the register' : `found in ${e.source}`}</span>
                </p>
                {e.note ? <p>{e.note}</p> : null}
              </li>
            ))}
          </ul>
        </section>
        <p>
          <a href={ctx.links.apiCommitment(c.id)}>This commitment as JSON</a>
        </p>
      </article>
    </Layout>
  );
}

function Deadline({ c }: { c: CommitmentSummary }) {
  const open = !c.deadlineDate && c.openDays !== null ? `no date given; open for ${openForText(c.openDays)}` : '';
  if (!c.deadline) return <>{open ? `None: ${open}.` : 'None given.'}</>;
  const revised = c.deadline.revised;
  return (
    <>
      {c.deadline.text ? `“${c.deadline.text}”` : ''}
      {c.deadline.text && c.deadlineDate ? ' — ' : ''}
      {c.deadlineDate ? <time datetime={c.deadlineDate}>{c.deadlineDate}</time> : null}
      {revised.length ? ` (revised ${revised.length} time${revised.length === 1 ? '' : 's'})` : ''}
      {c.overdue ? <strong class="overdue"> — overdue</strong> : null}
      {open ? `: ${open}.` : ''}
    </>
  );
}
