// Unit tests of the embed limits and the escaping every outside text goes through.
import { readFileSync } from 'node:fs';
import { ApplicationCommandOptionType, type APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { EMBED_LIMITS, embedLength, escapeText, fitEmbed, packEmbeds, truncate } from '../src/discord/embed-limits.ts';
import { eventEmbed } from '../src/discord/render.ts';

describe('truncate', () => {
  it('leaves short text alone and cuts long text with a visible ellipsis', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hello world', 6)).toHaveLength(6);
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });
  it('never splits a surrogate pair', () => {
    const out = truncate('ab😀cd', 4);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out).toBe('ab…');
  });
});

describe('fitEmbed', () => {
  it('keeps every part within its limit', () => {
    const embed: APIEmbed = {
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      footer: { text: 'f'.repeat(3000) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(200), value: 'v'.repeat(2000) })),
    };
    const fitted = fitEmbed(embed);
    expect(fitted.title!.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
    expect(fitted.title!.endsWith('…')).toBe(true);
    expect(fitted.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(fitted.footer!.text.length).toBeLessThanOrEqual(EMBED_LIMITS.footer);
    expect(fitted.fields!.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    for (const f of fitted.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    }
    expect(embedLength(fitted)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(fitted.description!.endsWith('…')).toBe(true);
  });
  it('says how many fields were left out', () => {
    const fitted = fitEmbed({ fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`, value: 'v' })) });
    expect(fitted.fields).toHaveLength(25);
    expect(fitted.fields!.at(-1)!.value).toBe('6 more not shown');
  });
  it('leaves a small embed unchanged', () => {
    const embed = { title: 'a', description: 'b', fields: [{ name: 'c', value: 'd' }] };
    expect(fitEmbed(embed)).toEqual(embed);
  });
});

describe('packEmbeds', () => {
  it('splits into messages of at most 10 embeds and 6,000 characters', () => {
    const embeds = Array.from({ length: 23 }, (_, i) => ({ title: `#${i}`, description: 'x'.repeat(1000) }));
    const messages = packEmbeds(embeds);
    expect(messages.flat().map((e) => e.title)).toEqual(embeds.map((e) => e.title));
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(10);
      expect(m.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
    }
    expect(messages.length).toBeGreaterThanOrEqual(4);
  });
  it('packs 12 small embeds as 10 + 2', () => {
    expect(packEmbeds(Array.from({ length: 12 }, (_, i) => ({ title: `${i}` }))).map((m) => m.length)).toEqual([10, 2]);
  });
  it('trims a single over-long embed visibly instead of rejecting it', () => {
    const big: APIEmbed = { title: 'Big', description: 'd'.repeat(4096), fields: Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1024) })) };
    const [only, ...rest] = packEmbeds([big]);
    expect(rest).toEqual([]);
    expect(only).toHaveLength(1);
    expect(embedLength(only![0]!)).toBeLessThanOrEqual(6000);
    expect(only![0]!.description!.endsWith('…')).toBe(true);
  });
  it('returns no messages for no embeds', () => {
    expect(packEmbeds([])).toEqual([]);
  });
});

describe('escapeText', () => {
  it('escapes markdown, masked links and headings', () => {
    const out = escapeText('**bold** _it_ [click](https://evil.example)\n# Heading');
    expect(out).not.toContain('**bold**');
    expect(out).toContain('\\*\\*bold\\*\\*');
    expect(out).toContain('\\[click](');
    expect(out).toContain('\\# Heading');
  });
  it('neutralises @everyone, @here, and user/role/channel mentions', () => {
    const out = escapeText('hi @everyone and @here, <@123> <@!456> <@&789> <#42>');
    expect(out).not.toMatch(/@everyone|@here/);
    expect(out).not.toMatch(/<@|<#/);
    expect(out).toContain('@\u200beveryone');
  });
});

describe('an updated item’s change note', () => {
  it('shows under the item as “What changed”, escaped, without pinging anyone', () => {
    const embed = eventEmbed({
      id: 7,
      type: 'item-updated',
      commitmentId: 'report-export-controls-review',
      feedId: 'fcdo',
      dedupeKey: 'k',
      createdAt: '2024-06-01T12:00:00.000Z',
      payload: {
        item: {
          title: 'UK reviews export controls',
          link: 'https://www.gov.uk/x',
          changeNote: 'Added **terms** for @everyone <@123>',
          changeNoteAt: '2024-06-01T08:30:00.000Z',
        },
      },
    });
    expect(embed.fields!.map((f) => f.name)).toEqual(['Item', 'What changed (2024-06-01)']);
    const value = embed.fields![1]!.value;
    expect(value).toContain('\\*\\*terms\\*\\*');
    expect(value).not.toMatch(/@everyone|<@123>/);
  });
});

describe('the command list stays true', () => {
  it('every slash command and subcommand the bot registers is in the README table and in /help', async () => {
    const { loadCommands } = await import('../src/discord/command-loader.ts');
    const { HELP_TEXT } = await import('../commands/help.ts');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const names = (await loadCommands()).flatMap((m) => {
      const subs = (m.definition.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand).map((o) => `/${m.definition.name} ${o.name}`);
      return subs.length ? subs : [`/${m.definition.name}`];
    });
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}[ \`]`, 'm'));
      if (name === '/help') continue;
      // /help groups some subcommands on one line: "/alerts subscribe | unsubscribe | list".
      const [command, sub] = name.split(' ');
      const lines = HELP_TEXT.split('\n').filter((l) => l.includes(`**${command}`));
      expect(
        lines.some((l) => !sub || new RegExp(`[ |]${sub}[ *|]`).test(l)),
        name,
      ).toBe(true);
    }
  });
});
