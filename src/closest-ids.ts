// The one "did you mean" ranking, for commitment ids and feed ids alike.
import { distance } from 'fastest-levenshtein';

/** Ids ranked by nearness to what was typed: ids containing it first (from 3 characters), then by edit distance relative to length. */
export function rankIds(ids: readonly string[], input: string): { id: string; score: number }[] {
  const text = input.trim().toLowerCase();
  return ids
    .map((id) => ({ id, score: text.length >= 3 && id.includes(text) ? -1 : distance(text, id) / Math.max(id.length, 1) }))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
}

/** The `limit` ids nearest to what was typed, best first. */
export const closestIds = (ids: readonly string[], input: string, limit = 5): string[] =>
  rankIds(ids, input)
    .slice(0, limit)
    .map((s) => s.id);
