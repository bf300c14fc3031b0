// Discord's message limits, checked the way the API does (400 Invalid Form Body), and mention analysis.
import type { ApiAllowedMentions, ApiComponent, ApiEmbed } from './api.ts';

export interface ApiErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

type Problem = { path: Array<string | number>; code: string; message: string };

function errorTree(problems: Problem[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of problems) {
    let node = root;
    for (const key of p.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
    list.push({ code: p.code, message: p.message });
  }
  return root;
}

export function invalidFormBody(problems: Problem[]): ApiErrorBody {
  return { code: 50035, message: 'Invalid Form Body', errors: errorTree(problems) };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function maxLen(problems: Problem[], path: Array<string | number>, value: unknown, max: number): void {
  if (typeof value === 'string' && [...value].length > max) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

export interface MessageBody {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  flags?: unknown;
  allowed_mentions?: unknown;
  attachments?: unknown;
  sticker_ids?: unknown;
  poll?: unknown;
  [key: string]: unknown;
}

/**
 * Checks a message create/edit body against Discord's limits. `creating` also rejects empty messages.
 * Returns the error body the API would send, or null if the message is acceptable.
 */
export function checkMessage(body: MessageBody, opts: { creating: boolean; fileCount: number }): ApiErrorBody | null {
  const problems: Problem[] = [];
  maxLen(problems, ['content'], body.content, 2000);

  const embeds = Array.isArray(body.embeds) ? (body.embeds as ApiEmbed[]) : [];
  if (embeds.length > 10) problems.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  embeds.forEach((e, i) => {
    maxLen(problems, ['embeds', i, 'title'], e.title, 256);
    maxLen(problems, ['embeds', i, 'description'], e.description, 4096);
    maxLen(problems, ['embeds', i, 'footer', 'text'], e.footer?.text, 2048);
    maxLen(problems, ['embeds', i, 'author', 'name'], e.author?.name, 256);
    total += [...str(e.title)].length + [...str(e.description)].length;
    total += [...str(e.footer?.text)].length + [...str(e.author?.name)].length;
    const fields = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length > 25) {
      problems.push({ path: ['embeds', i, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    }
    fields.forEach((f, j) => {
      for (const [key, max] of [
        ['name', 256],
        ['value', 1024],
      ] as const) {
        const v = f[key];
        if (typeof v !== 'string' || v.length === 0) {
          problems.push({ path: ['embeds', i, 'fields', j, key], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        } else maxLen(problems, ['embeds', i, 'fields', j, key], v, max);
      }
      total += [...str(f.name)].length + [...str(f.value)].length;
    });
  });
  if (total > 6000) {
    problems.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }

  const rows = Array.isArray(body.components) ? (body.components as ApiComponent[]) : [];
  const v2 = typeof body.flags === 'number' && (body.flags & (1 << 15)) !== 0;
  if (!v2) {
    if (rows.length > 5) problems.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
    rows.forEach((row, i) => {
      const children = row.components ?? [];
      if (row.type === 1 && children.length > 5) {
        problems.push({ path: ['components', i, 'components'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
      }
      children.forEach((c, j) => {
        maxLen(problems, ['components', i, 'components', j, 'custom_id'], c.custom_id, 100);
        maxLen(problems, ['components', i, 'components', j, 'label'], c.label, 80);
      });
    });
  }
  if (problems.length) return invalidFormBody(problems);

  if (opts.creating) {
    const hasContent = typeof body.content === 'string' && body.content.trim().length > 0;
    const hasSticker = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
    if (!hasContent && embeds.length === 0 && rows.length === 0 && opts.fileCount === 0 && !hasSticker && !body.poll) {
      return { code: 50006, message: 'Cannot send an empty message' };
    }
  }
  return null;
}

export interface Choice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string> | null;
}

export function checkChoices(choices: unknown): ApiErrorBody | null {
  if (!Array.isArray(choices)) return invalidFormBody([{ path: ['data', 'choices'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }]);
  const problems: Problem[] = [];
  if (choices.length > 25) problems.push({ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  (choices as Choice[]).forEach((c, i) => {
    if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100) {
      problems.push({ path: ['data', 'choices', i, 'name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    if (typeof c.value === 'string' && c.value.length > 100) {
      problems.push({ path: ['data', 'choices', i, 'value'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
  });
  return problems.length ? invalidFormBody(problems) : null;
}

/**
 * The mentions in `content` that would notify someone, given `allowed_mentions` (absent = Discord's default:
 * everything parses). Embeds never ping.
 */
export function wouldPing(content: unknown, am: ApiAllowedMentions | null | undefined): string[] {
  if (typeof content !== 'string') return [];
  const parse = am ? (am.parse ?? []) : ['everyone', 'users', 'roles'];
  const users = am?.users ?? [];
  const roles = am?.roles ?? [];
  const out: string[] = [];
  for (const m of content.matchAll(/@(everyone|here)\b|<@(!?)(\d+)>|<@&(\d+)>/g)) {
    if (m[1]) {
      if (parse.includes('everyone')) out.push(`@${m[1]}`);
    } else if (m[3]) {
      if (parse.includes('users') || users.includes(m[3])) out.push(`<@${m[3]}>`);
    } else if (m[4]) {
      if (parse.includes('roles') || roles.includes(m[4])) out.push(`<@&${m[4]}>`);
    }
  }
  return out;
}
