import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchAs } from '../support/devplatform.js';
import { errorOf, loginAt, sessionCount, startRig, testClock, type LaunchRig, type TestClock } from '../support/tool.js';

/** Longer than the tool's re-fetch cooldown for unknown kids (5 s). */
const PAST_COOLDOWN_MS = 10_000;

describe('platform JWKS (tool ↔ LMS emulator over HTTP)', () => {
  let rig: LaunchRig;
  let clock: TestClock;
  beforeAll(async () => {
    clock = testClock();
    rig = await startRig('generic', { clock, lmsNow: clock.now });
  });
  afterAll(async () => rig?.close());

  const student = () => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string };

  /** A full browser launch (login → LMS auth → form_post); the emulator signs with its current key. */
  const launch = async () => (await launchAs(rig.lms, rig.toolUrl, { userId: student().id })).response;

  /** Logs in at the tool and posts a token the emulator signs with its key but under `kid`. */
  async function postWithKid(kid: string): Promise<Response> {
    const login = await loginAt(rig, student().id);
    const token = await rig.lms.signIdToken(rig.lms.launchClaims({ userId: student().id, nonce: login.nonce }), { kid });
    return login.browser.postForm(`${rig.toolUrl}/lti/launch`, { id_token: token, state: login.state });
  }

  it('fetches the JWKS once for many launches', async () => {
    const before = rig.lms.jwksRequests;
    // Cold cache, launches in flight together: they share one fetch.
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await launch();
        expect(res.status).toBe(200);
        await res.body?.cancel();
      }),
    );
    for (let i = 0; i < 5; i++) {
      const res = await launch();
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
    expect(rig.lms.jwksRequests - before).toBe(1);
  });

  it('accepts a launch signed with a rotated key: one re-fetch on the unknown kid, then cached again', async () => {
    clock.advance(PAST_COOLDOWN_MS);
    const before = rig.lms.jwksRequests;
    const kid = await rig.lms.rotatePlatformKey();
    const jwks = (await (await fetch(rig.lms.registration().jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toHaveLength(2);
    expect(jwks.keys[0]?.kid).toBe(kid);
    const afterOwnFetch = rig.lms.jwksRequests;
    expect(afterOwnFetch - before).toBe(1); // our own look above

    const res = await launch();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-testid="not-set-up"'); // the student's landing: this course has no content
    expect(rig.lms.jwksRequests - afterOwnFetch).toBe(1);

    const again = await launch();
    expect(again.status).toBe(200);
    await again.body?.cancel();
    expect(rig.lms.jwksRequests - afterOwnFetch).toBe(1);
  });

  it('rejects a kid the JWKS never publishes as kid_unknown, re-fetching at most once per cooldown', async () => {
    clock.advance(PAST_COOLDOWN_MS);
    const sessions = await sessionCount(rig.tool);
    const before = rig.lms.jwksRequests;
    for (let i = 0; i < 6; i++) {
      const res = await postWithKid(`never-published-${i}`);
      expect(res.status).toBe(401);
      expect(errorOf(await res.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'kid_unknown' });
    }
    expect(rig.lms.jwksRequests - before).toBe(1);
    expect(await sessionCount(rig.tool)).toBe(sessions);
    // Good launches keep working from the cache meanwhile.
    const ok = await launch();
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    expect(rig.lms.jwksRequests - before).toBe(1);
  });
});

describe('platform JWKS unavailable (emulator faults scoped to the JWKS)', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.lms.faults.clear());
  afterAll(async () => rig?.close());

  const student = () => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string };

  it.each([
    ['answers 503', { scope: 'jwks' as const, status: 503 as const }],
    ['drops the connection', { scope: 'jwks' as const, dropConnections: 10 }],
  ])('refuses the launch with jwks_unavailable (502, no session) when the JWKS %s', async (_label, fault) => {
    rig.lms.faults.set(fault);
    const sessions = await sessionCount(rig.tool);
    const { response, browser } = await launchAs(rig.lms, rig.toolUrl, { userId: student().id });
    const html = await response.text();
    expect(response.status).toBe(502);
    expect(errorOf(html)).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'jwks_unavailable' });
    expect(html).not.toContain('id_token');
    expect(browser.cookies('localhost').masterly_session).toBeUndefined();
    expect(await sessionCount(rig.tool)).toBe(sessions);
  });

  it('leaves the JWKS alone for service-scoped faults, and launches again once the JWKS heals', async () => {
    rig.lms.faults.set({ status: 503 }); // default scope: token, NRPS, AGS only
    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId: student().id });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
