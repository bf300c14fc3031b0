// Registers the slash commands with one bulk overwrite: to DISCORD_GUILD_ID when set (instant),
// otherwise globally (Discord takes a while to propagate). Prints what was added, updated, removed.
//   npm run deploy-commands
import { REST, Routes, type RESTGetAPIApplicationCommandsResult, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { pathToFileURL } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { configOrExit, type Config } from '../config.ts';
import { loadCommands } from './command-loader.ts';

export interface DeployResult {
  scope: 'guild' | 'global';
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

const COMPARED = ['description', 'options', 'default_member_permissions', 'contexts', 'nsfw'] as const;
const norm = (v: unknown): string =>
  JSON.stringify(v === false || v === undefined ? null : v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x)
            .filter(([, y]) => y !== undefined && y !== null && y !== false)
            .sort(),
        )
      : x,
  );

export async function deployCommands(config: Config, write: (line: string) => void): Promise<DeployResult | { missing: string[] }> {
  const token = config.discord?.token;
  const appId = config.discordApplicationId;
  const missing = [!token && 'DISCORD_TOKEN', !appId && 'DISCORD_APPLICATION_ID'].filter((x): x is string => !!x);
  if (missing.length || !token || !appId) return { missing };
  const definitions: RESTPostAPIChatInputApplicationCommandsJSONBody[] = (await loadCommands()).map((c) => c.definition);
  const rest = new REST({ version: '10', ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}) }).setToken(token);
  const guildId = config.discordGuildId;
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const before = (await rest.get(route)) as RESTGetAPIApplicationCommandsResult;
  const result: DeployResult = { scope: guildId ? 'guild' : 'global', added: [], updated: [], removed: [], unchanged: [] };
  for (const def of definitions) {
    const old = before.find((c) => c.name === def.name);
    if (!old) result.added.push(def.name);
    else if (COMPARED.some((k) => norm((old as unknown as Record<string, unknown>)[k]) !== norm((def as unknown as Record<string, unknown>)[k])))
      result.updated.push(def.name);
    else result.unchanged.push(def.name);
  }
  for (const old of before) if (!definitions.some((d) => d.name === old.name)) result.removed.push(old.name);
  await rest.put(route, { body: definitions });
  write(`Deployed ${definitions.length} commands ${guildId ? `to guild ${guildId} (available now)` : 'globally (may take up to an hour to appear)'}.`);
  for (const [label, names] of [
    ['added', result.added],
    ['updated', result.updated],
    ['removed', result.removed],
    ['unchanged', result.unchanged],
  ] as const) {
    if (names.length) write(`  ${label}: ${names.map((n) => `/${n}`).join(', ')}`);
  }
  return result;
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true }); // as `npm start` does: .env beside package.json
  const config = configOrExit();
  try {
    const result = await deployCommands(config, (l) => process.stdout.write(`${l}\n`));
    if ('missing' in result) {
      process.stderr.write(
        `Cannot deploy commands: ${result.missing.join(' and ')} ${result.missing.length > 1 ? 'are' : 'is'} not set. Copy them from the Discord developer portal (see the README's Discord section and .env.example).\n`,
      );
      process.exit(2);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Deploying commands failed: ${config.discord ? message.replaceAll(config.discord.token, '[redacted]') : message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
