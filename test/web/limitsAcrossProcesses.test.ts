import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_LOCKOUT } from '../../src/services/verifyAdminToken.js';
import { browser } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { ADMIN_TOKEN, startTwoProcesses, type TwoProcesses } from '../support/tool.js';

/** Two app instances (as two replicas) on one database: the limits are counted there, not in memory. */
describe(`abuse limits hold across app instances sharing a database (${onPostgres() ? 'PostgreSQL' : 'SQLite file'})`, () => {
  const cap = 6;
  let two: TwoProcesses;
  beforeAll(async () => {
    two = await startTwoProcesses({
      env: { LOGIN_OPEN_STATES_PER_ADDRESS: String(cap) },
      // Registered with the first instance, before the second starts (each caches the registry for a minute).
      first: (p) =>
        p.running.services.registerPlatform({
          issuer: 'https://lms.replicas.example',
          clientId: 'c1',
          authUrl: 'https://lms.replicas.example/auth',
          tokenUrl: 'https://lms.replicas.example/token',
          jwksUrl: 'https://lms.replicas.example/jwks',
          deploymentIds: ['1'],
        }),
    });
  });
  afterAll(async () => {
    await two?.close();
  });

  const ip = '198.51.100.99';
  const login = (t: { url: string }, i: number) =>
    browser({ headers: { 'x-forwarded-for': ip } }).get(
      `${t.url}/lti/login?${new URLSearchParams({ iss: 'https://lms.replicas.example', login_hint: `u${i}`, target_link_uri: `${t.url}/lti/launch`, client_id: 'c1' }).toString()}`,
    );

  it('counts open logins from one address across instances', async () => {
    const [a, b] = two.processes;
    const statuses: number[] = [];
    for (let i = 0; i < cap; i++) statuses.push((await login(i % 2 ? b : a, i)).status);
    expect(statuses).toEqual(Array(cap).fill(302));
    expect((await login(a, 100)).status).toBe(429);
    expect((await login(b, 101)).status).toBe(429);
  });

  it('locks an admin address after failures spread over instances', async () => {
    const [a, b] = two.processes;
    const signIn = (t: { url: string }, token: string) => browser({ headers: { 'x-forwarded-for': ip } }).postForm(`${t.url}/admin/signin`, { token });
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await signIn(i % 2 ? b : a, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await signIn(a, 'wrong-token-wrong-token-wrong')).status).toBe(429);
    expect((await signIn(b, ADMIN_TOKEN)).status).toBe(429);
  });
});
