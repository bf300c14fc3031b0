// Discord's embed limits, enforced before anything is sent: the API answers 400 for an embed or a
// message over them, and discord.js's builders do not check the 6,000-character total. Text is
// trimmed visibly ("…"), never rejected. Also the escaping every piece of outside text goes through.
// escapeMarkdown from discord.js's own formatters package, not discord.js: the digest and the console
// path load this file, and discord.js (~35 MB resident) is loaded only in Discord mode.
import { escapeMarkdown } from '@discordjs/formatters';
import type { APIEmbed } from 'discord.js';

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Across every embed of one message. */
  total: 6000,
  embedsPerMessage: 10,
} as const;

export const ELLIPSIS = '…';

/** `text` cut to at most `max` characters, ending with a visible "…" when cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  let cut = text.slice(0, max - 1);
  // Never leave half a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd() + ELLIPSIS;
}

const ZWSP = '\u200b';

/**
 * Outside text (feed titles, reasons typed by people) made inert: markdown escaped (masked links,
 * headings and lists too), and @everyone/@here and <@…>/<@&…>/<#…> broken with a zero-width space,
 * even though every message is also sent with allowedMentions { parse: [] }.
 */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(stripInvisible(text), { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
  return neutraliseMentions(escaped);
}

// Bidirectional overrides and isolates, zero-width and other invisible format characters: in a public
// message they can reverse how text reads (U+202E) or hide words (U+200B). Stripped from outside text
// before the bot adds its own zero-width spaces to break mentions.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<([@#])/g, `<${ZWSP}$1`);
}

/** Characters Discord counts towards the 6,000 total of a message. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** A copy of the embed within every per-embed limit (and itself within the 6,000 total). */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncate(out.title, EMBED_LIMITS.title);
  if (out.description !== undefined) out.description = truncate(out.description, EMBED_LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, EMBED_LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: truncate(out.author.name, EMBED_LIMITS.author) };
  if (out.fields) {
    let fields = out.fields.map((f) => ({
      ...f,
      name: truncate(f.name, EMBED_LIMITS.fieldName) || ZWSP,
      value: truncate(f.value, EMBED_LIMITS.fieldValue) || ZWSP,
    }));
    if (fields.length > EMBED_LIMITS.fields) {
      const hidden = fields.length - (EMBED_LIMITS.fields - 1);
      fields = [...fields.slice(0, EMBED_LIMITS.fields - 1), { name: ELLIPSIS, value: `${hidden} more not shown` }];
    }
    out.fields = fields;
  }
  return shrinkToTotal(out, EMBED_LIMITS.total);
}

/** Trims one embed until it fits `max` characters: the description first, then fields from the end, then the rest. */
function shrinkToTotal(embed: APIEmbed, max: number): APIEmbed {
  let excess = embedLength(embed) - max;
  if (excess <= 0) return embed;
  const out: APIEmbed = { ...embed, fields: embed.fields ? [...embed.fields] : undefined };
  if (out.description) {
    const keep = Math.max(out.description.length - excess - 1, 0);
    out.description = keep > 0 ? truncate(out.description, keep + 1) : ELLIPSIS;
    excess = embedLength(out) - max;
  }
  while (excess > 0 && out.fields && out.fields.length) {
    const last = out.fields[out.fields.length - 1]!;
    const room = last.value.length - excess;
    if (room >= 20) {
      out.fields[out.fields.length - 1] = { ...last, value: truncate(last.value, room) };
    } else {
      out.fields.pop();
    }
    excess = embedLength(out) - max;
  }
  if (out.fields && out.fields.length === 0) delete out.fields;
  if (excess > 0 && out.footer) {
    out.footer = { ...out.footer, text: truncate(out.footer.text, Math.max(out.footer.text.length - excess, 1)) };
    excess = embedLength(out) - max;
  }
  if (excess > 0 && out.author) {
    out.author = { ...out.author, name: truncate(out.author.name, Math.max(out.author.name.length - excess, 1)) };
    excess = embedLength(out) - max;
  }
  if (excess > 0 && out.title) out.title = truncate(out.title, Math.max(out.title.length - excess, 1));
  return out;
}

/**
 * Embeds split into messages of at most 10 embeds and 6,000 characters each, in order. Every embed is
 * fitted first; a single embed over the total is trimmed visibly, never dropped.
 */
export function packEmbeds(embeds: readonly APIEmbed[]): APIEmbed[][] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const raw of embeds) {
    const embed = fitEmbed(raw);
    const n = embedLength(embed);
    if (current.length && (current.length >= EMBED_LIMITS.embedsPerMessage || size + n > EMBED_LIMITS.total)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += n;
  }
  if (current.length) messages.push(current);
  return messages;
}
