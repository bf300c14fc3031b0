// Sentences of an answer, by the platform's own sentence segmenter (Unicode rules), kept verbatim.
const segmenter = new Intl.Segmenter('en-GB', { granularity: 'sentence' });

/** Abbreviations after which the Unicode rules would wrongly end a sentence. */
const ABBREVIATION_END = /\b(?:Mr|Mrs|Ms|Dr|St|No|para|paras|cf|e\.g|i\.e|etc|Rt Hon|Cm|HC|HL)\.$/;

export function sentencesOf(paragraph: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter.segment(paragraph)) {
    const s = segment.trim();
    if (!s) continue;
    const last = out.at(-1);
    if (last !== undefined && (ABBREVIATION_END.test(last) || /^[a-z(]/.test(s))) out[out.length - 1] = `${last} ${s}`;
    else out.push(s);
  }
  return out;
}
