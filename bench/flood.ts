/**
 * `npm run bench -- flood`: 20,000 OIDC login initiations at full speed from one client address against the tool
 * (real start(), HTTP on loopback), as a flood of `/lti/login` from one network would arrive. Reports the
 * rate-limited share, the login-state rows after the flood and after the purge, and the process RSS before/after.
 * Goals: rows bounded by the per-address cap (LOGIN_OPEN_STATES_PER_ADDRESS), RSS growth < 20 MB.
 * Settings: BENCH_FLOOD_LOGINS (20000), BENCH_FLOOD_CONCURRENCY (32), BENCH_DATABASE_URL (default: a SQLite file).
 * The load generator runs in the same process as the tool, so RSS counts both (an upper bound for the tool).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import pg from 'pg';
import { loadConfig } from '../config/schema.js';
import { start } from '../src/main.js';
import { CONSUMED_STATE_KEEP_MS, OPEN_STATE_GRACE_MS } from '../src/services/purgeExpired.js';
import type { BenchReport } from './run.js';
import { freePort } from './lib/launchChild.js';

const mb = (bytes: number) => bytes / 1024 / 1024;

export async function run(): Promise<BenchReport> {
  const total = Number(process.env.BENCH_FLOOD_LOGINS ?? 20_000);
  const concurrency = Number(process.env.BENCH_FLOOD_CONCURRENCY ?? 32);
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const port = await freePort();
  const dir = path.join(os.tmpdir(), `masterly-flood-${randomBytes(4).toString('hex')}`);
  const pgSchema = pgUrl ? `bench_flood_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    // As deployed: production caches compiled views (the 429 page is rendered 19,000 times).
    NODE_ENV: 'production',
    PORT: String(port),
    BASE_URL: `http://localhost:${port}`,
    DATABASE_URL: pgUrl ?? `sqlite:${dir}/flood.db`,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  });
  const tool = await start(config, pino({ level: 'silent' }), { gradeWorker: false, bktFitting: false, ...(pgSchema ? { pgSchema } : {}) });
  const cap = config.LOGIN_OPEN_STATES_PER_ADDRESS;
  try {
    const issuer = 'https://lms.flood.example';
    await tool.services.registerPlatform({
      issuer,
      clientId: 'flood-client',
      authUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
      deploymentIds: ['1'],
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const query = (i: number) =>
      new URLSearchParams({ iss: issuer, login_hint: `u${i}`, target_link_uri: `${config.BASE_URL}/lti/launch`, client_id: 'flood-client' }).toString();
    const login = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/lti/login?${query(i)}`, agent, headers: { 'x-forwarded-for': '198.51.100.77' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });

    // Warm up from another address (JIT, caches, pool), then measure from a clean start.
    for (let i = 0; i < 200; i++) await login(-i);
    await tool.db.kysely.deleteFrom('login_states').execute();
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;

    const counts = new Map<number, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const status = await login(next++);
          counts.set(status, (counts.get(status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    agent.destroy();

    const rows = async () =>
      Number((await tool.db.kysely.selectFrom('login_states').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const afterFlood = await rows();
    await tool.services.purgeExpired();
    const afterPurge = await rows();
    // The purge run that follows the states' expiry (login TTL 10 min) plus the grace for unconsumed states.
    await tool.services.purgeExpired(Date.now() + 10 * 60_000 + OPEN_STATE_GRACE_MS + 1);
    const afterExpiry = await rows();
    globalThis.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const limited = counts.get(429) ?? 0;
    // SQLite runs one statement at a time: the cap is exact. On PostgreSQL logins that count in parallel may all pass:
    // at most one per pool connection (10) beyond the cap (docs/decisions/0007-abuse-limits.md).
    const bound = tool.db.dialect === 'postgres' ? cap + 10 : cap;
    const other = [...counts].filter(([s]) => s !== 302 && s !== 429);
    return {
      title: `Login flood: ${total} /lti/login from one address, ${concurrency} in flight (${tool.db.dialect})`,
      figures: [
        { name: 'logins per second', value: total / seconds, unit: 'req/s' },
        { name: 'accepted (302)', value: counts.get(302) ?? 0, unit: 'logins', goal: { op: '<=', value: bound } },
        { name: 'rate-limited share (429)', value: (100 * limited) / total, unit: '%', goal: { op: '>=', value: (100 * (total - bound)) / total } },
        { name: 'login-state rows after the flood', value: afterFlood, unit: 'rows', goal: { op: '<=', value: bound } },
        { name: 'login-state rows after the purge', value: afterPurge, unit: 'rows', goal: { op: '<=', value: bound } },
        { name: 'rows after the purge past expiry + grace', value: afterExpiry, unit: 'rows', goal: { op: '<=', value: 0 } },
        { name: 'RSS before', value: mb(rssBefore), unit: 'MB' },
        { name: 'RSS after', value: mb(rssAfter), unit: 'MB' },
        { name: 'RSS growth', value: mb(rssAfter - rssBefore), unit: 'MB', goal: { op: '<', value: 20 } },
      ],
      notes: [
        `cap: ${cap} open login states per address; unconsumed states purged ${OPEN_STATE_GRACE_MS / 60_000} min after expiry, consumed ones after ${CONSUMED_STATE_KEEP_MS / 3600_000} h`,
        ...(other.length ? [`other statuses: ${other.map(([s, n]) => `${s}×${n}`).join(', ')}`] : []),
        globalThis.gc ? 'RSS measured after gc()' : 'RSS measured without forced gc (run with NODE_OPTIONS=--expose-gc for steadier figures)',
      ],
    };
  } finally {
    await tool.close();
    if (pgUrl && pgSchema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
      await c.end();
    }
  }
}
