// The register's commitments (never-again-xinjiang): each an undertaking the Government Response made,
// quoted verbatim, pointing at recommendations that exist, and true today.
import { describe, expect, it } from 'vitest';
import { source, data, normalise, inSource, quotedPhrases } from './support/seed-register.ts';

describe('the commitments', () => {
  it('have unique, slug-shaped ids', () => {
    const { commitments } = data();
    const ids = commitments.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('number between 15 and 30, as the response’s undertakings do', () => {
    const n = data().commitments.length;
    expect(n).toBeGreaterThanOrEqual(15);
    expect(n).toBeLessThanOrEqual(30);
  });

  it('point to recommendations that exist, and were made in a document of the register on the day it was received', () => {
    const { manifest, recommendations, commitments } = data();
    const numbers = new Set(recommendations.map((r) => r.number));
    const documents = new Map(manifest.documents.map((d) => [d.id, d]));
    const problems: string[] = [];
    for (const c of commitments) {
      for (const n of c.recommendations) if (!numbers.has(n)) problems.push(`${c.id}: no recommendation ${n}`);
      const doc = documents.get(c.madeIn);
      if (!doc) problems.push(`${c.id}: madeIn "${c.madeIn}" is not a document of the register`);
      else if (c.madeOn !== (doc.received ?? doc.published)) problems.push(`${c.id}: madeOn ${c.madeOn} is not the date of ${doc.id}`);
    }
    expect(problems).toEqual([]);
  });

  it('quote the Government verbatim, from the answer to one of their recommendations', () => {
    const { recommendations, commitments } = data();
    const byNumber = new Map(recommendations.map((r) => [r.number, r]));
    const answer = (n: number) => {
      const r = byNumber.get(n);
      return r?.response ?? byNumber.get(r?.responseSameAs ?? -1)?.response ?? '';
    };
    const problems: string[] = [];
    for (const c of commitments) {
      if (!inSource(c.quote)) problems.push(`${c.id}: quote not in the response`);
      else if (!c.recommendations.some((n) => normalise(answer(n)).includes(normalise(c.quote)))) {
        problems.push(`${c.id}: quote is not from the answer to recommendation ${c.recommendations.join(', ')}`);
      }
      for (const p of quotedPhrases(c.statusReason)) if (!inSource(p)) problems.push(`${c.id}: statusReason quotes "${p}", which is not in the response`);
    }
    expect(problems).toEqual([]);
  });

  it('keep a department’s old name only where it changed, and deadlines in the words used', () => {
    const { commitments } = data();
    for (const c of commitments) {
      if (c.originalDepartment !== undefined) expect(c.originalDepartment, c.id).not.toBe(c.department);
      if (c.deadline?.text) expect(inSource(c.deadline.text), `${c.id}: deadline "${c.deadline.text}"`).toBe(true);
    }
  });

  it('record later events in date order, after the response, each with a reason and a source', () => {
    const { commitments } = data();
    for (const c of commitments) {
      const dates = c.history.map((h) => h.at);
      expect(dates, c.id).toEqual([...dates].sort());
      for (const h of c.history) {
        expect(h.at > c.madeOn, `${c.id} ${h.at}`).toBe(true);
        expect(h.evidence.length, `${c.id} ${h.at}`).toBeGreaterThan(0);
      }
    }
  });

  it('include the export controls review: DIT, now the Department for Business and Trade, reporting back to Parliament', () => {
    const matches = data().commitments.filter((c) => c.quote.includes('report back to Parliament'));
    expect(matches).toHaveLength(1);
    const c = matches[0]!;
    expect(c.department).toBe('Department for Business and Trade');
    expect(c.originalDepartment).toBe('Department for International Trade');
    expect(c.recommendations).toContain(19);
    expect(c.deadline?.text).toBe('at the conclusion of its current review');
    expect(c.deadline?.date).toBeUndefined();
    expect(c.rules).toContainEqual({ when: 'written-statement', propose: 'delivered', automatic: false });
  });

  it('include the Modern Slavery Act penalties, due "as soon as Parliamentary time allows"', () => {
    const c = data().commitments.find((x) => x.id === 'modern-slavery-act-financial-penalties');
    expect(c?.quote).toContain('financial penalties');
    expect(c?.department).toBe('Home Office');
    expect(c?.deadline?.text).toBe('as soon as Parliamentary time allows');
    expect(c?.deadline?.date).toBeUndefined();
    expect(c?.rules).toContainEqual({ when: 'royal-assent', propose: 'delivered', automatic: false });
  });

  it('include the undertakings a reader would look for', () => {
    const { commitments } = data();
    const quoting = (phrase: string) => commitments.filter((c) => c.quote.includes(phrase)).map((c) => c.id);
    expect(quoting('one-day training course')).toHaveLength(1);
    expect(quoting('further consultation with the Uyghur community')).toHaveLength(1);
    expect(quoting('raise our concerns with our UNESCO partners')).toHaveLength(1);
    expect(quoting('commit to funding further valuable research')).toHaveLength(1);
    expect(quoting('Public Procurement Bill')).toHaveLength(1);
    expect(quoting('review of the Modern Slavery Strategy')).toHaveLength(1);
    expect(quoting('press the ILO')).toHaveLength(1);
    expect(quoting('keep our guidance updated')).toHaveLength(1);
    const training = commitments.find((c) => c.quote.includes('one-day training course'));
    expect(training?.department).toBe('Department for Business and Trade');
    expect(training?.originalDepartment).toBe('Department for International Trade');
  });

  it('include the undertaking of recommendation 20 on what modern slavery statements must cover, verbatim', () => {
    const c = data().commitments.find((x) => x.id === 'modern-slavery-statements-mandatory-reporting-areas');
    expect(c?.quote).toBe(
      'Under the new measures, businesses and public sector bodies will be required to report on specific areas in their modern slavery statements.',
    );
    expect(c?.recommendations).toEqual([20]);
    expect(c?.department).toBe('Home Office');
    expect(c?.history.at(-1)?.to).toBe('stalled');
  });

  it('are true today: what the public record shows since the response (issue 9), each with its source', () => {
    const byId = new Map(data().commitments.map((c) => [c.id, c]));
    const latest = (id: string) => byId.get(id)?.history.at(-1);
    // Announced in the 2022 Queen's Speech, never introduced, still "under review" in December 2024.
    expect(latest('modern-slavery-act-financial-penalties')).toMatchObject({ at: '2024-12-16', to: 'stalled' });
    expect(byId.get('modern-slavery-act-financial-penalties')?.history.map((h) => h.to)).toEqual(['in-progress', 'stalled']);
    // The conflict centre became the Office for Conflict, Stabilisation and Mediation.
    expect(latest('announce-fcdo-conflict-centre-details')).toMatchObject({
      at: '2022-05-24',
      to: 'delivered',
      evidence: ['https://committees.parliament.uk/oralevidence/10329/html/'],
    });
    // No new Modern Slavery Strategy we could source: unclear, not invented.
    expect(latest('review-modern-slavery-strategy')?.to).toBe('unclear');
    // Departments as they are today, with the one that made the commitment.
    expect(byId.get('keep-university-research-support-under-review')).toMatchObject({
      department: 'Department for Science, Innovation and Technology',
      originalDepartment: 'Department for Business, Energy and Industrial Strategy',
    });
    expect(byId.get('monitor-harassment-of-uyghurs-in-uk')).toMatchObject({
      department: 'Home Office',
      originalDepartment: 'Foreign, Commonwealth and Development Office',
    });
    const positions = new Map(data().recommendations.map((r) => [r.number, r.position]));
    expect(positions.get(19)).toBe('accepted-in-part');
    expect(positions.get(29)).toBe('noted');
  });

  it('treat every "we will continue to…" of the response the same way: an undertaking when it names what will be done and through what', () => {
    // Each such sentence is in a commitment's quote, or is the same undertaking as one (another answer
    // saying it again), or names no body, channel, policy or product a public record could show at work.
    const sameUndertakingAs: Record<string, string> = {
      'We will continue to fund similar research.': 'fund-xinjiang-research',
      'We will also continue to use a range of other diplomatic tools': 'intervene-against-deportation-of-uyghurs',
      'however we will continue to keep all listings under review.': 'coordinate-xinjiang-sanctions-with-allies',
      'We will continue to keep these measures under review.': 'keep-overseas-business-risk-guidance-updated',
    };
    const notUndertakings = [
      // Pressure "with our international partners", naming no forum, body or product.
      'We will continue to act with our international partners to increase the pressure on China to change its behaviour.',
      'We will continue to work closely with our partners on this matter.',
      // The G7's intention, not the Government's undertaking.
      'the G7 will continue to stand up for shared values',
    ];
    const { commitments } = data();
    const ids = new Set(commitments.map((c) => c.id));
    const sentences = source.split(/(?<=[.!?])\s+|\n+/).filter((x) => /\bwill (?:also )?continue to\b/.test(x));
    expect(sentences.length).toBeGreaterThan(20);
    const unexplained: string[] = [];
    for (const sentence of sentences) {
      const quoted = commitments.some((c) => normalise(c.quote).includes(normalise(sentence)));
      const same = Object.entries(sameUndertakingAs).find(([fragment]) => normalise(sentence).includes(normalise(fragment)));
      if (same) expect(ids.has(same[1]), same[1]).toBe(true);
      const excluded = notUndertakings.some((fragment) => normalise(sentence).includes(normalise(fragment)));
      if (!quoted && !same && !excluded) unexplained.push(sentence);
      if (quoted && excluded) unexplained.push(`both quoted and excluded: ${sentence}`);
    }
    expect(unexplained).toEqual([]);
  });

  it('make only editor-confirmed proposals (no automatic rules)', () => {
    for (const c of data().commitments) for (const r of c.rules) expect(r.automatic, c.id).toBe(false);
  });
});
