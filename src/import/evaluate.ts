// Scores a drafted register against a curated one: the figures the bench reports and the tests hold
// to. "Thrown away" is defined strictly: a candidate whose sentences appear in no curated undertaking's
// quote is one an editor would delete, because the curated register is that editor's judgement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CommitmentSeed, RecommendationSeed } from '../domain.ts';

export interface Curated {
  recommendations: RecommendationSeed[];
  commitments: CommitmentSeed[];
}

/** A register folder's recommendations and commitments, validated. */
export function readCurated(dir: string): Curated {
  const read = (name: string) => parse(readFileSync(join(dir, name), 'utf8')) as unknown;
  return {
    recommendations: z.object({ recommendations: z.array(RecommendationSeed) }).parse(read('recommendations.yaml')).recommendations,
    commitments: z.object({ commitments: z.array(CommitmentSeed) }).parse(read('commitments.yaml')).commitments,
  };
}

export interface Drafted {
  recommendations: RecommendationSeed[];
  commitments: Pick<CommitmentSeed, 'quote' | 'recommendations'>[];
}

export interface Score {
  recommendationsExpected: number;
  recommendationsFound: number;
  /** Answers identical to the curated answer, character for character but for whitespace (a shared answer read through its link). */
  answersVerbatim: number;
  textsVerbatim: number;
  positionsAgree: number;
  positionMisses: { number: number; curated: string; drafted: string }[];
  undertakingsExpected: number;
  undertakingsFound: number;
  missedUndertakings: string[];
  candidates: number;
  /** Candidates sharing no sentence with any curated undertaking. */
  thrownAway: number;
  thrownAwayQuotes: string[];
}

/**
 * Makes two texts comparable: typographic quotes, apostrophes and dashes become their plain forms, and
 * every run of whitespace (line breaks included) becomes one space. Nothing else is changed.
 */
export function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const segmenter = new Intl.Segmenter('en-GB', { granularity: 'sentence' });
const sentences = (text: string) => [...segmenter.segment(normalise(text))].map((s) => s.segment.trim()).filter((s) => s.length > 20);

/** Two quotes are the same undertaking when one holds a sentence of the other. */
export function sameUndertaking(a: string, b: string): boolean {
  const na = normalise(a);
  const nb = normalise(b);
  return sentences(a).some((s) => nb.includes(s)) || sentences(b).some((s) => na.includes(s));
}

/** Verbatim means the document's own characters: only runs of whitespace may differ (typographic quotes may not). */
const verbatim = (text: string) => text.replace(/\s+/g, ' ').trim();

export function score(draft: Drafted, curated: Curated): Score {
  const byNumber = new Map(draft.recommendations.map((r) => [r.number, r]));
  const answerOf = (recs: Map<number, RecommendationSeed>, r: RecommendationSeed | undefined) =>
    r && verbatim(r.response ?? recs.get(r.responseSameAs ?? -1)?.response ?? '');
  const curatedByNumber = new Map(curated.recommendations.map((r) => [r.number, r]));
  let found = 0;
  let answers = 0;
  let texts = 0;
  let agree = 0;
  const positionMisses: Score['positionMisses'] = [];
  for (const c of curated.recommendations) {
    const d = byNumber.get(c.number);
    if (!d) continue;
    found++;
    if (answerOf(byNumber, d) === answerOf(curatedByNumber, c)) answers++;
    if (verbatim(d.text) === verbatim(c.text)) texts++;
    if (d.position === c.position) agree++;
    else positionMisses.push({ number: c.number, curated: c.position, drafted: d.position });
  }
  const missed = curated.commitments.filter((c) => !draft.commitments.some((d) => sameUndertaking(d.quote, c.quote)));
  const thrown = draft.commitments.filter((d) => !curated.commitments.some((c) => sameUndertaking(d.quote, c.quote)));
  return {
    recommendationsExpected: curated.recommendations.length,
    recommendationsFound: found,
    answersVerbatim: answers,
    textsVerbatim: texts,
    positionsAgree: agree,
    positionMisses,
    undertakingsExpected: curated.commitments.length,
    undertakingsFound: curated.commitments.length - missed.length,
    missedUndertakings: missed.map((c) => c.id),
    candidates: draft.commitments.length,
    thrownAway: thrown.length,
    thrownAwayQuotes: thrown.map((d) => d.quote),
  };
}
