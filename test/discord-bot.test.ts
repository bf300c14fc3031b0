// End to end: the real discord.js Client, logged into the local fake Discord, driving the bot. Reading the
// register: deploying the commands, /commitment show, search, history, evidence and list paging, /help.
// Changing it is in discord-bot-editors.test.ts; posting in discord-bot-posting.test.ts and -proposals.test.ts.
import { databaseOf } from '../src/db/database.ts';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { fake, app, clock, config, useDiscordBot } from './support/discord-bot-session.ts';

useDiscordBot();

describe('deploy', () => {
  it('registered every command to the guild', () => {
    expect(
      fake
        .commands(fake.guildId)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['alerts', 'commitment', 'digest', 'feeds', 'help', 'recommendation', 'register']);
    expect(fake.commands(fake.guildId).find((c) => c.name === 'alerts')?.default_member_permissions).toBe('32');
  });
  it('reports unchanged on a second deploy', async () => {
    const lines: string[] = [];
    const result = await deployCommands(config(), (l) => lines.push(l));
    expect(result).toMatchObject({ added: [], updated: [], removed: [] });
    expect(lines.join('\n')).toMatch(/unchanged: /);
  });
});

describe('reading the register', () => {
  it('/commitment show answers with an embed', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'modern-slavery-penalties' } }).settled();
    expect(r.ephemeral).toBe(false);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    const e = r.embeds![0]!;
    expect(e.title).toContain('Financial penalties');
    expect(e.description).toContain('as soon as Parliamentary time allows');
    const fields = Object.fromEntries(e.fields!.map((f) => [f.name, f.value]));
    expect(fields.Status).toBe('stalled');
    expect(fields.Department).toContain('Home Office');
    expect(fields.Deadline).toContain('OVERDUE');
    expect(fields.Deadline).not.toContain('No date given'); // dated: overdue says it all
    expect(fields.Recommendation).toMatch(/^3 — /);
    // Undated: how long it has been open instead.
    const undated = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'report-export-controls-review' } }).settled();
    expect(undated.embeds![0]!.fields!.find((f) => f.name === 'Deadline')?.value).toBe('“at the conclusion of its current review”\nNo date given · open 2 years');
    expect(fields['Last change']).toContain('No bill was introduced');
    expect(fields['Last change']).toContain('https://example.org/no-bill');
    expect(e.color).toBeTypeOf('number');
  });

  it('/commitment show of an unknown id answers privately with the closest ids', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'modern-slavery' } }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('modern-slavery-penalties');
  });

  it('autocomplete offers at most 25 choices, by id or words', async () => {
    const byId = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: 'trade' }, focused: 'commitment' });
    expect(byId.length).toBeGreaterThan(0);
    expect(byId.length).toBeLessThanOrEqual(25);
    expect(byId[0]!.value).toBe('trade-envoy-training');
    const byWords = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: 'penalties' }, focused: 'commitment' });
    expect(byWords.map((c) => c.value)).toContain('modern-slavery-penalties');
    const empty = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: '' }, focused: 'commitment' });
    expect(empty.length).toBeLessThanOrEqual(25);
  });

  it('/commitment search ranks with snippets, /commitment history lists changes, /recommendation show', async () => {
    const s = await fake.slashCommand({ name: 'commitment', subcommand: 'search', options: { text: 'penalties' } }).settled();
    expect(s.embeds![0]!.fields![0]!.name).toContain('modern-slavery-penalties');
    expect(s.embeds![0]!.fields![0]!.value.length).toBeGreaterThan(0);
    // A recommendation hit is named once: "Recommendation 3 — Slavery", not "Recommendation 3 — Recommendation 3: Slavery".
    const recHit = s.embeds![0]!.fields!.find((f) => f.name.includes('Recommendation 3'));
    expect(recHit?.name).toMatch(/^\d+\. Recommendation 3 — Slavery$/);
    const h = await fake.slashCommand({ name: 'commitment', subcommand: 'history', options: { commitment: 'modern-slavery-penalties' } }).settled();
    expect(h.embeds![0]!.fields!.map((f) => f.value).join('\n')).toContain('not started → stalled');
    const rec = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 3 } }).settled();
    expect(rec.embeds![0]!.title).toMatch(/^Recommendation 3/);
    expect(rec.embeds![0]!.fields!.find((f) => f.name === 'Commitments it produced')?.value).toContain('modern-slavery-penalties');
    const missing = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 30 } }).settled();
    expect(missing).toMatchObject({ ephemeral: true });
    expect(missing.content).toMatch(/no recommendation 30/);
  });

  it('/help answers privately', async () => {
    const r = await fake.slashCommand({ name: 'help' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.embeds![0]!.description).toContain('/commitment show');
  });
});

