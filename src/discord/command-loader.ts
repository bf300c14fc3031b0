// Loads every command module in commands/ (yuudachi's shape: plain data beside its handlers).
//
// A command module is one file per top-level slash command, commands/<name>.ts, exporting:
//
//   export const definition = { name: 'digest', description: '…', options: [...],
//     default_member_permissions: '32' /* only to hide admin commands; handlers check again */ }
//     as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
//   export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
//   export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>; // optional
//   export const buttons = { 'dg': handler };   // optional: button handlers by custom-id prefix
//
// - `definition.name` must match the file name and be unique; a custom id is `<prefix>|<state…>` (≤100
//   characters) and a prefix belongs to one module ('cl' is /commitment list; 'proposal' is the poster's).
// - Handlers get a CommandContext (src/discord/command.ts): the app (queries, store, clock), subscriptions,
//   guild settings, logger. Answer within 3 s: use `answer()` from respond.ts (it defers when slow),
//   send everything with `allowedMentions: NO_MENTIONS`, refuse privately with `replyPrivately()`,
//   validate options with zod (`parseOptions`), and escape outside text (embed-limits.ts `escapeText`).
// - Deploy with `npm run deploy-commands` after adding or changing a definition.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CommandModule } from './command.ts';

export const COMMANDS_DIR = new URL('../../commands/', import.meta.url);

const ModuleShape = z.object({
  definition: z.looseObject({
    name: z.string().regex(/^[-_\p{L}\p{N}]{1,32}$/u, 'a command name is 1–32 lower-case letters, digits, - or _'),
    description: z.string().min(1).max(100),
    options: z
      .array(z.looseObject({ name: z.string(), type: z.number() }))
      .max(25)
      .optional(),
  }),
  execute: z.custom<CommandModule['execute']>((v) => typeof v === 'function', 'execute must be a function'),
  autocomplete: z.custom<NonNullable<CommandModule['autocomplete']>>((v) => typeof v === 'function', 'autocomplete must be a function').optional(),
  buttons: z
    .record(
      z.string(),
      z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', 'a button handler must be a function'),
    )
    .optional(),
});

export class CommandLoadError extends Error {
  override name = 'CommandLoadError';
}

export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<CommandModule[]> {
  const files = (await readdir(fileURLToPath(dir))).filter((f) => /^[^_.][\w-]*\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const seen = new Map<string, string>();
  const prefixes = new Map<string, string>();
  const modules: CommandModule[] = [];
  for (const file of files) {
    const mod: unknown = await import(new URL(file, dir).href);
    const parsed = ModuleShape.safeParse(mod);
    if (!parsed.success) {
      throw new CommandLoadError(`commands/${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'module'}: ${i.message}`).join('; ')}`);
    }
    const m = mod as CommandModule;
    const name = m.definition.name;
    if (seen.has(name)) throw new CommandLoadError(`commands/${file}: the command name "${name}" is already used by commands/${seen.get(name)}`);
    seen.set(name, file);
    for (const prefix of Object.keys(m.buttons ?? {})) {
      if (prefixes.has(prefix)) throw new CommandLoadError(`commands/${file}: the button prefix "${prefix}" is already used by commands/${prefixes.get(prefix)}`);
      prefixes.set(prefix, file);
    }
    modules.push(m);
  }
  return modules;
}
