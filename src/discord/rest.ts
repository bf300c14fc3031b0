// The REST client alerts and digests are posted through, named here so modules outside src/discord/ can
// pass it along without importing discord.js (the dependency-cruiser rule "discord-js-only-in-discord").
export type { REST as DiscordRest } from 'discord.js';
