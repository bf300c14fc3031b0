// Several registers side by side: the curated Xinjiang register and a second one drafted by
// `commitment-watch import` from a test document and reviewed (test/fixtures/registers/), queried from the
// CLI and from Discord (the real discord.js client against the local fake Discord).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatInputCommandInteraction } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as registerCommand from '../commands/register.ts';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { startDiscord, type DiscordFrontEnd } from '../src/discord/client.ts';
import type { CommandContext } from '../src/discord/command.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { silentLogger } from '../src/log.ts';
import { loadSeeds } from '../src/seed/load-seeds.ts';
import { discordTestConfig, startFakeDiscord } from './support/discord-app.ts';
import { FakeDiscord, PERMS, opt } from './support/fake-discord.ts';
import { cli, tempDir } from './support/register.ts';

const FLOOD = 'flood-resilience-rural-communities';
const XINJIANG = 'never-again-xinjiang';
const root = fileURLToPath(new URL('..', import.meta.url));

/** A seeds folder holding the shipped register and the reviewed draft. */
function twoRegisters(): string {
  const dir = tempDir('cw-registers-');
  mkdirSync(join(dir, 'registers'));
  cpSync(join(root, 'seeds/registers', XINJIANG), join(dir, 'registers', XINJIANG), { recursive: true });
  cpSync(join(root, 'test/fixtures/registers', FLOOD), join(dir, 'registers', FLOOD), { recursive: true });
  return dir;
}

