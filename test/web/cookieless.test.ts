/**
 * Launches without third-party cookies over HTTP (docs/decisions/0021-cookieless-launches.md): the login page that
 * keeps the binding in Platform Storage, the launch that reads it back, the new-window page, the session after the
 * launch as a partitioned cookie or a per-tab token, and that the state check and CSRF still hold.
 * The browser paths (postMessage, the token carried by public/session.js) are in test/browser/cookieless.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, parseForm, startTestLms, type TestBrowser } from '../support/devplatform.js';
import { errorOf, startTestTool, type LaunchRig } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const sessionTokenIn = (html: string): string | undefined => /<meta name="masterly-session" content="([^"]*)">/.exec(html)?.[1];
const attr = (html: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('launches without third-party cookies (HTTP)', () => {
  let rig: LaunchRig;
  let sub: string;
  beforeAll(async () => {
    // Demo mode imports the demo course on the first launch (the student pages need one).
    const tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false, lmsEvidenceEveryMs: 0 });
    const lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    rig = { tool, lms, toolUrl: tool.config.BASE_URL, close: async () => (await lms.close(), await tool.close()) };
    sub = rig.lms.users.find((u) => u.roles.includes(LEARNER))!.id;
  });
  afterAll(async () => {
    await rig?.close();
  });

  /**
   * Login (with the browser `b`, which keeps the login cookie) and the platform's auth answer: the id_token form.
   * Returns the login page too.
   */
  async function loginAndAuth(b: TestBrowser = browser()): Promise<{ loginPage: string; loginStatus: number; loginCsp: string; idToken: string; state: string; binding?: string }> {
    const { loginUrl } = await rig.lms.devplatform.createLaunch({ userId: sub });
    const login = await b.get(loginUrl);
    const loginPage = login.status === 200 ? await login.text() : '';
    let authUrl: string;
    if (login.status === 302) authUrl = login.headers.get('location')!;
    else {
      const form = parseForm(loginPage, loginUrl)!;
      authUrl = `${form.action}?${new URLSearchParams(form.fields).toString()}`;
    }
    const auth = await (await fetch(authUrl)).text();
    const fields = parseForm(auth, authUrl)!.fields;
    const binding = attr(loginPage, 'data-value');
    return { loginPage, loginStatus: login.status, loginCsp: login.headers.get('content-security-policy') ?? '', idToken: fields.id_token!, state: fields.state!, ...(binding ? { binding } : {}) };
  }

  const consumedAt = async (state: string) =>
    (await rig.tool.db.kysely.selectFrom('login_states').select('consumed_at').where('state', '=', state).executeTakeFirstOrThrow()).consumed_at;

  /** A browser that never sends cookies to the tool (the LMS iframe with third-party cookies blocked). */
  const blocked = () => browser();
  const launchUrl = () => `${rig.toolUrl}/lti/launch`;

  it('with lti_storage_target, the login serves a page that stores the binding in the platform frame and goes on to the auth endpoint', async () => {
    rig.lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const b = browser();
    const { loginPage, loginStatus, loginCsp, state, binding } = await loginAndAuth(b);
    expect(loginStatus).toBe(200);
    // Served before any launch is validated, when the LMS page that frames it may not be known yet.
    expect(loginCsp).toContain("frame-ancestors 'self' *");
    expect(attr(loginPage, 'data-mode')).toBe('put');
    expect(attr(loginPage, 'data-target')).toBe('post_message_forwarding');
    expect(attr(loginPage, 'data-origin')).toBe(new URL(rig.lms.registration().authUrl).origin);
    expect(attr(loginPage, 'data-key')).toBe(`state_${state}`);
    expect(loginPage).toContain('src="/static/ltiStorage.js"');
    expect(loginPage).not.toMatch(/<script>/); // CSP: no inline script
    // The cookie still goes along, for browsers that keep it, and holds the same binding.
    expect(Object.values(b.cookies('localhost'))).toContain(binding);
  });

  it('a launch without the cookie gets the read-back page (nothing consumed); the binding posted back from our page opens the session', async () => {
    rig.lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const { idToken, state, binding } = await loginAndAuth();
    const b = blocked();
    const first = await b.postForm(launchUrl(), { id_token: idToken, state }, { origin: rig.lms.url });
    const page = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('referrer-policy')).toBe('same-origin');
    expect(first.headers.get('content-security-policy')).toContain("frame-ancestors 'self' *");
    expect(attr(page, 'data-mode')).toBe('get');
    expect(attr(page, 'data-key')).toBe(`state_${state}`);
    expect(parseForm(page, launchUrl())!.fields).toMatchObject({ id_token: idToken, state, lti_storage_binding: '' });
    expect((await consumedAt(state))).toBeNull();

    const second = await b.postForm(launchUrl(), { id_token: idToken, state, lti_storage_binding: binding! }, { origin: rig.toolUrl });
    const started = await second.text();
    expect(second.status, started).toBe(200);
    const cookie = second.headers.getSetCookie().find((c) => c.startsWith('masterly_session='))!;
    // The page that becomes the tool's pages in token mode: the strict frame-ancestors again.
    expect(second.headers.get('content-security-policy')).not.toContain(' *');
    expect(cookie).toMatch(/; Partitioned/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=None/);
    const token = sessionTokenIn(started);
    expect(token).toBe(decodeURIComponent(cookie.split(';')[0]!.slice('masterly_session='.length)));
    expect(attr(started, 'data-landing')).toBe('/student');

    // Replaying the same post is refused: the state is consumed once.
    const replay = await blocked().postForm(launchUrl(), { id_token: idToken, state, lti_storage_binding: binding! }, { origin: rig.toolUrl });
    expect(errorOf(await replay.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_replayed' });
  });

  it('refuses a stored binding posted by another site, a wrong binding, and forged or absent states', async () => {
    rig.lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const { idToken, state, binding } = await loginAndAuth();
    // Another site's page posting the (known) binding: refused before anything is consumed.
    const crossSite = await blocked().postForm(launchUrl(), { id_token: idToken, state, lti_storage_binding: binding! }, { origin: rig.lms.url });
    expect(errorOf(await crossSite.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_browser_mismatch' });
    // Our origin but not the binding of this login.
    const wrong = await blocked().postForm(launchUrl(), { id_token: idToken, state, lti_storage_binding: 'x'.repeat(43) }, { origin: rig.toolUrl });
    expect(errorOf(await wrong.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_browser_mismatch' });
    // A state Masterly never issued gets no read-back page: the checks refuse it.
    const forged = await blocked().postForm(launchUrl(), { id_token: idToken, state: 'forged-state' }, { origin: rig.lms.url });
    expect(errorOf(await forged.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_unknown' });
    const absent = await blocked().postForm(launchUrl(), { id_token: idToken }, { origin: rig.lms.url });
    expect(errorOf(await absent.text())).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'state_missing' });
  });

  it('without Platform Storage (Moodle-like), a launch without the cookie offers the same login in a new window', async () => {
    rig.lms.devplatform.setQuirks({ platformStorage: 'none' });
    const { loginStatus, idToken, state } = await loginAndAuth();
    expect(loginStatus).toBe(302); // no storage target: the login is the plain redirect
    const res = await blocked().postForm(launchUrl(), { id_token: idToken, state }, { origin: rig.lms.url });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('masterly_session='))).toBe(false); // no session
    expect(page).toContain('Open Masterly in a new window');
    expect(page).not.toContain('data-mode');
    const form = /<form method="post" action="\/lti\/login" target="_blank">/.exec(page);
    expect(form).not.toBeNull();
    const fields = parseForm(page.slice(form!.index), launchUrl())!.fields;
    expect(fields).toMatchObject({ iss: rig.lms.issuer, login_hint: sub, client_id: rig.lms.clientId, lti_deployment_id: rig.lms.deploymentId, target_link_uri: launchUrl() });
    expect(fields.lti_message_hint).toBeTruthy();
    // The state is still refused without its binding.
    expect((await consumedAt(state))).toBeNull();
  });

  describe('the session after the launch', () => {
    let token: string;
    let cookieBrowser: TestBrowser;
    beforeAll(async () => {
      rig.lms.devplatform.setQuirks({ platformStorage: 'answer' });
      const { idToken, state, binding } = await loginAndAuth();
      cookieBrowser = blocked();
      const res = await cookieBrowser.postForm(launchUrl(), { id_token: idToken, state, lti_storage_binding: binding! }, { origin: rig.toolUrl });
      token = sessionTokenIn(await res.text())!;
    });

    it('/lti/session says whether the session cookie came back', async () => {
      expect((await cookieBrowser.get(`${rig.toolUrl}/lti/session`)).status).toBe(204);
      expect((await blocked().get(`${rig.toolUrl}/lti/session`)).status).toBe(401);
    });

    it('the token opens pages from a header and carries on in them; never from a URL', async () => {
      const res = await fetch(`${rig.toolUrl}/student`, { headers: { 'x-masterly-session': token } });
      const html = await res.text();
      expect(res.status, html).toBe(200);
      expect(sessionTokenIn(html)).toBe(token);
      expect(html).toContain('src="/static/session.js"');
      const inUrl = await fetch(`${rig.toolUrl}/student?session_token=${encodeURIComponent(token)}`);
      expect(inUrl.status).toBe(401);
      expect(errorOf(await inUrl.text()).code).toBe('ERR_SESSION_REQUIRED');
      // With the cookie, pages carry no token.
      const withCookie = await (await cookieBrowser.get(`${rig.toolUrl}/student`)).text();
      expect(withCookie).not.toContain('masterly-session');
    });

    it('CSRF still holds with the token: a form needs its csrf field; another site has no token to send', async () => {
      const practice = await fetch(`${rig.toolUrl}/student/practice`, { headers: { 'x-masterly-session': token } });
      let html = await practice.text();
      let form = parseForm(html, `${rig.toolUrl}/student/practice`);
      if (form?.action !== `${rig.toolUrl}/student/answer`) {
        const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
        html = await (await fetch(`${rig.toolUrl}${go}`, { headers: { 'x-masterly-session': token } })).text();
        form = parseForm(html, rig.toolUrl);
      }
      expect(form?.fields.csrf, html).toBeTruthy();
      const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
        fetch(`${rig.toolUrl}/student/answer`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields), redirect: 'manual' });
      const { csrf, ...withoutCsrf } = form!.fields;
      const noCsrf = await post({ ...withoutCsrf, answer: '1', session_token: token });
      expect(noCsrf.status).toBe(403);
      expect(errorOf(await noCsrf.text()).code).toBe('ERR_CSRF_INVALID');
      const forged = await post({ ...form!.fields, answer: '1' }, { origin: 'https://evil.example' });
      expect(errorOf(await forged.text()).code).toBe('ERR_SESSION_REQUIRED');
      const ok = await post({ ...withoutCsrf, csrf: csrf!, answer: '1', session_token: token });
      expect(ok.status, await ok.clone().text()).toBeLessThan(400);
      expect(await ok.text()).toContain(token);
    });
  });
});
