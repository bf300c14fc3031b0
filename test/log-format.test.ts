// LOG_FORMAT: readable lines on a terminal, JSON when piped or asked for; secrets redacted either way.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { chooseLogFormat, createLogger, type LogFormat } from '../src/log.ts';

function logged(format: LogFormat): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const logger = createLogger('info', out, format);
  logger.info({ feeds: 3, token: 'a-secret-token-value' }, 'feed scheduler started');
  logger.flush();
  return text;
}

describe('the log format', () => {
  it('is pretty on a terminal and JSON when piped, unless LOG_FORMAT says which', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('json is one object a line, as log collectors expect', () => {
    const line = JSON.parse(logged('json').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'feed scheduler started', feeds: 3, token: '[redacted]' });
  });

  it('pretty is a readable line, with the token redacted too', () => {
    const text = logged('pretty');
    expect(text).toMatch(/INFO.*feed scheduler started/);
    expect(text).toMatch(/feeds"?: ?3/);
    expect(text.trim().split('\n')).toHaveLength(1); // one line, between the console's own lines
    expect(text).not.toContain('{"level"');
    expect(text).not.toContain('a-secret-token-value');
  });

  it('LOG_FORMAT takes json or pretty, and names what it expected otherwise', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty', DATABASE_URL: ':memory:' })).toMatchObject({ ok: true, value: { logFormat: 'pretty' } });
    expect(loadConfig({ LOG_FORMAT: '', DATABASE_URL: ':memory:' })).toMatchObject({ ok: true, value: { logFormat: undefined } });
    expect(loadConfig({ LOG_FORMAT: 'xml', DATABASE_URL: ':memory:' })).toEqual({ ok: false, error: ['LOG_FORMAT: expected json or pretty'] });
  });
});
