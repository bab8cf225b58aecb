import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs } from '../support/devplatform.js';
import { errorOf, loginAt, sessionCount, startRig, type LaunchRig } from '../support/tool.js';

const ROLES_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/roles';
const CONTEXT_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/context';
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('LTI 1.3 launch (tool ↔ LMS emulator over HTTP)', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => rig?.close());

  const instructor = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string; name: string };
  const student = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string; name: string };

  /** Logs in at the tool, signs `claims` (built for that login's nonce and tweaked) and posts them; follows to the first page. */
  async function launchWith(tweak: (claims: Record<string, unknown>) => void, userId = student().id) {
    const login = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce: login.nonce });
    tweak(claims);
    const token = await rig.lms.signIdToken(claims);
    const posted = await login.browser.postForm(`${rig.toolUrl}/lti/launch`, { id_token: token, state: login.state });
    return { posted, page: await login.browser.follow(posted), browser: login.browser };
  }

  it('greets an instructor by name, role and course after the full login → auth → form_post flow', async () => {
    const { response, browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: instructor().id });
    const html = await response.text();
    expect(response.status).toBe(200);
    // The dashboard of a course without content sends its instructor on to set-up, which greets them.
    expect(b.urlOf(response)).toBe(`${rig.toolUrl}/instructor/setup`);
    expect(html).toContain(`Hello, ${instructor().name}`);
    expect(html).toMatch(/data-testid="role">Instructor</);
    expect(b.cookies('localhost').masterly_session).toBeTruthy();
  });

  it('opens a student straight on the mastery map, which says "not set up yet" while the course has no content', async () => {
    const { posted, page, browser: b } = await launchWith(() => {});
    expect(posted.headers.get('location')).toBe('/student');
    expect(page.status).toBe(200);
    expect(b.urlOf(page)).toBe(`${rig.toolUrl}/student`);
    expect(await page.text()).toContain('data-testid="not-set-up"');
  });

  it('redirects to the LMS auth endpoint with every OIDC parameter and a SameSite=None; Secure; HttpOnly binding cookie', async () => {
    const b = browser();
    const q = new URLSearchParams({
      iss: rig.lms.issuer,
      login_hint: student().id,
      target_link_uri: `${rig.toolUrl}/lti/launch`,
      lti_message_hint: 'opaque',
      client_id: rig.lms.clientId,
      deployment_id: rig.lms.deploymentId, // Canvas's name
    });
    const res = await b.postForm(`${rig.toolUrl}/lti/login`, Object.fromEntries(q));
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.origin + loc.pathname).toBe(rig.lms.registration().authUrl);
    const p = loc.searchParams;
    expect(Object.fromEntries(['response_type', 'response_mode', 'scope', 'prompt', 'client_id', 'redirect_uri', 'login_hint', 'lti_message_hint'].map((k) => [k, p.get(k)]))).toEqual({
      response_type: 'id_token',
      response_mode: 'form_post',
      scope: 'openid',
      prompt: 'none',
      client_id: rig.lms.clientId,
      redirect_uri: `${rig.toolUrl}/lti/launch`,
      login_hint: student().id,
      lti_message_hint: 'opaque',
    });
    expect(p.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(p.get('nonce')).toMatch(/^[\w-]{40,}$/);
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/lti_login_[\w-]+=[^;]+;.*Max-Age=\d+/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=None/);
  });

  it('refuses a login whose target_link_uri is not on the tool', async () => {
    const b = browser();
    const q = new URLSearchParams({ iss: rig.lms.issuer, login_hint: 'x', target_link_uri: 'https://evil.example/lti/launch', client_id: rig.lms.clientId });
    const res = await b.get(`${rig.toolUrl}/lti/login?${q.toString()}`);
    expect(res.status).toBe(400);
    expect(errorOf(await res.text())).toEqual({ code: 'ERR_LOGIN_REJECTED', reason: 'target_link_uri_invalid' });
  });

  it('refuses a login from an unknown issuer', async () => {
    const q = new URLSearchParams({ iss: 'https://unknown.example', login_hint: 'x', target_link_uri: `${rig.toolUrl}/lti/launch` });
    const res = await browser().get(`${rig.toolUrl}/lti/login?${q.toString()}`);
    expect(errorOf(await res.text())).toEqual({ code: 'ERR_LOGIN_REJECTED', reason: 'platform_unknown' });
  });

  it('sets a session cookie that is HttpOnly, Secure, SameSite=None and at most an hour, and never puts the session in the URL', async () => {
    const { posted } = await launchWith(() => {});
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/student');
    const cookie = posted.headers.getSetCookie().find((c) => c.startsWith('masterly_session=')) as string;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=None/);
    expect(Number(/Max-Age=(\d+)/.exec(cookie)?.[1])).toBeLessThanOrEqual(3600);
  });

  it('accepts several roles, short role names and unknown roles', async () => {
    const { page } = await launchWith((c) => {
      c[ROLES_CLAIM] = ['Instructor', 'http://example.com/roles#Wizard', `${LIS}Learner`];
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/data-testid="role">Instructor</);
  });

  it('accepts a teaching-assistant sub-role as an instructor', async () => {
    const { page } = await launchWith((c) => {
      c[ROLES_CLAIM] = ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'];
    });
    expect(await page.text()).toMatch(/data-testid="role">Instructor</);
  });

  it('accepts an empty roles array, and says what Masterly is for and whom to ask', async () => {
    const { posted, page } = await launchWith((c) => {
      c[ROLES_CLAIM] = [];
    });
    expect(posted.headers.get('location')).toBe('/app');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="launch-help-other"');
  });

  it('accepts a launch with no name or email and greets "there"', async () => {
    const { page } = await launchWith((c) => {
      for (const k of ['name', 'given_name', 'family_name', 'email', 'middle_name', 'picture']) delete c[k];
    }, instructor().id);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello, there');
  });

  it('greets by email when that is all the LMS shares', async () => {
    const { page } = await launchWith((c) => {
      for (const k of ['name', 'given_name', 'family_name']) delete c[k];
      c.email = 'only@example.com';
    }, instructor().id);
    expect(await page.text()).toContain('Hello, only@example.com');
  });

  it('accepts a launch with no context, and says to open Masterly from the course', async () => {
    const { posted, page } = await launchWith((c) => {
      delete c[CONTEXT_CLAIM];
    });
    expect(posted.headers.get('location')).toBe('/app');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Open Masterly from your course');
  });

  it('shows the course title from the context claim', async () => {
    const { page } = await launchWith((c) => {
      c[CONTEXT_CLAIM] = { id: 'course-xyz', label: 'BIO 101', title: 'Cell biology' };
    });
    expect(await page.text()).toMatch(/<h1>[^<]*Cell biology/);
  });

  it('refuses /app without a session', async () => {
    const res = await browser().get(`${rig.toolUrl}/app`);
    expect(res.status).toBe(401);
    expect(errorOf(await res.text()).code).toBe('ERR_SESSION_REQUIRED');
  });

  it('refuses /app with a forged session cookie', async () => {
    const count = await sessionCount(rig.tool);
    const res = await fetch(`${rig.toolUrl}/app`, { headers: { cookie: 'masterly_session=abc.def' } });
    expect(res.status).toBe(401);
    expect(await sessionCount(rig.tool)).toBe(count);
  });

  it('frames only for registered platform origins', async () => {
    const res = await browser().get(`${rig.toolUrl}/app`);
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${new URL(rig.lms.registration().authUrl).origin}`);
  });
});
