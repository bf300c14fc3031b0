// A digest run is taken by one process at a time on PostgreSQL too (the "postgres" vitest project only):
// two processes (two pools on one schema) claiming the same runs at the same moment — one of them gets each.
// Under READ COMMITTED a plain read let both see no lease and both take it: the fan-out bench saw 6 of 200
// weekly digests posted twice by two processes.
import { afterAll, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { MINI_SEEDS, testConfig } from './support/register.ts';

const opened: App[] = [];
afterAll(async () => {
  for (const app of opened) await app.close();
});

it('two processes claiming the same digest runs at once: each run is taken by one', async () => {
  const clock = manualClock('2024-06-08T08:00:20Z');
  const config = testConfig({ DATABASE_URL: '/digest-claims.sqlite' });
  for (let i = 0; i < 2; i++) opened.push(await openApp(config, clock, { seedsDir: MINI_SEEDS }));
  const [a, b] = opened as [App, App];
  const now = clock.now();
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) {
    const { run } = await a.digestRuns.record(
      {
        subscriptionId: i + 1,
        channelId: `${1_000_000 + i}`,
        kind: 'digest',
        window: { start: new Date('2024-06-01T08:00:00Z'), end: new Date('2024-06-08T08:00:00Z') },
        late: false,
        render: () => [{ content: 'digest', embeds: [] }],
      },
      now,
    );
    ids.push(run.id);
  }
  const until = new Date(now.getTime() + 60_000);
  const taken = await Promise.all(
    ids.map(async (id) => {
      const claims = await Promise.all([a.digestRuns.claim(id, 'process-a', now, until), b.digestRuns.claim(id, 'process-b', now, until)]);
      return claims.filter(Boolean).length;
    }),
  );
  expect(taken).toEqual(ids.map(() => 1));
});
