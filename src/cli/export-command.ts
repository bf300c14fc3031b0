// `commitment-watch export [--format csv|json] [--register <id>] [--out FILE]`: the whole register as one
// table — one row a commitment, with its status, deadline, how long it has been open, the Government's
// position and the last change — for the spreadsheets journalists and researchers work in.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import type { CommitmentDetail } from '../queries.ts';
import type { CliContext } from './context.ts';

/** The CSV's columns, in order; the JSON rows have the same keys. */
export const EXPORT_COLUMNS = [
  'id',
  'register',
  'title',
  'status',
  'department',
  'original_department',
  'recommendations',
  'positions',
  'made_on',
  'deadline_text',
  'deadline_date',
  'overdue',
  'open_days',
  'last_change_at',
  'last_change',
  'last_change_reason',
  'last_change_by',
  'evidence_count',
  'latest_evidence_url',
  'quote',
] as const;
type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null>;

export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('the whole register, one row a commitment, as CSV (for spreadsheets) or JSON')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--register <id>', 'only this register')
    .option('--out <file>', 'write to this file instead of printing')
    .action(async (o: { format: 'csv' | 'json'; register?: string; out?: string }) => {
      const queries = (await ctx.app()).queries;
      const rows: ExportRow[] = [];
      for (let page = 1, pages = 1; page <= pages; page++) {
        const list = await queries.list({ register: o.register, page, pageSize: 100 });
        pages = list.pages;
        for (const c of list.items) {
          const detail = await queries.show(c.id);
          if (!detail.ok) continue; // removed between the two reads
          const evidence = await queries.evidence(c.id);
          rows.push(exportRow(detail.value, evidence.ok ? evidence.value.evidence.length : 0));
        }
      }
      const text =
        o.format === 'json'
          ? `${JSON.stringify(rows, null, 2)}\n`
          : stringify(rows, {
              header: true,
              columns: [...EXPORT_COLUMNS],
              cast: { boolean: (b) => (b ? 'true' : 'false') },
              // A reason or title starting "=", "+", "-" or "@" must not run as a spreadsheet formula.
              escape_formulas: true,
            });
      if (o.out) {
        writeFileSync(o.out, text);
        ctx.io.err(`Wrote ${rows.length} commitment${rows.length === 1 ? '' : 's'} to ${o.out}.`);
      } else ctx.io.out(text);
    });
}

function exportRow(c: CommitmentDetail, evidenceCount: number): ExportRow {
  const last = c.lastChange;
  return {
    id: c.id,
    register: c.registerId,
    title: c.title,
    status: c.status,
    department: c.department,
    original_department: c.originalDepartment ?? null,
    recommendations: c.recommendations.join('; '),
    positions: c.positions.map((p) => `${p.number}: ${p.position}`).join('; '),
    made_on: c.madeOn,
    deadline_text: c.deadline?.text ?? null,
    deadline_date: c.deadlineDate ?? null,
    overdue: c.overdue,
    open_days: c.openDays,
    last_change_at: last?.at.slice(0, 10) ?? null,
    last_change: last ? `${last.from ?? ''}${last.from ? ' → ' : ''}${last.to}` : null,
    last_change_reason: last?.reason ?? null,
    last_change_by: last?.actor ?? null,
    evidence_count: evidenceCount,
    latest_evidence_url: c.evidence[0]?.url ?? null,
    quote: c.quote,
  };
}
