// Terminal rendering of the query core's answers, and the fixed JSON shapes scripts rely on.
import { openForText, type Status } from '../domain.ts';
import type { Colours } from './colours.ts';
import type { CommitmentDetail, CommitmentSummary, ListPage } from '../queries.ts';
import {
  SNIPPET_CLOSE,
  SNIPPET_OPEN,
  type EvidenceView,
  type HistoryView,
  type RecommendationRow,
  type Scoreboard,
  type SearchHit,
} from '../store/register-store.ts';

const STATUS_COLOUR: Record<Status, keyof Colours> = {
  'not-started': 'gray',
  'in-progress': 'cyan',
  stalled: 'yellow',
  delivered: 'green',
  'partly-delivered': 'blue',
  abandoned: 'red',
  unclear: 'magenta',
};

/** The status in its colour, padded before painting so columns line up with or without colour. */
export const statusLabel = (s: Status, pc: Colours, width = 0) => (pc[STATUS_COLOUR[s]] as (t: string) => string)(s.padEnd(width));

const width = () => Math.min(process.stdout.columns || 100, 100);

/** Text from outside (feeds) without control characters: an escape sequence in a title must not drive the terminal. */
export const terminalSafe = (text: string): string => text.replace(/[^\P{Cc}\t\n]/gu, ''); // every C0/C1 control but tab and newline;

