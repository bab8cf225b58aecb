import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser } from '../support/devplatform.js';
import { errorOf, loginAt, sessionCount, startRig, testClock, type LaunchRig, type TestClock } from '../support/tool.js';

const MIN = 60_000;
/** The tool's login TTL (LtiToolConfig.loginTtlSeconds default). */
const LOGIN_TTL_MS = 10 * MIN;
const DAY = 24 * 3600_000;

describe('login state expiry and purging (tool and emulator on one movable clock, over HTTP)', () => {
  let rig: LaunchRig;
  let clock: TestClock;
  beforeAll(async () => {
    clock = testClock();
    rig = await startRig('generic', { clock, lmsNow: clock.now });
  });
  afterAll(async () => rig?.close());

  const student = () => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string };

  /** Logs in, lets `waitMs` pass on both clocks, then posts a fresh id_token the emulator signs for that login. */
  async function launchAfter(waitMs: number) {
    const login = await loginAt(rig, student().id);
    clock.advance(waitMs);
    const claims = rig.lms.launchClaims({ userId: student().id, nonce: login.nonce });
    const token = await rig.lms.signIdToken(claims);
    const fields = { id_token: token, state: login.state };
    return { res: await login.browser.postForm(`${rig.toolUrl}/lti/launch`, fields), login, claims, fields };
  }

  it('accepts a launch that answers the login within its lifetime', async () => {
    const { res } = await launchAfter(LOGIN_TTL_MS - MIN);
    expect(res.status).toBe(303);
  });

  it('refuses a launch that answers the login after its state expired (state_expired, no session)', async () => {
    const before = await sessionCount(rig.tool);
    const { res, login } = await launchAfter(LOGIN_TTL_MS + 1_000);
    const html = await res.text();
    expect(res.status).toBe(401);
    expect(errorOf(html)).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_expired' });
    expect(login.browser.cookies('localhost').masterly_session).toBeUndefined();
    expect(await sessionCount(rig.tool)).toBe(before);
  });

  it('still refuses a replayed id_token after the purge deleted its state: by its iat age, and as state_unknown when re-dated', async () => {
    const { res, login, claims, fields } = await launchAfter(0);
    expect(res.status).toBe(303);
    const row = () => rig.tool.db.kysely.selectFrom('login_states').select('state').where('state', '=', login.state).executeTakeFirst();
    expect(await row()).toBeDefined();

    // Within the grace period the consumed state is kept and a replay is named as such.
    clock.advance(LOGIN_TTL_MS + MIN);
    expect(await rig.tool.services.purgeExpired()).toMatchObject({ loginStates: expect.any(Number) });
    expect(await row()).toBeDefined();

    clock.advance(DAY);
    const purged = await rig.tool.services.purgeExpired();
    expect(purged.loginStates).toBeGreaterThanOrEqual(1);
    expect(purged.sessions).toBeGreaterThanOrEqual(1); // the launch's session expired after an hour
    expect(await row()).toBeUndefined();
    expect(await sessionCount(rig.tool)).toBe(0);

    // The replayed token itself fails the time checks before the (deleted) state is looked up…
    const attacker = browser();
    const replay = await attacker.postForm(`${rig.toolUrl}/lti/launch`, fields);
    expect(replay.status).toBe(401);
    expect(errorOf(await replay.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'token_expired' });
    // …and so would it with a long-lived exp, by its iat age (the grace period is far longer than LAUNCH_MAX_AGE_SECONDS).
    const now = Math.floor(clock.now() / 1000);
    const longLived = await rig.lms.signIdToken({ ...claims, exp: now + 3600 });
    const aged = await attacker.postForm(`${rig.toolUrl}/lti/launch`, { ...fields, id_token: longLived });
    expect(errorOf(await aged.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'iat_too_old' });

    // Even a token re-signed with a fresh iat for the deleted state and nonce is refused.
    const redated = await rig.lms.signIdToken({ ...claims, iat: now, exp: now + 300 });
    const again = await login.browser.postForm(`${rig.toolUrl}/lti/launch`, { id_token: redated, state: login.state });
    expect(again.status).toBe(401);
    expect(errorOf(await again.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_unknown' });
    expect(await sessionCount(rig.tool)).toBe(0);
  });
});
