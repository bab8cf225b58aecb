import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { start } from '../../src/main.js';
import { onPostgres } from '../support/db.js';
import { freePort, testConfig } from '../support/tool.js';

/** Starts the real tool with `env` and returns the warnings it logged at start (then stops it). */
async function warningsAtStart(env: Record<string, string>): Promise<{ setting?: string; msg: string }[]> {
  const lines: { level: number; setting?: string; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; setting?: string; msg: string });
      done();
    },
  });
  const config = testConfig(await freePort(), { LOG_LEVEL: 'warn', ...env });
  const pgSchema = onPostgres() ? `t_warn_${Math.random().toString(36).slice(2, 10)}` : undefined;
  const running = await start(config, pino({ level: 'warn' }, sink), { gradeWorker: false, bktFitting: false, ...(pgSchema ? { pgSchema } : {}) });
  await running.close();
  if (pgSchema) {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: config.DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await c.end();
  }
  return lines.filter((l) => l.level === 40);
}

describe('ADMIN_TOKEN strength at start', () => {
  it('warns in production when ADMIN_TOKEN is shorter than 32 characters, naming the setting but never its value', async () => {
    const token = 'short-but-valid-token-24';
    const warnings = await warningsAtStart({ NODE_ENV: 'production', ADMIN_TOKEN: token });
    const w = warnings.find((l) => l.setting === 'ADMIN_TOKEN');
    expect(w?.msg).toContain('shorter than 32 characters');
    expect(JSON.stringify(warnings)).not.toContain(token);
  });

  it('does not warn for a long token, nor outside production', async () => {
    expect((await warningsAtStart({ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(40) })).filter((l) => l.setting === 'ADMIN_TOKEN')).toEqual([]);
    expect((await warningsAtStart({ ADMIN_TOKEN: 'short-but-valid-token-24' })).filter((l) => l.setting === 'ADMIN_TOKEN')).toEqual([]);
  });
});
