// What a command module is, and what its handlers are given. See command-loader.ts for the shape.
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, REST, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import type { GuildSettingsStore } from '../store/guild-settings-store.ts';

export interface CommandContext {
  app: App;
  subscriptions: SubscriptionStore;
  guildSettings: GuildSettingsStore;
  logger: Logger;
  /** Commitments per page of /commitment list (default 8). */
  listPageSize?: number;
  /**
   * For requests to channels that are not an interaction's answer (editing posted copies): the delivery REST,
   * whose every request takes a slot of the schedule shared by every process. Absent: the interaction's client.
   */
  channelRest?: REST;
}

export type ButtonHandler = (interaction: ButtonInteraction, ctx: CommandContext) => Promise<void>;

export interface CommandModule {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>;
  /** Button handlers by custom-id prefix: a custom id is `<prefix>|<state…>`; prefixes are unique across modules. */
  buttons?: Record<string, ButtonHandler>;
}

/** Separates a custom id's prefix from its state. */
export const ID_SEP = '|';
