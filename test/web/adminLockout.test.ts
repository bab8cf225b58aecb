import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_LOCKOUT } from '../../src/services/verifyAdminToken.js';
import { browser } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { ADMIN_TOKEN, errorOf, startTestTool, testClock, type TestClock, type TestTool } from '../support/tool.js';

/** Admin sign-in (form and bearer) throttled per client address, with a database-backed lockout. */
describe(`admin sign-in lockout per client address (${onPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let tool: TestTool;
  let clock: TestClock;
  let base: string;
  beforeAll(async () => {
    clock = testClock();
    tool = await startTestTool({ clock, gradeWorker: false, bktFitting: false });
    base = tool.config.BASE_URL;
  });
  afterAll(async () => tool?.close());

  const signIn = (ip: string, token: string) => browser({ headers: { 'x-forwarded-for': ip } }).postForm(`${base}/admin/signin`, { token });
  const withBearer = (ip: string, token: string) =>
    fetch(`${base}/admin`, { headers: { 'x-forwarded-for': ip, authorization: `Bearer ${token}`, accept: 'application/json' } });
  const wrong = 'wrong-token-wrong-token-wrong-token';

  it(`locks an address after ${ADMIN_LOCKOUT.maxFailures} wrong tokens: 429 ERR_RATE_LIMITED with Retry-After, even for the right token; other addresses unaffected`, async () => {
    const ip = '198.51.100.20';
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await signIn(ip, wrong)).status).toBe(401);
    const locking = await signIn(ip, wrong);
    expect(locking.status).toBe(429);
    expect(errorOf(await locking.text()).code).toBe('ERR_RATE_LIMITED');
    expect(Number(locking.headers.get('retry-after'))).toBe(ADMIN_LOCKOUT.lockMs / 1000);

    // The right token is not even compared while the address is locked: form and bearer alike.
    const right = await signIn(ip, ADMIN_TOKEN);
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    const bearer = await withBearer(ip, ADMIN_TOKEN);
    expect(bearer.status).toBe(429);
    expect(((await bearer.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');

    // Another address (the operator's office) signs in as usual.
    expect((await signIn('203.0.113.50', ADMIN_TOKEN)).status).toBe(303);
    expect((await withBearer('203.0.113.50', ADMIN_TOKEN)).status).toBe(200);
  });

  it('unlocks when the lockout ends; a successful sign-in clears the failures', async () => {
    const ip = '198.51.100.20';
    clock.advance(ADMIN_LOCKOUT.lockMs - 60_000);
    expect((await signIn(ip, ADMIN_TOKEN)).status).toBe(429);
    clock.advance(60_000 + 1_000);
    expect((await signIn(ip, ADMIN_TOKEN)).status).toBe(303);
    // Cleared: a fresh run of mistakes starts from zero.
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await signIn(ip, wrong)).status).toBe(401);
    expect((await signIn(ip, ADMIN_TOKEN)).status).toBe(303);
    expect((await signIn(ip, wrong)).status).toBe(401);
  });

  it('counts wrong bearer tokens too, and forgets failures older than the window', async () => {
    const ip = '2001:db8:5:6::1';
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await withBearer(ip, wrong)).status).toBe(401);
    clock.advance(ADMIN_LOCKOUT.windowMs + 1_000);
    // The window restarted: nine more mistakes still do not lock…
    for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) expect((await withBearer(ip, wrong)).status).toBe(401);
    // …the tenth within the window does, for the whole /64 (another address of the same network).
    expect((await withBearer('2001:db8:5:6::99', wrong)).status).toBe(429);
    expect((await withBearer(ip, ADMIN_TOKEN)).status).toBe(429);
  });
});