describe('/commitment evidence', () => {
  it('lists what was found, newest first, escaped, within one embed, saying how many are shown', async () => {
    const empty = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'trade-envoy-training' } }).settled();
    expect(empty.embeds![0]!.description).toMatch(/^No evidence yet/);
    const rows = Array.from({ length: 60 }, (_, i) => ({
      commitment_id: 'report-export-controls-review',
      url: `https://www.gov.uk/government/news/item-${i}`,
      title: `Export controls item ${i} **@everyone** ${'detail '.repeat(8)}`,
      published: `2024-05-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00.000Z`,
      source: 'govuk-dbt',
      score: 3.5,
      matched: JSON.stringify(['export control']),
      note: null,
      found_at: '2024-06-01T10:00:00.000Z',
    }));
    await databaseOf(app).insertInto('evidence').values(rows).execute();
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'report-export-controls-review' } }).settled();
    const e = r.embeds![0]!;
    expect(r.allowed_mentions).toEqual({ parse: [] });
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    const lines = e.description!.split('\n');
    expect(lines[0]).toMatch(/^• 2024-05-28 \[Export controls item \d+ \\\*\\\*@\u200beveryone/);
    expect(lines.every((l, i) => i === 0 || l.slice(2, 12) <= lines[i - 1]!.slice(2, 12))).toBe(true);
    expect(e.footer!.text).toBe(
      `report-export-controls-review · ${lines.length} of 60 shown (newest first; commitment-watch evidence report-export-controls-review lists all)`,
    );
    const unknown = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'export-review' } }).settled();
    expect(unknown).toMatchObject({ ephemeral: true });
    expect(unknown.content).toContain('report-export-controls-review');
  });
});

describe('/commitment list paging', () => {
  it('pages for the person who asked only, and expires', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'list', user: 'bob' }).settled();
    expect(r.embeds![0]!.footer!.text).toMatch(/^Page 1 of 3/);
    // Each line flags what is late: overdue when dated, how long open when not.
    const text = r.embeds![0]!.description!;
    expect(text).toMatch(/`report-export-controls-review`\*\* — .*\nin progress · Department for Business and Trade · open 2 years, no date/);
    const msg = () => fake.message(r.messageId!)!;
    const next = () => msg().components[0]!.components!.find((b) => b.label === 'Next')!.custom_id!;

    const other = await fake.button({ customId: next(), message: msg(), user: 'carol' }).settled();
    expect(other).toMatchObject({ ephemeral: true });
    expect(other.content).toMatch(/only the person who asked/i);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 1/);

    const own = await fake.button({ customId: next(), message: msg(), user: 'bob' }).settled();
    expect(own.type).toBe(7);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 2 of 3/);

    clock.advance(11 * 60_000);
    const late = fake.button({ customId: next(), message: msg(), user: 'bob' });
    await late.reply();
    await fake.waitFor(() => (late.responses().some((x) => x.kind === 'followup') ? true : undefined));
    expect(late.responses().find((x) => x.kind === 'followup')).toMatchObject({ ephemeral: true, content: expect.stringMatching(/expired/) });
    expect(msg().components).toEqual([]);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 2/);
  });
});
