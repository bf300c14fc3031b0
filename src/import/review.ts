// REVIEW.md: what an editor must look at before a drafted register goes live, least certain first.
import type { Draft } from './draft.ts';

const RANK = { low: 0, medium: 1, high: 2 } as const;
const excerpt = (text: string, max = 160) => (text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`);
/** Markdown would read the document's own characters as formatting; they are shown as they are. */
const md = (text: string) => text.replace(/([\\`*_[\]<>|#])/g, '\\$1');

export function reviewMarkdown(draft: Draft): string {
  const { manifest, recommendations, commitments, warnings } = draft;
  const lines: string[] = [
    `# Review: ${md(manifest.title)}`,
    '',
    `Drafted by \`commitment-watch import\`: ${recommendations.length} recommendations and ${commitments.length} candidate undertakings.`,
    'Nothing here is live until an editor has checked it. For each item below, lowest confidence first:',
    'confirm or correct the position and its rationale, keep or delete each candidate undertaking (and give it',
    'a title and watch terms a reader would understand), then delete the `confidence` fields and `draft: true`',
    'and run `commitment-watch seed`.',
    '',
    '## What the importer could not read or was unsure of',
    '',
    ...(warnings.length ? warnings.map((w) => `- ${md(w)}`) : ['- nothing']),
    '',
    '## Recommendations, least certain first',
    '',
  ];
  const recs = [...recommendations].sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || a.number - b.number);
  for (const r of recs) {
    lines.push(`- [ ] **${r.number}** (${r.confidence}) — ${r.position}: ${md(r.rationale)}`);
    if (r.responseSameAs !== undefined) lines.push(`  - answer shared with recommendation ${r.responseSameAs}`);
    for (const d of r.doubts) lines.push(`  - ${md(d)}`);
  }
  lines.push('', '## Candidate undertakings, least certain first', '');
  const cands = [...commitments].sort((a, b) => RANK[a.confidence] - RANK[b.confidence]);
  for (const c of cands) {
    lines.push(`- [ ] \`${c.id}\` (${c.confidence}, recommendation ${c.recommendations.join(', ')}) — “${md(excerpt(c.quote))}”`);
    lines.push(`  - department: ${md(c.department)}${c.deadline?.text ? `; deadline: “${md(c.deadline.text)}”` : ''}; watch: ${md(c.watch.any.join(', '))}`);
    for (const d of c.doubts) lines.push(`  - ${md(d)}`);
  }
  lines.push('');
  return lines.join('\n');
}
