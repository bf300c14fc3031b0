// Applies validated seeds to the store. Idempotent: a second run changes nothing. Seed history
// entries are keyed, so statuses and history recorded at run time are never overwritten.
import type { RegisterStore, SeedOutcome } from '../store/register-store.ts';
import type { RegisterSeed } from './load-seeds.ts';

export type SeedSummary = Record<'registers' | 'recommendations' | 'commitments' | 'history' | 'evidence', Record<SeedOutcome, number>>;

const tally = () => ({ created: 0, updated: 0, unchanged: 0 });

/** Normalises a date-time to UTC so history entries sort as text. */
const instant = (at: string) => (at.length === 10 ? at : new Date(at).toISOString());

export async function applySeeds(store: RegisterStore, registers: RegisterSeed[], now: Date): Promise<SeedSummary> {
  const summary: SeedSummary = { registers: tally(), recommendations: tally(), commitments: tally(), history: tally(), evidence: tally() };
  const recordedAt = now.toISOString();
  for (const { manifest, recommendations, commitments } of registers) {
    summary.registers[await store.upsertRegister(manifest)]++;
    const responses = new Map(recommendations.map((r) => [r.number, r.response ?? '']));
    for (const rec of recommendations) {
      const shared = rec.responseSameAs === undefined ? '' : (responses.get(rec.responseSameAs) ?? '');
      summary.recommendations[await store.upsertRecommendation(manifest.id, rec, shared)]++;
    }
    const documentUrl = new Map(manifest.documents.map((d) => [d.id, d.url]));
    for (const [ordinal, c] of commitments.entries()) {
      summary.commitments[await store.upsertCommitment(manifest.id, c, ordinal)]++;
      const madeInUrl = documentUrl.get(c.madeIn);
      const initial = { at: c.madeOn, to: c.status, reason: c.statusReason, evidence: madeInUrl ? [madeInUrl] : [] };
      summary.history[await store.upsertSeedHistory(c.id, `${c.id}|initial`, initial, recordedAt)]++;
      for (const h of c.history) {
        const at = instant(h.at);
        summary.history[await store.upsertSeedHistory(c.id, `${c.id}|${at}|${h.to}`, { ...h, at }, recordedAt)]++;
      }
      for (const e of c.evidence) summary.evidence[await store.upsertSeedEvidence(c.id, e, recordedAt)]++;
    }
  }
  return summary;
}
