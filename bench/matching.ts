// Matching 10,000 synthetic feed items against 1,000 synthetic commitments: the indexed Matcher
// (construction + matching, median of 5 runs after one untimed warm-up) beside a naive baseline in the same run that loops every
// commitment × every term with one regular expression per term. Goal: the Matcher under 250 ms.
// The naive baseline is slow, so it runs once over a sample of the items and is scaled to the full set;
// on that sample the two must agree on which commitments each item touches.
//
//   npx tsx bench/matching.ts
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WatchTerms } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import { Matcher } from '../src/match/matcher.ts';
import { foldSpelling, normalise, SHORT_WORD_MAX, words } from '../src/match/text.ts';
import type { CommitmentRow } from '../src/store/register-store.ts';

export const GOAL_MS = 250;

// Realistic vocabulary: policy phrases as watch terms, and the filler of government news around them.
const PHRASES =
  `export control|export licensing|military end-use|modern slavery|modern slavery act|transparency in supply chains|section 54|forced labour|supply chain|due diligence|
procurement bill|procurement act|public procurement|procurement policy note|exclude suppliers|debarment|trade envoy|training course|atrocity prevention|mass atrocit|
genocide determination|human rights council|third committee|joint statement|arbitrary detention|internment camp|re-education|unfettered access|independent observers|high commissioner for human rights|
magnitsky|asset freeze|travel ban|sanctions designation|overseas business risk|import ban|import control|goods produced using forced labour|cotton|solar panel|
polysilicon|surveillance technology|facial recognition|hikvision|dahua|research collaboration|research security|trusted research|academic interference|universities uk|
security guidelines|international academy|conflict centre|cultural heritage|cultural protection fund|unesco|world heritage|international labour organization|international labour conference|asylum|
country policy and information note|deportation|extradition|refoulement|transnational repression|harassment|diaspora|consultation|build back better world|quality infrastructure|
single enforcement body|employment rights|labour market enforcement|gangmasters|national referral mechanism|victims of modern slavery|independent anti-slavery commissioner|child labour|human trafficking|
sanctions regulations|financial sanctions|office of financial sanctions implementation|export control joint unit|strategic export|dual-use|end-user undertaking|arms embargo|critical minerals|
foreign direct investment|national security and investment act|investment screening|semiconductors|telecommunications security|huawei|high risk vendors|data adequacy|cyber security|
online safety|freedom of expression|press freedom|religious freedom|freedom of religion or belief|hong kong|national security law|british national overseas|bno visa|sino-british joint declaration`
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
const STEMS =
  'penalt|sanction|universit|deport|consult|fine|enforc|legislat|regulat|investigat|prosecut|audit|licen|complian|report|review|guidance|strateg|fund|grant'.split(
    '|',
  );
const ADJECTIVES =
  'national|international|regional|strategic|digital|maritime|financial|industrial|agricultural|environmental|economic|humanitarian|diplomatic|parliamentary|judicial|corporate|public|private|civil|military'.split(
    '|',
  );
const NOUNS =
  'resilience|partnership|framework|programme|dialogue|taskforce|charter|compact|review|inquiry|register|standard|forum|fund|initiative|assessment|mechanism|observatory|network|council|panel|roadmap|protocol|platform|index'.split(
    '|',
  );
const REGIONS =
  'xinjiang|uyghur|uighur|china|chinese|tibet|hong kong|beijing|russia|iran|myanmar|burma|north korea|belarus|eritrea|sudan|yemen|syria|afghanistan|ukraine'.split(
    '|',
  );
// Filler as news is written: mostly function words, then topic words of government news, then the long
// tail of other words (made up here). A tiny vocabulary would put every word in a third of the items and
// make broad terms such as "consultation" hit far more often than they do in real feeds.
const FUNCTION_WORDS = 'the of and to a in for on with that this will be has by from as at we our it is are which have its their new'.split(' ');
const SYLLABLES = 'ba be bi bo ca ce co da de di do fa fe fi ga ge go la le li lo ma me mi mo na ne no pa pe po ra re ri ro sa se si so ta te ti to va ve vi'.split(
  ' ',
);
const TOPIC_WORDS =
  `the government has today announced new measures to support businesses and communities across the country minister said that this will help ensure we continue
to work with partners on a range of issues including growth investment jobs skills housing health education transport energy climate security defence trade
department officials published an update on progress made since last year and set out next steps for the programme which will be delivered over the coming months
a consultation response and impact assessment accompany the announcement stakeholders welcomed the plans while campaigners called for further action on priorities
secretary of state visited the region to meet local leaders employers and charities discussing opportunities for collaboration funding and long term planning`
    .split(/\s+/)
    .filter(Boolean);
