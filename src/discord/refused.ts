// Discord refusing the bot for good, as a value the entry point can test for and turn into exit code 3.
// Apart from fatal.ts (which needs discord.js to recognise the refusal) so that the console path, which
// loads this through main.ts, never loads discord.js.

/** The process exit code when Discord refuses the bot (see the README's operations notes). */
export const EXIT_DISCORD_REFUSED = 3;

export class DiscordRefused extends Error {
  override name = 'DiscordRefused';
  constructor(
    message: string,
    /** The HTTP status (401) or the gateway close code. */
    readonly code: number,
  ) {
    super(message);
  }
}
