// Feed health as pure functions: backoff, Retry-After, failing → disabled → recovered, and when a feed is due.
import { describe, expect, it } from 'vitest';
import { eventHeadline } from '../src/event-text.ts';
import { afterFailure, afterSuccess, backoffMs, DEFAULT_HEALTH_POLICY, isDue, reenabled, type HealthState } from '../src/feeds/health.ts';
import { formatInterval, isGovUkHost, parseFeedList, parseInterval } from '../src/feeds/feed-list.ts';
import { formatSeedProblem } from '../src/seed/load-seeds.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const healthy: HealthState = { health: 'healthy', healthReason: null, consecutiveFailures: 0, invalidSince: null, nextAttemptAt: null };
const t0 = new Date('2024-06-01T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('backoff', () => {
  it('doubles from 5 minutes and is capped at 6 hours', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n) / MIN)).toEqual([5, 10, 20, 40, 80]);
    expect(backoffMs(9)).toBe(6 * HOUR);
    expect(backoffMs(1000)).toBe(6 * HOUR);
  });

  it('honours a longer Retry-After, up to a day', () => {
    const a = afterFailure(healthy, { invalid: false, message: 'HTTP 429', retryAfterSeconds: 3600 }, t0);
    expect(a.state.nextAttemptAt).toBe(later(HOUR).toISOString());
    const b = afterFailure(healthy, { invalid: false, message: 'HTTP 503', retryAfterSeconds: 60 }, t0);
    expect(b.state.nextAttemptAt).toBe(later(5 * MIN).toISOString());
    const c = afterFailure(healthy, { invalid: false, message: 'HTTP 503', retryAfterSeconds: 10 * 24 * 3600 }, t0);
    expect(c.state.nextAttemptAt).toBe(later(24 * HOUR).toISOString());
  });
});

describe('transitions', () => {
  it('healthy → failing on the first failure, warned at the 8th, → disabled at the 10th, → recovered on success', () => {
    let state = healthy;
    const transitions: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const u = afterFailure(state, { invalid: false, message: `HTTP 500 (${i})` }, later(i * HOUR));
      if (u.transition) transitions.push(`${i}:${u.transition.change}`);
      state = u.state;
    }
    expect(transitions).toEqual(['1:failing', '8:disabling-soon', '10:disabled']);
    expect(state).toMatchObject({ health: 'disabled', consecutiveFailures: 10 });
    expect(state.healthReason).toBe('disabled after 10 failures in a row; last: HTTP 500 (10)');
    expect(state.nextAttemptAt).toBe(later(10 * HOUR + 24 * HOUR).toISOString());

    // A failed probe keeps it disabled, silently.
    const probe = afterFailure(state, { invalid: false, message: 'still down' }, later(40 * HOUR));
    expect(probe.transition).toBeUndefined();
    expect(probe.state.health).toBe('disabled');

    const ok = afterSuccess(probe.state, later(70 * HOUR), undefined);
    expect(ok.transition).toMatchObject({ from: 'disabled', to: 'healthy', change: 'recovered', reason: 'read successfully again after 11 failures' });
    expect(ok.state).toEqual(healthy);
  });

  it('the warning before disabling says how many failures are left and when the next try is; it can be turned off', () => {
    const seventh: HealthState = { ...healthy, health: 'failing', healthReason: 'HTTP 500', consecutiveFailures: 7 };
    const u = afterFailure(seventh, { invalid: false, message: 'HTTP 500' }, t0);
    expect(u.transition).toEqual({
      from: 'failing',
      to: 'failing',
      change: 'disabling-soon',
      reason: 'will be disabled after 2 more failures in a row (next try in 6 h); last: HTTP 500',
    });
    expect(u.state.health).toBe('failing');
    expect(afterFailure(seventh, { invalid: false, message: 'HTTP 500' }, t0, { ...DEFAULT_HEALTH_POLICY, warnBeforeDisable: 0 }).transition).toBeUndefined();
    expect(eventHeadline({ type: 'feed-health', feedId: 'dbt', payload: { change: 'disabling-soon', health: 'failing', reason: u.transition!.reason } })).toBe(
      'Feed dbt will be disabled after 2 more failures in a row (next try in 6 h); last: HTTP 500',
    );
  });

  it('a feed that serves nothing readable for 24 hours is disabled before 10 failures', () => {
    const policy = { ...DEFAULT_HEALTH_POLICY };
    let u = afterFailure(healthy, { invalid: true, message: 'received an HTML page' }, t0, policy);
    expect(u.transition?.change).toBe('failing');
    expect(u.state.invalidSince).toBe(t0.toISOString());
    // A network failure in between does not end the run of invalid bodies.
    u = afterFailure(u.state, { invalid: false, message: 'timeout' }, later(12 * HOUR), policy);
    expect(u.state.invalidSince).toBe(t0.toISOString());
    u = afterFailure(u.state, { invalid: true, message: 'received an HTML page' }, later(24 * HOUR), policy);
    expect(u.transition).toMatchObject({ change: 'disabled' });
    expect(u.state.healthReason).toBe('disabled after nothing readable for 24 h; last: received an HTML page');
    expect(u.state.consecutiveFailures).toBe(3);
  });

  it('success honours the publisher’s max-age up to an hour; re-enabling by hand recovers', () => {
    expect(afterSuccess(healthy, t0, 300).state.nextAttemptAt).toBe(later(5 * MIN).toISOString());
    expect(afterSuccess(healthy, t0, 86_400).state.nextAttemptAt).toBe(later(HOUR).toISOString());
    expect(afterSuccess(healthy, t0, undefined).transition).toBeUndefined();
    const disabled: HealthState = { ...healthy, health: 'disabled', consecutiveFailures: 10, nextAttemptAt: later(HOUR).toISOString() };
    expect(reenabled(disabled)).toMatchObject({ state: healthy, transition: { change: 'recovered' } });
  });
});

