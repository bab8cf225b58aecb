import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATE_GRACE_MS } from '../../src/services/purgeExpired.js';
import { browser, startTestLms, type TestBrowser } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { errorOf, loginAt, startTestTool, testClock, type LaunchRig, type TestClock } from '../support/tool.js';

const MIN = 60_000;
/** The tool's login TTL (LtiToolConfig.loginTtlSeconds default). */
const LOGIN_TTL_MS = 10 * MIN;
const CAP = 25;
const dialect = onPostgres() ? 'PostgreSQL' : 'SQLite';

/** A tool with the given env and the emulator registered with it, tool and emulator on one movable clock. */
async function rigWith(env: Record<string, string>, clock: TestClock): Promise<LaunchRig> {
  const tool = await startTestTool({ env, clock, gradeWorker: false, bktFitting: false });
  const lms = await startTestLms({ toolUrl: tool.config.BASE_URL, mode: 'generic', now: () => clock.now() });
  await tool.services.registerPlatform(lms.registration());
  return { tool, lms, toolUrl: tool.config.BASE_URL, close: async () => (await lms.close(), await tool.close()) };
}

/** A browser whose requests come from `ip` (the test tool trusts X-Forwarded-For from loopback, as behind a proxy). */
const from = (ip: string): TestBrowser => browser({ headers: { 'x-forwarded-for': ip } });

const loginQuery = (rig: LaunchRig, over: Record<string, string> = {}) =>
  new URLSearchParams({
    iss: rig.lms.issuer,
    login_hint: 'someone',
    target_link_uri: `${rig.toolUrl}/lti/launch`,
    client_id: rig.lms.clientId,
    lti_deployment_id: rig.lms.deploymentId,
    ...over,
  }).toString();

const loginStateRows = async (rig: LaunchRig) =>
  Number((await rig.tool.db.kysely.selectFrom('login_states').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** Completes the login of `login` with a fresh id_token for `sub`; returns the launch response. */
async function launch(rig: LaunchRig, login: Awaited<ReturnType<typeof loginAt>>, sub: string) {
  const student = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string };
  const claims = { ...rig.lms.launchClaims({ userId: student.id, nonce: login.nonce }), sub };
  const fields = { id_token: await rig.lms.signIdToken(claims), state: login.state };
  return { res: await login.browser.postForm(`${rig.toolUrl}/lti/launch`, fields), claims, fields };
}

describe(`login flood limits per client address (${dialect}, cap ${CAP} open logins per address)`, () => {
  let rig: LaunchRig;
  let clock: TestClock;
  beforeAll(async () => {
    clock = testClock();
    rig = await rigWith({ LOGIN_OPEN_STATES_PER_ADDRESS: String(CAP) }, clock);
  });
  afterAll(async () => rig?.close());

  it('answers 429 (Retry-After, ERR_RATE_LIMITED, plain page) once one address holds the cap of open logins; rows stay bounded', async () => {
    const flooder = from('198.51.100.7');
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < CAP * 3; i++) {
      const res = await flooder.get(`${rig.toolUrl}/lti/login?${loginQuery(rig, { login_hint: `flood-${i}` })}`);
      statuses.push(res.status);
      if (res.status === 429 && !limited) limited = res;
      else await res.body?.cancel();
    }
    expect(statuses.slice(0, CAP).every((s) => s === 302)).toBe(true);
    expect(statuses.slice(CAP).every((s) => s === 429)).toBe(true);
    expect(await loginStateRows(rig)).toBe(CAP);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = (await limited?.text()) ?? '';
    expect(errorOf(html).code).toBe('ERR_RATE_LIMITED');
    expect(html).toContain('Too many sign-in attempts from your network. Wait a minute and try again.');
    expect(limited?.headers.get('set-cookie')).toBeNull();
  });

  it('never limits by the unauthenticated iss: a flood naming the real or a forged issuer does not block that LMS from another address', async () => {
    // The flooding address is still at its cap, with the real issuer and with forged ones (which store nothing).
    const flooder = from('198.51.100.7');
    expect((await flooder.get(`${rig.toolUrl}/lti/login?${loginQuery(rig)}`)).status).toBe(429);
    for (let i = 0; i < 30; i++) {
      const forged = await flooder.get(`${rig.toolUrl}/lti/login?${loginQuery(rig, { iss: `https://forged-${i}.example` })}`);
      expect(forged.status).toBe(400);
      await forged.body?.cancel();
    }
    expect(await loginStateRows(rig)).toBe(CAP);

    // A student at another school (another address) logs in and launches into the same LMS registration.
    const login = await loginAt(rig, 'student-elsewhere', from('203.0.113.9'));
    const { res } = await launch(rig, login, 'student-elsewhere');
    expect(res.status).toBe(303);
  });

  it('frees the address when its logins expire, and purges unconsumed states minutes after expiry (a consumed one is kept: its replay is refused as state_replayed)', async () => {
    const school = from('192.0.2.44');
    const done = await loginAt(rig, 'student-done', school);
    expect((await launch(rig, done, 'student-done')).res.status).toBe(303);
    const replay = await launch(rig, done, 'student-done'); // fields of a consumed state, freshly signed later on

    clock.advance(LOGIN_TTL_MS + 1_000);
    // The flooded address may log in again once its open states expired.
    const again = await from('198.51.100.7').get(`${rig.toolUrl}/lti/login?${loginQuery(rig)}`);
    expect(again.status).toBe(302);

    clock.advance(OPEN_STATE_GRACE_MS + MIN);
    const before = await loginStateRows(rig);
    const purged = await rig.tool.services.purgeExpired();
    expect(purged.loginStates).toBeGreaterThanOrEqual(CAP);
    expect(await loginStateRows(rig)).toBe(before - purged.loginStates);
    // Left: the fresh login and the consumed states (kept for replay detection).
    expect(await loginStateRows(rig)).toBe(3);

    const now = Math.floor(clock.now() / 1000);
    const token = await rig.lms.signIdToken({ ...replay.claims, iat: now, exp: now + 300 });
    const replayed = await school.postForm(`${rig.toolUrl}/lti/launch`, { id_token: token, state: done.state });
    expect(replayed.status).toBe(401);
    expect(errorOf(await replayed.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_replayed' });
  });
});

describe(`a class behind one school NAT address (${dialect}, default limits)`, () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await rigWith({}, testClock());
  });
  afterAll(async () => rig?.close());

  it('lets 300 students start their logins at once from one address, then all launch', async () => {
    const logins = [];
    for (let i = 0; i < 300; i++) logins.push(await loginAt(rig, `student-${i}`, from('192.0.2.10')));
    expect(logins).toHaveLength(300);
    for (const [i, login] of logins.entries()) {
      const { res } = await launch(rig, login, `student-${i}`);
      expect(res.status).toBe(303);
    }
  }, 180_000); // 600 requests and 300 signatures; slow on a loaded machine
});
