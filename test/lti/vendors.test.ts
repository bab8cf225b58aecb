import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

describe.each(['canvas', 'moodle'] as const)('launch from a %s-like platform', (mode) => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig(mode);
  });
  afterAll(async () => rig?.close());

  it('launches an instructor and a student', async () => {
    for (const u of rig.lms.users.slice(0, 4)) {
      const { response, browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: u.id });
      expect(response.status).toBe(200);
      // Each on their own page (this course has no content yet): set-up, "not set up yet", or what to do.
      const landing = new URL(b.urlOf(response)).pathname;
      expect(landing).toBe(u.roles.some((r) => r.endsWith('#Instructor')) ? '/instructor/setup' : u.roles.some((r) => r.endsWith('#Learner')) ? '/student' : '/app');
      expect(await response.text()).not.toMatch(/ERR_/);
    }
  });

  it('accepts a deep-linking request (no resource_link needed)', async () => {
    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId: rig.lms.users[0]?.id as string, messageType: 'LtiDeepLinkingRequest' });
    expect(response.status).toBe(200);
  });
});

describe('several registrations of one issuer', () => {
  let rig: LaunchRig;
  let second: TestLms;
  beforeAll(async () => {
    rig = await startRig();
    second = await startTestLms({ toolUrl: rig.toolUrl });
    // Same issuer, another client_id (another registration in the same LMS).
    await rig.tool.services.registerPlatform({ ...second.registration(), issuer: rig.lms.issuer, clientId: 'second-client' });
  });
  afterAll(async () => {
    await second?.close();
    await rig?.close();
  });

  it('refuses a login without client_id with a clear error, and accepts it with client_id', async () => {
    const q = { iss: rig.lms.issuer, login_hint: 'x', target_link_uri: `${rig.toolUrl}/lti/launch` };
    const res = await browser().get(`${rig.toolUrl}/lti/login?${new URLSearchParams(q).toString()}`);
    expect(res.status).toBe(400);
    expect(errorOf(await res.text())).toEqual({ code: 'ERR_LOGIN_REJECTED', reason: 'platform_ambiguous' });
    const ok = await browser().get(`${rig.toolUrl}/lti/login?${new URLSearchParams({ ...q, client_id: rig.lms.clientId }).toString()}`);
    expect(ok.status).toBe(302);
  });

  it('still launches through the first registration', async () => {
    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId: rig.lms.users[0]?.id as string });
    expect(response.status).toBe(200);
  });
});
