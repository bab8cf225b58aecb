import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../../src/main.js';
import { ADMIN_LOCKOUT } from '../../src/services/verifyAdminToken.js';
import { browser } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { ADMIN_TOKEN, freePort, testConfig } from '../support/tool.js';

/** Two app instances (as two replicas) on one database: the limits are counted there, not in memory. */
describe(`abuse limits hold across app instances sharing a database (${onPostgres() ? 'PostgreSQL' : 'SQLite file'})`, () => {
  const cap = 6;
  const dir = path.join(os.tmpdir(), `masterly-replicas-${randomBytes(4).toString('hex')}`);
  const pgSchema = onPostgres() ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const tools: { running: Running; url: string }[] = [];
  beforeAll(async () => {
    const shared = {
      LOGIN_OPEN_STATES_PER_ADDRESS: String(cap),
      COOKIE_SECRET: randomBytes(32).toString('base64url'),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...(onPostgres() ? {} : { DATABASE_URL: `sqlite:${dir}/shared.db` }),
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = testConfig(port, { ...shared, DATA_DIR: dir });
      const running = await start(config, pino({ level: 'silent' }), { gradeWorker: false, bktFitting: false, ...(pgSchema ? { pgSchema } : {}) });
      tools.push({ running, url: `http://localhost:${port}` });
      // Registered before the second instance starts (each instance caches the registry for a minute).
      if (i === 0) {
        await running.services.registerPlatform({
          issuer: 'https://lms.replicas.example',
          clientId: 'c1',
          authUrl: 'https://lms.replicas.example/auth',
          tokenUrl: 'https://lms.replicas.example/token',
          jwksUrl: 'https://lms.replicas.example/jwks',
          deploymentIds: ['1'],
        });
      }
    }
  });
  afterAll(async () => {
    for (const t of tools) await t.running.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (pgSchema) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL as string });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
      await c.end();
    }
  });

  const ip = '198.51.100.99';
  const login = (t: { url: string }, i: number) =>
    browser({ headers: { 'x-forwarded-for': ip } }).get(
      `${t.url}/lti/login?${new URLSearchParams({ iss: 'https://lms.replicas.example', login_hint: `u${i}`, target_link_uri: `${t.url}/lti/launch`, client_id: 'c1' }).toString()}`,
    );

  it('counts open logins from one address across instances', async () => {
    const [a, b] = tools as [(typeof tools)[0], (typeof tools)[0]];
    const statuses: number[] = [];
    for (let i = 0; i < cap; i++) statuses.push((await login(i % 2 ? b : a, i)).status);
    expect(statuses).toEqual(Array(cap).fill(302));
    expect((await login(a, 100)).status).toBe(429);
    expect((await login(b, 101)).status).toBe(429);
  });

  it('locks an admin address after failures spread over instances', async () => {
    const [a, b] = tools as [(typeof tools)[0], (typeof tools)[0]];
    const signIn = (t: { url: string }, token: string) => browser({ headers: { 'x-forwarded-for': ip } }).postForm(`${t.url}/admin/signin`, { token });
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await signIn(i % 2 ? b : a, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await signIn(a, 'wrong-token-wrong-token-wrong')).status).toBe(429);
    expect((await signIn(b, ADMIN_TOKEN)).status).toBe(429);
  });
});
