// The shared send schedule on PostgreSQL (the "postgres" vitest project only): two processes (two pools on
// one schema) taking slots at once get one schedule that never holds more than the rate in any second and
// leaves none of it unused; one process alone gets all of it; and the server's clock decides, not the
// callers' (processes on machines whose clocks differ still agree). Nothing sleeps: the slots are read.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, parseDatabaseUrl, type OpenStore } from '../src/db/database.ts';
import { DEFAULT_GLOBAL_RATE } from '../src/send-pacer.ts';
import { KyselySendSlotStore } from '../src/store/send-slot-store.ts';
import { schemaPrefix, schemaUrl } from './support/test-engine.ts';
import { busiestWindow } from './support/virtual-time.ts';

const RATE = DEFAULT_GLOBAL_RATE;
const INTERVAL = Math.ceil(1e6 / RATE) / 1000;
const opened: OpenStore[] = [];

afterAll(async () => {
  for (const o of opened) await o.close();
});

async function processStore(): Promise<KyselySendSlotStore> {
  const location = parseDatabaseUrl(schemaUrl(`${schemaPrefix()}_slots`));
  if (!location.ok) throw new Error(location.error);
  const o = await openStore(location.value);
  opened.push(o);
  return new KyselySendSlotStore(o.db);
}

/** Each store takes `count` slots one after another (all stores at once); the slots each got. */
async function takeSlots(stores: KyselySendSlotStore[], name: string, count: number): Promise<number[][]> {
  // A second already queued ahead (another process busy sending), so a slow round trip cannot open a gap.
  await stores[0]!.take(name, RATE, INTERVAL, Date.now());
  return Promise.all(
    stores.map(async (store) => {
      const slots: number[] = [];
      for (let i = 0; i < count; i++) slots.push((await store.take(name, 1, INTERVAL, Date.now())).firstAt);
      return slots;
    }),
  );
}

function gaps(slots: number[]): number[] {
  const sorted = [...slots].sort((a, b) => a - b);
  return sorted.slice(1).map((s, i) => s - sorted[i]!);
}

describe('send slots on PostgreSQL', () => {
  it('two processes taking slots at once: never more than the rate in any second, and all of it used', async () => {
    const stores = [await processStore(), await processStore()];
    const [a, b] = await takeSlots(stores, 'two', 100);
    const all = [...a!, ...b!];
    expect(new Set(all).size).toBe(200);
    expect(busiestWindow(all)).toBeLessThanOrEqual(RATE);
    // One schedule with no holes: every slot an interval after the one before, whoever took it.
    for (const gap of gaps(all)) expect(gap).toBeCloseTo(INTERVAL, 1);
  });

  it('one process alone gets the whole rate', async () => {
    const [slots] = await takeSlots([await processStore()], 'alone', 100);
    expect(busiestWindow(slots!)).toBe(RATE);
    expect(Math.max(...slots!) - Math.min(...slots!)).toBeCloseTo(99 * INTERVAL, 1);
  });

  it("a schedule an hour ahead of the server's clock (stepped back since) starts again from now", async () => {
    const store = await processStore();
    await store.take('step', 1, INTERVAL, Date.now());
    await opened
      .at(-1)!
      .db.updateTable('send_slots')
      .set({ next_at: Date.now() + 3_600_000 })
      .where('name', '=', 'step')
      .execute();
    const after = await store.take('step', 1, INTERVAL, Date.now());
    expect(after.firstAt - after.now).toBeLessThanOrEqual(INTERVAL);
  });

  it("the server's clock decides: callers a day ahead or behind get the same schedule", async () => {
    const store = await processStore();
    const day = 86_400_000;
    const ahead = await store.take('clocks', 1, INTERVAL, Date.now() + day);
    const behind = await store.take('clocks', 1, INTERVAL, Date.now() - day);
    // Both on the server's timeline (this machine's clock, to within a few seconds), at least an interval apart.
    expect(Math.abs(ahead.now - Date.now())).toBeLessThan(5_000);
    expect(ahead.firstAt - ahead.now).toBeLessThan(1);
    expect(behind.firstAt - ahead.firstAt).toBeGreaterThanOrEqual(INTERVAL - 0.01);
    expect(behind.firstAt - behind.now).toBeLessThanOrEqual(INTERVAL);
  });
});
