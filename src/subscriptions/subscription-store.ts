// Subscriptions, stored durably. One per channel: subscribing again updates it. The Kysely implementation
// is src/store/subscription-store.ts.
import type { SubscriptionSettings, Subscription } from './subscription.ts';

export interface SubscriptionStore {
  upsert(settings: SubscriptionSettings, now: string): Promise<Subscription>;
  remove(channelId: string): Promise<boolean>;
  get(channelId: string): Promise<Subscription | undefined>;
  getById(id: number): Promise<Subscription | undefined>;
  list(guildId?: string): Promise<Subscription[]>;
  /** A channel that refused a post (403/404) is marked broken and skipped until subscribed again. */
  markBroken(channelId: string, reason: string, now: string): Promise<void>;
}