const DOC_TYPES = [
  'News story',
  'Press release',
  'Policy paper',
  'Guidance',
  'Written statement',
  'Speech',
  'Correspondence',
  'Consultation outcome',
  'Statistics',
  'Transparency data',
];
const DEPARTMENTS = [
  'Foreign, Commonwealth and Development Office',
  'Department for Business and Trade',
  'Home Office',
  'Cabinet Office',
  'Department for Education',
  'HM Treasury',
];

function rng(seed: number): () => number {
  // mulberry32: small, fast, deterministic.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n commitments with 2–5 `any` terms, 0–2 `all` groups and sometimes a `none` term, drawn from a vocabulary of ~2,000 phrases. */
export function syntheticCommitments(n: number, seed = 1): CommitmentRow[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Like the real seeds: `any` terms are mostly specific phrases, with some broad single words and
  // stems ("consultation", "penalt"); the broad ones are usually gated by an `all` group.
  const term = () => {
    const r = random();
    if (r < 0.6) return pick(PHRASES);
    if (r < 0.65) return pick(STEMS);
    if (r < 0.95) return `${pick(ADJECTIVES)} ${pick(NOUNS)}`;
    return `${pick(REGIONS)} ${pick(NOUNS)}`;
  };
  return Array.from({ length: n }, (_, i) => {
    const any = Array.from({ length: 2 + Math.floor(random() * 4) }, term);
    const all = Array.from({ length: Math.floor(random() * 3) }, () =>
      random() < 0.5 ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(REGIONS)).join('|') : `${pick(STEMS)}|${pick(STEMS)}`,
    );
    const none = random() < 0.2 ? [pick(REGIONS)] : [];
    return {
      id: `commitment-${i}`,
      registerId: 'bench',
      title: `Commitment ${i}`,
      quote: 'We will.',
      status: 'not-started',
      department: pick(DEPARTMENTS),
      originalDepartment: null,
      recommendations: [1],
      madeIn: 'response',
      madeOn: '2021-11-01',
      deadline: null,
      deadlineDate: null,
      watch: WatchTerms.parse({ any, all, none }),
      rules: [],
    };
  });
}

/**
 * n items shaped like GOV.UK items. A quarter carry a watch term in the title and about half one or two in
 * the summary (real feeds carry far fewer: this is a demanding mix), amid filler in which broad words such
 * as "consultation" or "funding" turn up as they do in real news.
 */
