// Who the bot says it is to publishers, and the fetcher configured from the environment that says it.
import { createRequire } from 'node:module';
import type { Config } from '../config.ts';
import { createFetcher, type Fetcher, type FetchOptions } from './fetch.ts';

export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** "commitment-watch/0.1.0 (+mailto:ops@example.org)": who we are and how a publisher reaches the operator. */
export function userAgent(contact: string | undefined): string {
  return contact ? `commitment-watch/${VERSION} (+${contact})` : `commitment-watch/${VERSION}`;
}

/** The fetcher the bot and the CLI use, configured from the environment. */
export function feedFetcher(config: Config, overrides: Partial<FetchOptions> = {}): Fetcher {
  return createFetcher({
    userAgent: userAgent(config.botContact),
    allowPrivateNetworks: config.allowPrivateFeedAddresses,
    ...overrides,
  });
}
