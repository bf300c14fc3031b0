// Per-guild settings (the discord_guild_settings table): the role whose members are editors (besides Manage Server).
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

export interface GuildSettings {
  guildId: string;
  editorRoleId: string | null;
}

export interface GuildSettingsStore {
  get(guildId: string): Promise<GuildSettings>;
  setEditorRole(guildId: string, roleId: string | null, by: string, now: string): Promise<void>;
}

export class KyselyGuildSettingsStore implements GuildSettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(guildId: string): Promise<GuildSettings> {
    const row = await this.db.selectFrom('discord_guild_settings').selectAll().where('guild_id', '=', guildId).executeTakeFirst();
    return { guildId, editorRoleId: row?.editor_role_id ?? null };
  }

  async setEditorRole(guildId: string, roleId: string | null, by: string, now: string): Promise<void> {
    const row = { editor_role_id: roleId, updated_by: by, updated_at: now };
    await this.db
      .insertInto('discord_guild_settings')
      .values({ guild_id: guildId, ...row })
      .onConflict((oc) => oc.column('guild_id').doUpdateSet(row))
      .execute();
  }
}