describe('isDue', () => {
  const every = 15 * MIN;
  it('waits for the interval (with a little slack for clock and cron jitter)', () => {
    const state = { ...healthy, lastAttemptAt: t0.toISOString() };
    expect(isDue(state, every, later(10 * MIN)).due).toBe(false);
    expect(isDue(state, every, later(15 * MIN - 20_000)).due).toBe(true);
    expect(isDue(state, every, later(10 * MIN), false).due).toBe(true);
  });

  it('always honours backoff, cache and a disabled feed’s probe time', () => {
    const state = { ...healthy, health: 'disabled' as const, nextAttemptAt: later(24 * HOUR).toISOString(), lastAttemptAt: t0.toISOString() };
    const r = isDue(state, every, later(HOUR), false);
    expect(r).toMatchObject({ due: false, why: 'disabled; next probe' });
    expect(isDue(state, every, later(24 * HOUR)).due).toBe(true);
  });
});

describe('feed list', () => {
  it('reads intervals and refuses GOV.UK more often than every 5 minutes, naming file, path and line', () => {
    expect(parseInterval('15m')).toBe(15 * MIN);
    expect(parseInterval('2h')).toBe(2 * HOUR);
    expect(parseInterval('1d')).toBe(24 * HOUR);
    expect(parseInterval('5 s')).toBeUndefined();
    expect(formatInterval(90 * MIN)).toBe('90m');
    expect(isGovUkHost('https://www.gov.uk/x.atom')).toBe(true);
    expect(isGovUkHost('https://www.legislation.gov.uk/new/data.feed')).toBe(true);
    expect(isGovUkHost('https://notgov.uk.example.org/')).toBe(false);

    const bad = parseFeedList(
      'feeds:\n  - id: fcdo\n    url: https://www.gov.uk/government/organisations/foreign-commonwealth-development-office.atom\n    every: 2m\n  - id: fcdo\n    url: https://example.org/a.rss\n',
      'feeds.yaml',
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map(formatSeedProblem)).toEqual([
      'feeds.yaml: feeds[0].every (line 4): www.gov.uk must not be polled more often than every 5 minutes (GOV.UK caches responses for 5 minutes; polling faster gains nothing), got 2m',
    ]);
    const dupes = parseFeedList('feeds:\n  - id: a\n    url: https://example.org/a.rss\n  - id: a\n    url: https://example.org/a.rss\n', 'feeds.yaml');
    expect(!dupes.ok && dupes.error.map(formatSeedProblem)).toEqual([
      'feeds.yaml: feeds[1].id (line 4): "a" is already the id of feed 1',
      'feeds.yaml: feeds[1].url (line 5): the same URL as feed "a": list each feed once',
    ]);
  });

  it('takes the JSON array form of `poll --feeds`, kind optional', () => {
    const r = parseFeedList('[{"id":"one","url":"http://127.0.0.1:1/a.rss"},{"id":"two","url":"http://127.0.0.1:1/b","kind":"govuk-atom"}]', 'f.json');
    expect(r).toEqual({
      ok: true,
      value: [
        { id: 'one', url: 'http://127.0.0.1:1/a.rss', kind: undefined, everyMs: 15 * MIN },
        { id: 'two', url: 'http://127.0.0.1:1/b', kind: 'govuk-atom', everyMs: 15 * MIN },
      ],
    });
    const bad = parseFeedList('[{"id":"x","url":"file:///etc/passwd"}]', 'f.json');
    expect(!bad.ok && bad.error.map(formatSeedProblem)).toEqual(['f.json: [0].url (line 1): must be an http(s) URL']);
  });

  it('the default list is valid', async () => {
    const { loadFeedList } = await import('../src/feeds/feed-list.ts');
    const list = await loadFeedList();
    expect(list.ok).toBe(true);
    if (list.ok) expect(list.value.length).toBeGreaterThanOrEqual(15);
  });
});