/** Wraps text to the terminal width, keeping paragraph breaks. */
export function wrap(text: string, indent = 2): string {
  const pad = ' '.repeat(indent);
  const max = Math.max(width() - indent, 30);
  return text
    .split(/\n+/)
    .map((para) => {
      const lines: string[] = [];
      let line = '';
      for (const word of para.split(/\s+/).filter(Boolean)) {
        if (line && line.length + word.length + 1 > max) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      if (line) lines.push(line);
      return lines.map((l) => pad + l).join('\n');
    })
    .join('\n');
}

export function deadlineText(c: CommitmentSummary, pc: Colours): string {
  // Without a date nothing can be overdue: say how long it has been open instead.
  const open = !c.deadlineDate && c.openDays !== null ? pc.yellow(` (no date given; open ${openForText(c.openDays)})`) : '';
  if (!c.deadline) return `none given${open}`;
  const parts = [c.deadline.text ? `“${c.deadline.text}”` : '', c.deadlineDate ?? ''].filter(Boolean);
  const revised = c.deadline.revised.length ? ` (revised ${c.deadline.revised.length}×)` : '';
  return `${parts.join(' — ') || 'none given'}${revised}${c.overdue ? ` ${pc.red(pc.bold('OVERDUE'))}` : ''}${open}`;
}

export function renderCommitment(c: CommitmentDetail, pc: Colours): string {
  const lines = [
    `${pc.bold(c.title)}  ${pc.dim(c.id)}`,
    `  Status:          ${statusLabel(c.status, pc)}`,
    `  Department:      ${c.department}${c.originalDepartment ? pc.dim(` (made by ${c.originalDepartment})`) : ''}`,
    `  Recommendations: ${c.positions.map((p) => `${p.number} (${p.position})`).join(', ')}`,
    `  Made:            ${c.madeOn}`,
    `  Deadline:        ${deadlineText(c, pc)}`,
    '',
    pc.dim('  The Government said:'),
    wrap(`“${c.quote}”`, 4),
  ];
  if (c.lastChange) {
    const move = c.lastChange.from ? `${c.lastChange.from} → ${c.lastChange.to}` : `recorded as ${c.lastChange.to}`;
    lines.push('', pc.dim('  Last change:'), wrap(`${c.lastChange.at.slice(0, 10)} ${move} (by ${c.lastChange.actor}): ${c.lastChange.reason}`, 4));
    for (const url of c.lastChange.evidence) lines.push(`    ${pc.underline(url)}`);
  }
  if (c.evidence.length) {
    lines.push('', pc.dim('  Latest evidence:'));
    for (const e of c.evidence) lines.push(`    ${(e.published ?? e.foundAt).slice(0, 10)} ${e.title}`, `      ${pc.underline(e.url)}`);
  }
  return lines.join('\n');
}

export function renderList(page: ListPage, pc: Colours): string {
  if (page.total === 0) return 'No commitments match.';
  const rows = page.items.map((c) => {
    const flag = c.overdue ? pc.red('  OVERDUE') : !c.deadlineDate && c.openDays !== null ? pc.dim(`  (open ${openForText(c.openDays)}, no date)`) : '';
    return `${statusLabel(c.status, pc, 17)} ${pc.bold(c.id)}${flag}\n${wrap(c.title, 4)}`;
  });
  const footer = page.pages > 1 ? `\nPage ${page.page} of ${page.pages} (${page.total} commitments)` : `\n${page.total} commitment${page.total === 1 ? '' : 's'}`;
  return rows.join('\n') + footer;
}

export function renderSearch(hits: SearchHit[], pc: Colours): string {
  if (hits.length === 0) return 'Nothing matches. Try fewer or different words.';
  return hits
    .map((h) => {
      const label = h.kind === 'commitment' ? pc.bold(h.id) : pc.bold(`Recommendation ${h.id}`);
      const snippet = h.snippet.replaceAll(SNIPPET_OPEN, '\u001b[1m').replaceAll(SNIPPET_CLOSE, '\u001b[22m');
      const title = h.kind === 'commitment' ? h.title : pc.dim(h.title.replace(/^Recommendation \d+:\s*/, ''));
      return `${label}  ${title}\n${wrap(pc.isColorSupported ? snippet : plainSnippet(h.snippet), 4)}`;
    })
    .join('\n\n');
}

export const plainSnippet = (s: string) => s.replaceAll(SNIPPET_OPEN, '').replaceAll(SNIPPET_CLOSE, '');

export function renderHistory(c: CommitmentSummary, history: HistoryView[], pc: Colours): string {
  const lines = [`${pc.bold(c.title)}  ${pc.dim(c.id)}`];
  for (const h of history) {
    lines.push(`  ${h.at.slice(0, 10)}  ${h.from ? `${statusLabel(h.from, pc)} → ` : ''}${statusLabel(h.to, pc)}  ${pc.dim(`by ${h.actor}`)}`, wrap(h.reason, 14));
    for (const url of h.evidence) lines.push(`              ${pc.underline(url)}`);
  }
  return lines.join('\n');
}

export function renderEvidence(c: CommitmentSummary, evidence: EvidenceView[], pc: Colours): string {
  const lines = [`${pc.bold(c.title)}  ${pc.dim(c.id)}`];
  if (evidence.length === 0) lines.push('  No evidence yet.');
  for (const e of evidence) {
    const from =
      e.source === 'seed'
        ? 'from the seed'
        : `via ${e.source}${e.score !== null ? `, score ${e.score}` : ''}${e.matched.length ? ` [${e.matched.join(', ')}]` : ''}`;
    lines.push(
      `  ${(e.published ?? e.foundAt).slice(0, 10)}  ${terminalSafe(e.title)}`,
      `              ${pc.underline(terminalSafe(e.url))}`,
      pc.dim(`              ${terminalSafe(from)}`),
    );
    if (e.note) lines.push(wrap(terminalSafe(e.note), 14));
  }
  lines.push(pc.dim(`${evidence.length} item${evidence.length === 1 ? '' : 's'}`));
  return lines.join('\n');
}

export function renderStats(s: Scoreboard, pc: Colours): string {
  const bar = (n: number, total: number) => '█'.repeat(total ? Math.round((n / total) * 30) : 0);
  const lines = [pc.bold(`Commitments: ${s.commitments.total}`)];
  for (const [status, n] of Object.entries(s.commitments.byStatus)) {
    lines.push(`  ${statusLabel(status as Status, pc, 17)} ${String(n).padStart(4)} ${bar(n, s.commitments.total)}`);
  }
  lines.push('', pc.bold(`Recommendations: ${s.recommendations.total}`));
  for (const [position, n] of Object.entries(s.recommendations.byPosition)) {
    lines.push(`  ${position.padEnd(17)} ${String(n).padStart(4)} ${bar(n, s.recommendations.total)}`);
  }
  return lines.join('\n');
}

export function renderRecommendations(recs: RecommendationRow[], pc: Colours): string {
  return recs.map((r) => `${String(r.number).padStart(3)}  ${r.position.padEnd(16)} ${pc.dim(r.theme)}\n${wrap(firstSentence(r.text), 5)}`).join('\n');
}

export function renderRecommendation(r: RecommendationRow & { commitmentTitles: Record<string, string> }, pc: Colours): string {
  const lines = [
    pc.bold(`Recommendation ${r.number} — ${r.theme}`),
    `  Position: ${r.position}  ${pc.dim(`(${r.departments.join(', ')})`)}`,
    wrap(r.rationale, 4),
    '',
    pc.dim('  The Committee recommended:'),
    wrap(r.text, 4),
    '',
    pc.dim(`  The Government answered${r.responseSameAs ? ` (one answer for several, printed under recommendation ${r.responseSameAs})` : ''}:`),
    wrap(r.response, 4),
  ];
  if (r.commitments.length) {
    lines.push('', pc.dim('  Commitments made in answer:'));
    for (const id of r.commitments) lines.push(`    ${pc.bold(id)}  ${r.commitmentTitles[id] ?? ''}`);
  }
  return lines.join('\n');
}

const firstSentence = (t: string) => {
  const m = /^.{20,}?[.!?](?=\s|$)/s.exec(t);
  return m ? m[0] : t;
};

// JSON shapes: the keys named in the issues are fixed; scripts depend on them.
export function commitmentJson(c: CommitmentSummary | CommitmentDetail) {
  const base = {
    id: c.id,
    title: c.title,
    quote: c.quote,
    status: c.status,
    department: c.department,
    recommendations: c.recommendations,
    deadline: c.deadline,
    overdue: c.overdue,
    openDays: c.openDays,
    register: c.registerId,
    originalDepartment: c.originalDepartment,
    madeOn: c.madeOn,
    deadlineDate: c.deadlineDate,
  };
  if (!('positions' in c)) return base;
  return { ...base, positions: c.positions, evidence: c.evidence, lastChange: c.lastChange };
}

export function recommendationJson(r: RecommendationRow) {
  return {
    number: r.number,
    theme: r.theme,
    text: r.text,
    response: r.response,
    position: r.position,
    rationale: r.rationale,
    departments: r.departments,
    responseSameAs: r.responseSameAs,
    commitments: r.commitments,
    register: r.registerId,
  };
}

export const searchHitJson = (h: SearchHit) => ({ kind: h.kind, id: h.id, title: h.title, snippet: plainSnippet(h.snippet) });
