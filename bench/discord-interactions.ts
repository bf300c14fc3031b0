// Interaction response time: INTERACTION_CREATE sent by the local fake Discord (127.0.0.1) → the bot's first
// callback received, as the fake measures it (Discord drops an interaction not answered within 3 s). The
// real bot, logged in with discord.js on the real register, answering /help, /commitment show, /commitment
// search and an autocomplete; against the baseline measured in the same run: a bare discord.js client
// answering every command at once on its own fake (what the fake, the gateway and discord.js cost alone).
// The rounds are interleaved so a busy machine weighs on both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Events, GatewayIntentBits, Routes } from 'discord.js';
import { openApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { startDiscord } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { silentLogger } from '../src/log.ts';
import { FakeDiscord, type InteractionHandle, type ResponseTime } from '../test/support/fake-discord.ts';

const ROUNDS = 40;
const TOKEN = 'fake-bot-token-for-the-interaction-benchmark';
const BASELINE = 'bare discord.js client (baseline)';

interface Figure {
  label: string;
  count: number;
  p50: number;
  p90: number;
  max: number;
}

function figure(label: string, times: ResponseTime[]): Figure {
  const ms = times.map((t) => t.ms).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.max(0, Math.ceil((p / 100) * ms.length) - 1)] ?? NaN;
  return { label, count: ms.length, p50: pct(50), p90: pct(90), max: ms.at(-1) ?? NaN };
}

/** A discord.js client that answers every command at once, logged into its own fake with one command. */
async function bareClient(fake: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl, version: '10', timeout: 5_000 }, waitGuildTimeout: 1_000 });
  client.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand()) void i.reply({ content: 'ok', allowedMentions: { parse: [] } });
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guildId), { body: [{ name: 'ping', description: 'Answers at once', type: 1 }] });
  return client;
}

export async function benchDiscordInteractions(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-discord-'));
  const baselineFake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  const botFake = await FakeDiscord.start({ token: TOKEN, heartbeatIntervalMs: 1_000 });
  const stops: Array<() => Promise<unknown>> = [
    () => baselineFake.close(),
    () => botFake.close(),
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  try {
    const bare = await bareClient(baselineFake);
    stops.unshift(() => bare.destroy());
    const config = loadConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: botFake.applicationId,
      DISCORD_GUILD_ID: botFake.guildId,
      DISCORD_API_URL: botFake.apiUrl,
      DATABASE_URL: join(dir, 'cw.sqlite'),
      LOG_LEVEL: 'silent',
      GOVUK_CONTENT_API_URL: 'off',
      WEB_PORT: 'off',
    });
    if (!config.ok) throw new Error(config.error.join('; '));
    await deployCommands(config.value, () => undefined);
    const app = await openApp(config.value, systemClock);
    stops.unshift(() => app.close());
    const bot = await startDiscord(app, { logger: silentLogger, posterIntervalMs: 0, readyTimeoutMs: 5_000 });
    stops.unshift(() => bot.stop());
    const commitment = app.registers[0]!.commitments[0]!.id;
    // Each interaction's id under its label; the fakes measure, this only sorts their figures.
    const asked = new Map<string, Set<string>>();
    const ask = async (label: string, handle: InteractionHandle) => {
      if (!asked.has(label)) asked.set(label, new Set());
      asked.get(label)!.add(handle.id);
      await handle.reply();
    };
    for (let round = 0; round < ROUNDS; round++) {
      await ask(BASELINE, baselineFake.slashCommand({ name: 'ping' }));
      await ask('/help', botFake.slashCommand({ name: 'help' }));
      await ask('/commitment show', botFake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment } }));
      await ask('/commitment search', botFake.slashCommand({ name: 'commitment', subcommand: 'search', options: { text: 'export controls' } }));
      await botFake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: 'trade' }, focused: 'commitment' });
    }
    const times = [...baselineFake.responseTimes(), ...botFake.responseTimes()];
    return [
      ...[...asked].map(([label, ids]) =>
        figure(
          label,
          times.filter((t) => ids.has(t.interactionId)),
        ),
      ),
      figure(
        'autocomplete of /commitment show',
        botFake.responseTimes().filter((t) => t.kind === 'autocomplete'),
      ),
    ];
  } finally {
    for (const stop of stops) await stop();
  }
}

export function printDiscordInteractions(figures: Figure[]): void {
  console.log(`\nInteraction response time — INTERACTION_CREATE sent → first callback, local fake Discord, ${ROUNDS} rounds; Discord's limit 3 s`);
  const baseline = figures.find((f) => f.label === BASELINE)!;
  for (const f of figures) {
    const ratio = f === baseline ? '' : `   ${(f.p50 / baseline.p50).toFixed(1)}× the baseline's p50`;
    console.log(
      `  ${f.label.padEnd(36)} p50 ${f.p50.toFixed(2).padStart(7)} ms   p90 ${f.p90.toFixed(2).padStart(7)} ms   max ${f.max.toFixed(2).padStart(7)} ms${ratio}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printDiscordInteractions(await benchDiscordInteractions());
