// The poller's default judge of items: src/match's Matcher and proposal rules, over each item's best text.
import { Matcher } from '../match/matcher.ts';
import { proposeStatuses } from '../match/proposals.ts';
import { matchView } from './full-text.ts';
import type { MatchEngineFactory } from './poll-types.ts';

export const defaultMatchEngine: MatchEngineFactory = (commitments) => {
  const matcher = new Matcher(commitments);
  // An item whose whole text was read (full-text.ts) is matched on it rather than on the list's cut text.
  return { threshold: matcher.threshold, match: (item, kind) => matcher.match(matchView(item), kind), propose: proposeStatuses };
};
