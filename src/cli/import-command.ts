// `commitment-watch import <file-or-url> [--id ID] [--out DIR] [--force] [--json]`: drafts a register
// folder from a Government Response (plain text, HTML or PDF; a URL through the polite fetcher).
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { todayIn } from '../clock.ts';
import { feedFetcher } from '../feeds/user-agent.ts';
import { defaultRegisterId, draftRegister } from '../import/draft.ts';
import { readDocument } from '../import/read-source.ts';
import { commitmentIdsIn } from '../import/taken-ids.ts';
import { summarise, writeDraft, type ImportSummary } from '../import/write-draft.ts';
import { DEFAULT_SEEDS_DIR } from '../seed/load-seeds.ts';
import type { CliContext } from './context.ts';

/** Documents are bigger than feeds: a long response as PDF runs to tens of megabytes. */
const DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command('import <source>')
    .description('draft a register from a Government Response (a file or an http(s) address: text, HTML or PDF)')
    .option('--id <id>', 'the register’s id (a slug); default: from the report’s title')
    .option('--out <dir>', 'where to write the draft; default: <seeds>/registers/<id>/')
    .option('--force', 'overwrite an existing folder')
    .option('--json', 'print a summary as JSON')
    .action(async (source: string, o: { id?: string; out?: string; force?: boolean; json?: boolean }) => {
      if (o.id !== undefined && !SLUG.test(o.id)) ctx.fail(`--id "${o.id}" is not a slug: use lower-case letters, digits and single hyphens`);
      let fetcher: ReturnType<typeof feedFetcher> | undefined;
      const read = await readDocument(source, () => (fetcher ??= feedFetcher(ctx.config, { maxBytes: DOCUMENT_MAX_BYTES, timeoutMs: 60_000 }))).finally(() =>
        fetcher?.close(),
      );
      if (!read.ok) ctx.fail(read.error);
      const seedsDir = ctx.seedsDir ?? ctx.config.seedsDir ?? DEFAULT_SEEDS_DIR;
      const dir = resolve(o.out ?? join(seedsDir, 'registers', o.id ?? defaultRegisterId(read.value.blocks)));
      const draft = draftRegister(read.value.blocks, {
        id: o.id,
        today: todayIn(ctx.clock, ctx.config.timeZone),
        // The folder being replaced (--force) keeps its ids: only the other registers' ids are taken.
        takenIds: await commitmentIdsIn(seedsDir, dir),
        source,
      });
      draft.warnings.unshift(...read.value.warnings);
      if (draft.recommendations.length === 0) ctx.fail(`no numbered recommendations were found in ${source}: nothing written`);
      const written = await writeDraft(draft, dir, o.force === true);
      if (!written.ok) ctx.fail(written.error);
      const summary = summarise(draft);
      ctx.io.out(o.json ? JSON.stringify(summary, null, 2) : summaryText(summary, dir, read.value.format));
    });
}

function summaryText(s: ImportSummary, dir: string, format: string): string {
  const p = s.positions;
  return [
    `Drafted register ${s.id} from ${format} in ${dir}`,
    `  ${s.recommendations} recommendations: ${p.accepted} accepted, ${p['accepted-in-part']} accepted in part, ${p.noted} noted, ${p['not-accepted']} not accepted`,
    `  ${s.commitments} candidate undertakings`,
    `  ${s.lowConfidence.length} low-confidence items and ${s.warnings.length} warnings: read REVIEW.md there before seeding`,
  ].join('\n');
}
