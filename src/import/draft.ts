// Drafts a register from a response's blocks: the manifest, every recommendation with its verbatim
// answer and a classified position, and candidate undertakings, each with a confidence for the editor.
import type { CommitmentSeed, Position, RecommendationSeed, RegisterManifest, SourceDocument } from '../domain.ts';
import { isFurniture, type Block } from './blocks.ts';
import { classifyAnswer, type Confidence } from './classify.ts';
import { departmentsNamed, leadDepartment } from './departments.ts';
import { documentFacts, type DocumentFacts } from './metadata.ts';
import { sharedHolder, splitRecommendations, type SplitRecommendation } from './split.ts';
import { findUndertakings } from './undertakings.ts';
import { documentSubject, idFor, proposeWatchTerms, titleOf } from './watch-terms.ts';

export type DraftRecommendation = RecommendationSeed & { confidence: Confidence; doubts: string[] };
export type DraftCommitment = CommitmentSeed & { confidence: Confidence; doubts: string[] };

export interface Draft {
  manifest: RegisterManifest;
  recommendations: DraftRecommendation[];
  commitments: DraftCommitment[];
  facts: DocumentFacts;
  warnings: string[];
}

export interface DraftOptions {
  id?: string | undefined;
  /** Today, for a document that prints no date at all (a warning says so). */
  today: string;
  /** Commitment ids already used by other registers: new ids avoid them. */
  takenIds?: Iterable<string>;
  /** Where the document came from, recorded as the response's url when it is a web address. */
  source?: string | undefined;
}

const DEFAULT_THEME = 'Recommendations';

export function slugOf(text: string, words = 6): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9\s-]/g, '')
      .split(/[\s-]+/)
      .filter((w) => w && !['the', 'a', 'an', 'of', 'and', 'to', 'in', 'on', 'for', 'uks', 'its'].includes(w))
      .slice(0, words)
      .join('-') || 'imported-register'
  );
}

function factsOf(input: Block[]): { blocks: Block[]; facts: DocumentFacts } {
  const blocks = input.filter((b) => !isFurniture(b));
  const firstMarker = blocks.findIndex((b) => /^(?:recommendation|conclusion)\s+1\b|^1\s*[.)]/i.test(b.text));
  return { blocks, facts: documentFacts(input, firstMarker > 0 ? firstMarker : 12) };
}

const idFromFacts = (facts: DocumentFacts) => slugOf(facts.reportTitle ?? facts.responseTitle ?? 'imported register');

/** The id a draft of this document gets when none is given: from the report's title. */
export const defaultRegisterId = (input: Block[]): string => idFromFacts(factsOf(input).facts);

export function draftRegister(input: Block[], options: DraftOptions): Draft {
  const { blocks, facts } = factsOf(input);
  const warnings: string[] = [];
  const split = splitRecommendations(blocks);
  warnings.push(...split.warnings);
  const fullText = blocks.map((b) => b.text).join('\n');
  const lead = leadDepartment(fullText);
  const madeOn = facts.received ?? facts.published ?? facts.dates.at(-1);
  if (!madeOn)
    warnings.push(`the document prints no date: the response's dates are set to today (${options.today}); correct them in register.yaml and commitments.yaml`);
  const id = options.id ?? idFromFacts(facts);

  for (const r of split.recommendations) warnings.push(...r.doubts.map((d) => `recommendation ${r.number}: ${d}`));
  const recommendations = split.recommendations.map((rec) => draftRecommendation(rec, split.recommendations, lead?.today));
  const themes: { name: string; recommendations: number[] }[] = [];
  for (const r of recommendations) {
    const theme = themes.find((t) => t.name === r.theme);
    if (theme) theme.recommendations.push(r.number);
    else themes.push({ name: r.theme, recommendations: [r.number] });
  }

  const taken = new Set(options.takenIds ?? []);
  const subject = documentSubject(fullText);
  const commitments: DraftCommitment[] = [];
  for (const rec of split.recommendations) {
    if (rec.answer.length === 0) continue;
    // The recommendations this answer serves: its own and every one that points to it.
    const sharers = recommendations.filter((r) => r.responseSameAs === rec.number).map((r) => r.number);
    const group = [rec.number, ...sharers].sort((a, b) => a - b);
    for (const c of findUndertakings(rec.answer, group)) {
      const doubts: string[] = [];
      const department = c.department ?? departmentsNamed(rec.answer.join(' '))[0] ?? lead;
      if (!c.department) doubts.push(department ? `department not named in the sentence: ${department.today} assumed` : 'no department named anywhere: fill it in');
      commitments.push({
        id: idFor(c.promise, taken),
        title: titleOf(c.promise),
        quote: c.quote,
        recommendations: c.recommendations,
        department: department?.today ?? 'Department not named',
        ...(department?.original ? { originalDepartment: department.original } : {}),
        madeIn: 'response',
        madeOn: madeOn ?? options.today,
        ...(c.deadline ? { deadline: { ...c.deadline, revised: [] } } : {}),
        status: c.ongoing ? 'in-progress' : 'not-started',
        statusReason: c.ongoing
          ? 'Drafted by import: the response describes this as continuing work.'
          : 'Drafted by import: promised in the response, with nothing yet recorded.',
        history: [],
        evidence: [],
        watch: { names: [], any: proposeWatchTerms(c.quote, c.promise), all: subject ? [subject] : [], none: [], feedKinds: [], bills: [] },
        rules: [],
        confidence: c.confidence,
        doubts,
      });
    }
  }

  const manifest: RegisterManifest = {
    id,
    title: facts.reportTitle ?? facts.responseTitle ?? id,
    committee: facts.committee ?? 'Committee not named',
    draft: true,
    documents: documentsOf(facts, options, madeOn, warnings),
    themes,
  };
  if (!facts.committee) warnings.push('the committee is not named in the front matter: fill in committee in register.yaml');
  return { manifest, recommendations, commitments, facts, warnings };
}