describe('the CLI with two registers loaded', () => {
  let seeds: string;
  beforeAll(() => {
    seeds = twoRegisters();
  });
  afterAll(() => rmSync(seeds, { recursive: true, force: true }));
  const run = (args: string[]) => cli(args, { seedsDir: seeds, now: '2025-01-15T12:00:00Z' });

  it('both registers have a recommendation 1; the register names which', async () => {
    const ambiguous = await run(['recommendation', '1']);
    expect(ambiguous).toMatchObject({ code: 1, stdout: '' });
    expect(ambiguous.stderr).toBe(`commitment-watch: 2 registers are loaded (${FLOOD}, ${XINJIANG}): choose one with --register\n`);
    const flood = await run(['recommendation', '1', '--register', FLOOD, '--json']);
    expect(flood.json()).toMatchObject({ number: 1, register: FLOOD, position: 'accepted', commitments: ['partnership-funding-small-schemes'] });
    expect((flood.json() as { text: string }).text).toMatch(/^That the Department set out/);
    const xinjiang = await run(['recommendation', '1', '--register', XINJIANG, '--json']);
    expect(xinjiang.json()).toMatchObject({ number: 1, register: XINJIANG, position: 'accepted-in-part' });
  });

  it('list, stats and recommendations keep to the register named, and an unknown one is named in one line', async () => {
    const list = (await run(['list', '--register', FLOOD, '--json'])).json() as { id: string }[];
    expect(list.map((c) => c.id).sort()).toEqual([
      'flood-minister-meets-rural-groups',
      'nfm-in-sustainable-farming-incentive',
      'partnership-funding-small-schemes',
      'property-flood-resilience-grant-after-every-flood',
      'report-rural-capital-spending',
      'second-nfm-programme',
    ]);
    expect(((await run(['list', '--json'])).json() as unknown[]).length).toBe(29 + 6);
    expect((await run(['stats', '--register', FLOOD, '--json'])).json()).toMatchObject({
      commitments: { total: 6 },
      recommendations: { total: 8, byPosition: { accepted: 4, 'accepted-in-part': 1, noted: 1, 'not-accepted': 2 } },
    });
    expect((await run(['stats', '--json'])).json()).toMatchObject({ commitments: { total: 35 }, recommendations: { total: 44 } });
    expect(((await run(['recommendations', '--register', XINJIANG, '--json'])).json() as unknown[]).length).toBe(36);
    for (const command of [['list'], ['stats'], ['recommendations'], ['recommendation', '2']]) {
      const bad = await run([...command, '--register', 'no-such-register']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe(`commitment-watch: there is no register "no-such-register" (the registers are ${FLOOD}, ${XINJIANG})\n`);
    }
  });

  it('the digest keeps a scoreboard per register', async () => {
    const digest = (await run(['digest', '--preview', '--json'])).json() as { scoreboards: { register: string; counts: Record<string, number> }[] };
    expect(digest.scoreboards.map((b) => [b.register, Object.values(b.counts).reduce((a, n) => a + n, 0)])).toEqual([
      [FLOOD, 6],
      [XINJIANG, 29],
    ]);
    const text = (await run(['digest', '--preview'])).stdout;
    expect(text).toContain('Scoreboard: Flood Resilience in Rural Communities');
    expect(text).toContain('Scoreboard: Never Again');
  });

  it('the seed loader refuses a commitment id used by two registers, naming both files', async () => {
    const dir = twoRegisters();
    try {
      cpSync(join(dir, 'registers', FLOOD), join(dir, 'registers', 'flood-copy'), { recursive: true });
      const loaded = await loadSeeds(dir);
      expect(loaded.ok).toBe(false);
      const messages = loaded.ok ? [] : loaded.error.map((p) => `${p.file}: ${p.path}: ${p.message}`);
      expect(
        messages.some((m) =>
          /flood-resilience-rural-communities\/commitments\.yaml: commitments\[0\]\.id: "partnership-funding-small-schemes" is already used in .*flood-copy\/commitments\.yaml \(commitments\[0\]/.test(
            m,
          ),
        ),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the seed loader refuses two folders holding one register id, naming both files', async () => {
    const dir = twoRegisters();
    try {
      // A second import of the same report under another folder, its commitment ids all new.
      const copy = join(dir, 'registers', 'flood-reimported');
      cpSync(join(dir, 'registers', FLOOD), copy, { recursive: true });
      const commitments = join(copy, 'commitments.yaml');
      writeFileSync(commitments, readFileSync(commitments, 'utf8').replace(/^( {2}- id: )(\S+)$/gm, '$1$2-again'));
      const loaded = await loadSeeds(dir);
      const messages = loaded.ok ? [] : loaded.error.map((p) => `${p.file}: ${p.path}: ${p.message}`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(
        /flood-resilience-rural-communities\/register\.yaml: id: "flood-resilience-rural-communities" is already the id of the register in .*flood-reimported\/register\.yaml: register ids must be unique$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Discord with two registers loaded', () => {
  let fake: FakeDiscord;
  let app: App;
  let bot: DiscordFrontEnd;
  let seeds: string;
  let dbDir: string;
  const clock = manualClock('2025-01-15T12:00:00Z');
  beforeAll(async () => {
    fake = await startFakeDiscord();
    seeds = twoRegisters();
    dbDir = tempDir('cw-registers-db-');
    const config = discordTestConfig(fake, join(dbDir, 'cw.sqlite'));
    await deployCommands(config, () => undefined);
    app = await openApp(config, clock, { seedsDir: seeds });
    bot = await startDiscord(app, { logger: silentLogger, posterIntervalMs: 0, deliveryTimeoutMs: 1_000, readyTimeoutMs: 5_000, listPageSize: 4 });
  });
  afterAll(async () => {
    for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
    expect(fake.unexpectedRequests()).toEqual([]);
    await bot.stop();
    await app.close();
    await fake.close();
    rmSync(seeds, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('/register list shows each register with its counts', async () => {
    const r = await fake.slashCommand({ name: 'register', subcommand: 'list' }).settled();
    const e = r.embeds![0]!;
    expect(e.title).toBe('2 registers');
    expect(e.fields!.map((f) => f.name)).toEqual([FLOOD, XINJIANG]);
    expect(e.fields![0]!.value).toContain('Rural Communities Committee — 8 recommendations, 6 commitments');
    expect(e.fields![1]!.value).toContain('Foreign Affairs Committee — 36 recommendations, 29 commitments');
  });

  it('/register list with more registers than an embed holds says the rest are found through the option', async () => {
    const registers = Array.from({ length: 27 }, (_, i) => ({
      id: `register-${i + 1}`,
      title: `Report ${i + 1}`,
      committee: 'A Committee',
      recommendations: 1,
      commitments: 1,
    }));
    let replied: { embeds?: { title?: string; description?: string; fields?: unknown[] }[] } | undefined;
    const interaction = { options: { getSubcommand: () => 'list' }, reply: (p: typeof replied) => Promise.resolve((replied = p)) };
    const ctx = { app: { queries: { registers: () => Promise.resolve(registers) } } };
    await registerCommand.execute(interaction as unknown as ChatInputCommandInteraction, ctx as unknown as CommandContext);
    const embed = replied?.embeds?.[0];
    expect(embed?.title).toBe('27 registers');
    expect(embed?.fields).toHaveLength(25);
    expect(embed?.description).toContain('The first 25 are shown: type part of a name in that option to find the others.');
  });

  it('/recommendation show needs the register while both are loaded, and autocompletes it', async () => {
    const ambiguous = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 1 } }).settled();
    expect(ambiguous).toMatchObject({ ephemeral: true });
    expect(ambiguous.content).toBe(`2 registers are loaded (${FLOOD}, ${XINJIANG}): choose one with the \`register\` option (see /register list).`);
    const choices = await fake.autocomplete({ name: 'recommendation', subcommand: 'show', options: { number: 1, register: 'flood' }, focused: 'register' });
    expect(choices.map((c) => c.value)).toEqual([FLOOD]);
    const flood = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 1, register: FLOOD } }).settled();
    expect(flood.embeds![0]!.title).toBe('Recommendation 1 — Funding for rural schemes');
    expect(flood.embeds![0]!.footer?.text).toBe(`Register: ${FLOOD}`);
    const xinjiang = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 1, register: XINJIANG } }).settled();
    expect(xinjiang.embeds![0]!.title).toBe('Recommendation 1 — The Multilateral System');
    const unknown = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 1, register: 'nope' } }).settled();
    expect(unknown).toMatchObject({ ephemeral: true, content: `there is no register "nope" (the registers are ${FLOOD}, ${XINJIANG}).` });
  });

  it('/commitment list filters by register, and its pages keep the filter', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'list', options: { register: FLOOD }, user: 'bob' }).settled();
    const msg = () => fake.message(r.messageId!)!;
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 1 of 2/);
    const next = msg().components[0]!.components!.find((b) => b.label === 'Next')!.custom_id!;
    await fake.button({ customId: next, message: msg(), user: 'bob' }).settled();
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 2 of 2/);
    expect(msg().embeds[0]!.description).toContain('flood-minister-meets-rural-groups');
    expect(msg().embeds[0]!.description).not.toContain('modern-slavery');
  });

  it('/alerts subscribe with a register stores the filter, and only that register’s alerts are posted there', async () => {
    const channel = fake.channelId('alerts');
    const r = await fake
      .slashCommand({
        name: 'alerts',
        subcommand: 'subscribe',
        options: { channel: opt.channel(channel), register: FLOOD },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(r.content).toMatch(new RegExp(`^Subscribed <#${channel}>: immediately, register \`${FLOOD}\``));
    expect((await app.subscriptions.get(channel))?.filters.registers).toEqual([FLOOD]);
    const bad = await fake
      .slashCommand({
        name: 'alerts',
        subcommand: 'subscribe',
        options: { channel: opt.channel(channel), register: 'nope' },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(bad).toMatchObject({ ephemeral: true });
    expect(bad.content).toMatch(/^there is no register "nope"/);
    for (const commitment of ['second-nfm-programme', 'modern-slavery-act-financial-penalties']) {
      await app.outbox.record({
        type: 'evidence',
        commitmentId: commitment,
        payload: { commitment, item: { title: `News about ${commitment}`, link: `https://www.gov.uk/${commitment}` }, feed: 'govuk' },
        dedupeKey: `evidence:${commitment}`,
        createdAt: clock.now().toISOString(),
      });
    }
    await bot.poster.flush();
    // (Answers to the commands above were posted in this channel too: only alerts are counted.)
    const alerts = fake
      .messagesIn(channel)
      .map((m) => m.embeds[0]?.title ?? '')
      .filter((t) => t.startsWith('New evidence'));
    expect(alerts).toEqual(['New evidence: second-nfm-programme']);
  });
});
