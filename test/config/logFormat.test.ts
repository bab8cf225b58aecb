import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/schema.js';
import { prettyLine } from '../../src/logging.js';

describe('log format', () => {
  it('is readable lines in development (the demo) and JSON in production, unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z', BASE_URL: 'https://tool.example', COOKIE_SECRET: 'c'.repeat(40), KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), ADMIN_TOKEN: 'a'.repeat(40) };
    expect(loadConfig(prod).LOG_FORMAT).toBe('json');
  });

  it('prints a pino line as time, level, message and fields, errors by type and message only', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 4, 31), pid: 1, hostname: 'h', msg: 'Masterly is listening', url: 'http://localhost:3000', schedules: ['outbox'] });
    expect(prettyLine(line)).toMatch(/^\d\d:\d\d:\d\d INFO {2}Masterly is listening {2}url=http:\/\/localhost:3000 schedules=\["outbox"\]$/);
    const err = JSON.stringify({ level: 50, time: 0, msg: 'could not send', err: { type: 'LmsUnavailable', message: 'timeout', stack: 'at secret.ts:1' } });
    expect(prettyLine(err)).toContain('ERROR could not send  err="LmsUnavailable: timeout"');
    expect(prettyLine(err)).not.toContain('secret.ts');
    expect(prettyLine('not json')).toBe('not json');
  });
});