function draftRecommendation(rec: SplitRecommendation, all: SplitRecommendation[], lead: string | undefined): DraftRecommendation {
  const doubts = [...rec.doubts];
  const holder = sharedHolder(rec, all);
  const answerRec = holder === undefined ? rec : all.find((r) => r.number === holder)!;
  const others = rec.sharedWith.filter((n) => n !== rec.number);
  const classified = answerRec.answer.length ? classifyAnswer(answerRec.answer, rec.number, others, rec.text.join('\n')) : undefined;
  const named = departmentsNamed(answerRec.answer.join(' ')).map((d) => d.today);
  const departments = named.length ? named : [lead ?? 'Department not named'];
  if (!named.length) doubts.push(lead ? `no department named in the answer: ${lead} assumed` : 'no department named: fill it in');
  const text = rec.text.join('\n') || rec.title || '(the Committee’s words were not found: copy them from the document)';
  const base = { number: rec.number, theme: rec.theme ?? DEFAULT_THEME, text, departments };
  const position: Position = classified?.position ?? 'noted';
  const rationale = classified?.rationale ?? 'No answer was found in the document.';
  const confidence: Confidence = classified && rec.text.length ? classified.confidence : 'low';
  if (holder !== undefined) return { ...base, responseSameAs: holder, position, rationale, confidence, doubts };
  const response = rec.answer.join('\n') || '(no answer was found in the document)';
  return { ...base, response, position, rationale, confidence, doubts };
}

function documentsOf(facts: DocumentFacts, options: DraftOptions, madeOn: string | undefined, warnings: string[]): SourceDocument[] {
  const docs: SourceDocument[] = [];
  const { reportPaper, responsePaper } = facts;
  if (facts.reportTitle && facts.reportPublished) {
    docs.push({
      id: 'report',
      kind: 'committee-report',
      title: facts.reportTitle,
      ...(facts.committee ? { committee: facts.committee } : {}),
      ...(reportPaper ? { paperNumber: reportPaper } : {}),
      ...(facts.session ? { session: facts.session } : {}),
      published: facts.reportPublished,
    });
  } else {
    warnings.push('the committee report’s publication date was not found: only the response is listed in register.yaml');
  }
  const published = facts.published ?? madeOn ?? options.today;
  if (!facts.published) warnings.push(`the response’s publication date was not found: ${published} is used; check it`);
  const url = options.source && /^https?:\/\//i.test(options.source) ? options.source : undefined;
  docs.push({
    id: 'response',
    kind: 'government-response',
    title: facts.responseTitle ?? 'Government Response',
    ...(facts.committee ? { committee: facts.committee } : {}),
    ...(responsePaper ? { paperNumber: responsePaper } : {}),
    ...(facts.session ? { session: facts.session } : {}),
    ...(facts.received ? { received: facts.received } : {}),
    published,
    ...(url ? { url } : {}),
  });
  return docs;
}
