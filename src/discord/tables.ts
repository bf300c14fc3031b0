// Row types of the Discord front end's tables (migration 0004-discord).
export interface DiscordGuildSettingsTable {
  guild_id: string;
  editor_role_id: string | null;
  updated_by: string;
  updated_at: string;
}

export interface DiscordDeliveriesTable {
  event_id: number;
  channel_id: string;
  /** queued: waiting behind its failing channel, never sent; sending: written before a send whose outcome is not yet known; sent: with the message id; failed: refused (or no longer subscribed). */
  state: string;
  nonce: string;
  message_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  /** The process sending it (or holding it queued), until when (migration 0007); only an expired claim is taken over. */
  claim_owner: string | null;
  claim_until: string | null;
}

export interface DiscordProposalDecisionsTable {
  event_id: number;
  decision: string;
  decided_by: string;
  decided_at: string;
  outcome: string | null;
}

export interface DiscordStateTable {
  key: string;
  value: string;
}

export interface DiscordTables {
  discord_guild_settings: DiscordGuildSettingsTable;
  discord_deliveries: DiscordDeliveriesTable;
  discord_proposal_decisions: DiscordProposalDecisionsTable;
  discord_state: DiscordStateTable;
}