export function syntheticItems(n: number, seed: number, commitments: readonly CommitmentRow[]): FeedItem[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const termOf = () => {
    const c = pick(commitments);
    const t = random() < 0.7 ? pick(c.watch.any) : pick(c.watch.all.length ? c.watch.all : c.watch.any);
    // Use a term as text: a stem gets an ending, a phrase may get a plural or a capital.
    const alternative = pick(t.split('|'));
    const suffix = pick(['', '', 's', 'ies', 'ing', 'ed']);
    return random() < 0.5 ? alternative + suffix : alternative.replace(/\b\w/g, (ch) => ch.toUpperCase());
  };
  const tail = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join('');
  const word = () => {
    const r = random();
    return r < 0.55 ? pick(FUNCTION_WORDS) : r < 0.8 ? pick(TOPIC_WORDS) : tail();
  };
  const filler = (k: number) => Array.from({ length: k }, word).join(' ');
  return Array.from({ length: n }, (_, i) => {
    const inTitle = random() < 0.25 ? `${termOf()}: ` : '';
    const mentions = random() < 0.55 ? 0 : random() < 0.67 ? 1 : 2;
    const inSummary = Array.from({ length: mentions }, () => `${filler(8 + Math.floor(random() * 10))} ${termOf()}`).join('. ');
    const type = pick(DOC_TYPES);
    return {
      key: `/government/news/item-${i}`,
      link: `https://www.gov.uk/government/news/item-${i}`,
      title: `${inTitle}${filler(4 + Math.floor(random() * 6))}`,
      summary: `${inSummary} ${filler(15 + Math.floor(random() * 30))}.`,
      categories: [type],
      department: pick(DEPARTMENTS),
      documentType: type,
      published: '2024-03-01T09:30:00Z',
    };
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A text's words in the spelling the Matcher compares (text.ts foldSpelling). */
const folded = (text: string) => normalise(text).replace(/[\p{L}\p{N}]+/gu, foldSpelling);

/**
 * One regular expression per term: each word at a word start (a word of SHORT_WORD_MAX characters or fewer
 * as a whole word), words consecutive, within one field.
 */
function termRegex(term: string): RegExp | undefined {
  const ws = words(folded(term));
  if (ws.length === 0) return undefined;
  const word = (w: string) => (w.length <= SHORT_WORD_MAX ? `${escape(w)}(?![\\p{L}\\p{N}])` : `${escape(w)}[\\p{L}\\p{N}]*`);
  return new RegExp(`(?<![\\p{L}\\p{N}])${ws.map(word).join('[^\\p{L}\\p{N}\\u0000]+')}`, 'u');
}

/**
 * The naive baseline: for an item, every commitment × every `any` term, one regex each (and `all`/`none`
 * for those that hit). Returns the ids of the commitments with an `any` term matched — the Matcher's candidates.
 */
export function naiveCandidates(commitments: readonly CommitmentRow[]): (item: FeedItem) => string[] {
  const compiled = commitments.map((c) => ({
    id: c.id,
    any: c.watch.any
      .flatMap((t) => t.split('|'))
      .map(termRegex)
      .filter((r): r is RegExp => r !== undefined),
    all: c.watch.all.map((g) =>
      g
        .split('|')
        .map(termRegex)
        .filter((r): r is RegExp => r !== undefined),
    ),
    none: c.watch.none.map(termRegex).filter((r): r is RegExp => r !== undefined),
  }));
  return (item) => {
    const fields = [item.title, item.billTitle, item.summary, ...item.categories, item.department, item.documentType];
    const text = fields
      .filter((f): f is string => !!f)
      .map(folded)
      .join('\u0000');
    const hits: string[] = [];
    for (const c of compiled) {
      if (!c.any.some((r) => r.test(text))) continue;
      // Same judgement work as the Matcher does for a candidate.
      c.all.every((g) => g.some((r) => r.test(text)));
      c.none.some((r) => r.test(text));
      hits.push(c.id);
    }
    return hits;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface MatchingBench {
  items: number;
  commitments: number;
  /** Matcher construction + matching every item, median of `runs`. */
  ms: number;
  /** The naive baseline for every item (measured on `naiveItems` and scaled). */
  naiveMs: number;
  ratio: number;
  naiveItems: number;
  runs: number;
  constructionMs: number;
  accepted: number;
  candidates: number;
  /** Items of the sample on which the Matcher and the baseline disagree (must be 0). */
  mismatches: number;
}

export function benchMatching(options: { items?: number; commitments?: number; runs?: number; naiveItems?: number } = {}): MatchingBench {
  const nItems = options.items ?? 10_000;
  const nCommitments = options.commitments ?? 1_000;
  const runs = options.runs ?? 5;
  const commitments = syntheticCommitments(nCommitments, 42);
  const items = syntheticItems(nItems, 4242, commitments);

  // One untimed run first, so the figures are of compiled code, as in a bot that has been running a while.
  const warm = new Matcher(commitments);
  for (const item of items) warm.match(item, 'govuk-atom');
  const totals: number[] = [];
  const constructions: number[] = [];
  let accepted = 0;
  let candidates = 0;
  let matcher: Matcher | undefined;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    matcher = new Matcher(commitments);
    const built = performance.now();
    accepted = 0;
    candidates = 0;
    for (const item of items) {
      const results = matcher.match(item, 'govuk-atom');
      candidates += results.length;
      for (const r of results) if (r.accepted) accepted++;
    }
    totals.push(performance.now() - start);
    constructions.push(built - start);
  }

  const sample = items.slice(0, Math.min(nItems, options.naiveItems ?? 1_000));
  const naiveStart = performance.now();
  const naive = naiveCandidates(commitments);
  const naiveResults = sample.map(naive);
  const naiveSampleMs = performance.now() - naiveStart;
  const naiveMs = (naiveSampleMs * nItems) / sample.length;

  let mismatches = 0;
  for (const [i, item] of sample.entries()) {
    const fast = matcher!
      .match(item, 'govuk-atom')
      .map((r) => r.commitmentId)
      .sort()
      .join(',');
    if (fast !== naiveResults[i]!.sort().join(',')) mismatches++;
  }
  const ms = median(totals);
  return {
    items: nItems,
    commitments: nCommitments,
    ms,
    naiveMs,
    ratio: naiveMs / ms,
    naiveItems: sample.length,
    runs,
    constructionMs: median(constructions),
    accepted,
    candidates,
    mismatches,
  };
}

export function printMatching(r: MatchingBench): void {
  const verdict = r.ms < GOAL_MS ? 'met' : 'MISSED';
  console.log(
    `\nMatching — ${r.items.toLocaleString('en-GB')} items × ${r.commitments.toLocaleString('en-GB')} commitments: ` +
      `Matcher ${r.ms.toFixed(1)} ms (construction ${r.constructionMs.toFixed(1)} ms; median of ${r.runs} after a warm-up; goal < ${GOAL_MS} ms: ${verdict}); ` +
      `naive regex loop ${(r.naiveMs / 1000).toFixed(1)} s (measured on ${r.naiveItems.toLocaleString('en-GB')} items, scaled); ` +
      `${r.ratio.toFixed(0)}× faster; ${r.candidates.toLocaleString('en-GB')} candidates, ${r.accepted.toLocaleString('en-GB')} accepted; ` +
      `disagreements with the baseline: ${r.mismatches}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printMatching(benchMatching());
