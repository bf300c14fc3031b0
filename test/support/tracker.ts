// Test helpers for the tracker page: the mini register (or a bigger or second one) behind a real server
// on 127.0.0.1 with an ephemeral port, and hostile text from "feeds" planted where the pages show it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { App } from '../../src/app.ts';
import { silentLogger } from '../../src/log.ts';
import { startTrackerServer, type TrackerServer } from '../../src/web/server.ts';
import { openApp } from '../../src/app.ts';
import { manualClock } from '../../src/clock.ts';
import { MINI_SEEDS, tempDir, testConfig } from './register.ts';

export const HOSTILE_TITLE = '<script>window.__pwned = 1</script>Penalties "consultation" & <b>more</b>';
export const HOSTILE_REASON = 'Bill published <img src=x onerror="window.__pwned=2">';

export interface TrackerFixture {
  app: App & { clock: { set(at: string): void } };
  server: TrackerServer;
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startTracker(options: { seedsDir?: string; hostile?: boolean; publicUrl?: string } = {}): Promise<TrackerFixture> {
  const clock = manualClock('2024-06-01T12:00:00Z');
  const app = Object.assign(await openApp(testConfig(), clock, { seedsDir: options.seedsDir ?? MINI_SEEDS }), { clock });
  if (options.hostile) await plantHostileText(app);
  const server = await startTrackerServer(app, { port: 0, host: '127.0.0.1', clock: app.clock, logger: silentLogger, publicUrl: options.publicUrl });
  return {
    app,
    server,
    get: (path, init) => fetch(new URL(path.replace(/^\//, ''), server.url), init),
    close: async () => {
      await server.stop();
      await app.close();
    },
  };
}

/** What a hostile feed could put in the store: an evidence title, a link that is not http(s), a reason, a feed error. */
export async function plantHostileText(app: App): Promise<void> {
  await app.store.upsertSeedEvidence(
    'modern-slavery-penalties',
    { url: 'https://www.gov.uk/government/consultations/penalties', title: HOSTILE_TITLE, date: '2024-05-20' },
    '2024-05-21T08:00:00.000Z',
  );
  await app.store.upsertSeedEvidence(
    'modern-slavery-penalties',
    { url: 'javascript:window.__pwned=3', title: 'A link that is not a web address' },
    '2024-05-22T08:00:00.000Z',
  );
  await app.store.changeStatus(
    { commitmentId: 'modern-slavery-penalties', to: 'in-progress', reason: HOSTILE_REASON, evidence: ['https://bills.parliament.uk/bills/1234'], actor: 'cli:test' },
    '2024-05-30T10:00:00.000Z',
  );
  const feeds = app.feeds;
  await feeds.syncFeeds([
    { id: 'govuk-home-office', url: 'https://www.gov.uk/government/organisations/home-office.atom', kind: 'govuk-atom', everyMs: 3_600_000 },
    { id: 'bills', url: 'https://bills.parliament.uk/rss/allbills.rss', kind: 'parliament-bills', everyMs: 3_600_000 },
  ]);
  await feeds.transaction((tx) =>
    tx.updateFeed('bills', {
      health: 'failing',
      healthReason: 'HTTP 500 <script>window.__pwned=4</script>',
      consecutiveFailures: 3,
      lastAttemptAt: '2024-06-01T11:00:00.000Z',
    }),
  );
}

/** A seeds folder with the mini register and a second register (its own recommendation 1 and one commitment). */
export function twoRegisterSeeds(): string {
  const dir = tempDir('cw-two-');
  cpSync(join(MINI_SEEDS, 'registers'), join(dir, 'registers'), { recursive: true });
  const other = join(dir, 'registers', 'other');
  mkdirSync(other, { recursive: true });
  writeFileSync(
    join(other, 'register.yaml'),
    stringify({
      id: 'other',
      title: 'Another Report',
      committee: 'Other Committee',
      documents: [{ id: 'response', kind: 'government-response', title: 'Response to Another Report', published: '2022-03-01' }],
    }),
  );
  writeFileSync(
    join(other, 'recommendations.yaml'),
    stringify({
      recommendations: [
        {
          number: 1,
          theme: 'Elsewhere',
          text: 'The Government should publish a plan.',
          response: 'We will publish a plan.',
          position: 'accepted',
          rationale: 'It says it will.',
          departments: ['Cabinet Office'],
        },
      ],
    }),
  );
  writeFileSync(join(other, 'commitments.yaml'), stringify({ commitments: [commitment('publish-the-plan', 1, 'Cabinet Office', 'delivered')] }));
  return dir;
}

/** A seeds folder with one register of `n` made-up commitments (for paging). */
export function bigRegisterSeeds(n: number): string {
  const dir = tempDir('cw-big-');
  cpSync(join(MINI_SEEDS, 'registers'), join(dir, 'registers'), { recursive: true });
  const mini = join(dir, 'registers', 'mini');
  const statuses = ['not-started', 'in-progress', 'delivered'] as const;
  const made = Array.from({ length: n }, (_, i) => commitment(`made-up-${String(i + 1).padStart(3, '0')}`, 1 + (i % 3), 'Home Office', statuses[i % 3]!));
  writeFileSync(join(mini, 'commitments.yaml'), stringify({ commitments: made }));
  return dir;
}

function commitment(id: string, rec: number, department: string, status: string) {
  return {
    id,
    title: `Commitment ${id}`,
    quote: `We will do ${id}.`,
    recommendations: [rec],
    department,
    madeIn: 'response',
    madeOn: '2022-03-01',
    status,
    statusReason: 'Made up for a test.',
    watch: { any: [id] },
  };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
