import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startTestTool, type TestTool } from '../support/tool.js';

describe('admin page and Canvas configuration', () => {
  let tool: TestTool;
  let base: string;
  beforeAll(async () => {
    tool = await startTestTool();
    base = tool.config.BASE_URL;
  });
  afterAll(async () => tool?.close());

  /** Signs in through the form; returns the browser (holding the admin cookie) and the page's CSRF token. */
  async function signedIn(): Promise<{ b: TestBrowser; csrf: string }> {
    const b = browser();
    const ok = await b.postForm(`${base}/admin/signin`, { token: ADMIN_TOKEN });
    expect(ok.status).toBe(303);
    const page = await (await b.get(`${base}/admin`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeTruthy();
    return { b, csrf: csrf as string };
  }

  const aPlatform = (issuer: string) => ({
    name: 'Test LMS',
    vendor: 'generic' as const,
    issuer,
    clientId: 'client-123',
    authUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    deploymentId: '1',
  });

  it('answers 401 without the admin token', async () => {
    const res = await fetch(`${base}/admin`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Admin token');
    const bad = await fetch(`${base}/admin`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } });
    expect(bad.status).toBe(401);
    const post = await fetch(`${base}/admin/platforms`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'issuer=x' });
    expect(post.status).toBe(401);
    expect(errorOf(await post.text()).code).toBe('ERR_ADMIN_AUTH_REQUIRED');
  });

  it('shows what to paste into Canvas and Moodle with a bearer token', async () => {
    const res = await fetch(`${base}/admin`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const v of [`${base}/lti/login`, `${base}/lti/launch`, `${base}/.well-known/jwks.json`, `${base}/lti/config/canvas.json`]) expect(html).toContain(v);
    for (const label of ['Tool URL', 'Initiate login URL', 'Redirection URI(s)', 'Public keyset URL', 'Redirect URIs', 'OpenID Connect Initiation Url']) {
      expect(html).toContain(label);
    }
  });

  it('signs in with the form (HttpOnly cookie) and registers a platform and a deployment', async () => {
    const b = browser();
    const wrong = await b.postForm(`${base}/admin/signin`, { token: 'nope' });
    expect(wrong.status).toBe(401);
    const ok = await b.postForm(`${base}/admin/signin`, { token: ADMIN_TOKEN });
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie().join()).toMatch(/masterly_admin=.*HttpOnly/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await b.get(`${base}/admin`)).text())?.[1] as string;
    const add = await b.postForm(`${base}/admin/platforms`, {
      csrf,
      name: 'Moodle test',
      vendor: 'moodle',
      issuer: 'https://moodle.example',
      clientId: 'abcdefghijklmno',
      authUrl: 'https://moodle.example/mod/lti/auth.php',
      tokenUrl: 'https://moodle.example/mod/lti/token.php',
      jwksUrl: 'https://moodle.example/mod/lti/certs.php',
      deploymentId: '1',
    });
    expect(add.status).toBe(303);
    const page = await (await b.get(`${base}/admin`)).text();
    expect(page).toContain('https://moodle.example');
    const [platform] = await tool.services.listPlatforms();
    expect(platform?.deploymentIds).toEqual(['1']);
    await b.postForm(`${base}/admin/platforms/${platform?.id}/deployments`, { deploymentId: '2', csrf });
    expect((await tool.services.listPlatforms())[0]?.deploymentIds).toEqual(['1', '2']);
    // The new platform's origin may now frame the tool.
    const csp = (await fetch(`${base}/healthz`)).headers.get('content-security-policy');
    expect(csp).toContain('https://moodle.example');
    const invalid = await b.postForm(`${base}/admin/platforms`, { csrf, issuer: 'x', clientId: 'y', authUrl: 'not a url', tokenUrl: '', jwksUrl: '' });
    expect(invalid.status).toBe(422);
    await b.postForm(`${base}/admin/platforms/${platform?.id}/delete`, { csrf });
    expect(await tool.services.listPlatforms()).toEqual([]);
  });

  it.each([
    ['without a CSRF token', undefined],
    ['with a wrong CSRF token', 'forged-token'],
    ['with the token of another admin session', 'other-session'],
  ])('refuses every admin form posted %s (403 ERR_CSRF_INVALID, nothing changed)', async (_label, token) => {
    const { b, csrf } = await signedIn();
    const seeded = await tool.services.registerPlatform({ ...aPlatform(`https://csrf-${Math.random().toString(36).slice(2)}.example`) });
    const before = await tool.services.listPlatforms();
    const fields = async (extra: Record<string, string>): Promise<Record<string, string>> => {
      if (token === undefined) return extra;
      if (token === 'other-session') return { ...extra, csrf: (await signedIn()).csrf };
      return { ...extra, csrf: token };
    };
    for (const [url, extra] of [
      [`${base}/admin/platforms`, aPlatform('https://attacker.example')],
      [`${base}/admin/platforms/${seeded.id}/deployments`, { deploymentId: 'evil' }],
      [`${base}/admin/platforms/${seeded.id}/delete`, {}],
      [`${base}/admin/signout`, {}],
    ] as const) {
      const res = await b.postForm(url, await fields(extra));
      expect(res.status, url).toBe(403);
      expect(errorOf(await res.text()), url).toEqual({ code: 'ERR_CSRF_INVALID' });
    }
    expect(await tool.services.listPlatforms()).toEqual(before);
    // Still signed in, and the right token still works.
    expect((await b.get(`${base}/admin`)).status).toBe(200);
    expect((await b.postForm(`${base}/admin/platforms/${seeded.id}/delete`, { csrf })).status).toBe(303);
    expect((await tool.services.listPlatforms()).some((p) => p.id === seeded.id)).toBe(false);
  });

  it('does not ask bearer-token API calls for a CSRF token', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const res = await fetch(`${base}/admin/platforms`, { method: 'POST', headers, body: new URLSearchParams(aPlatform('https://bearer.example')).toString(), redirect: 'manual' });
    expect(res.status).toBe(303);
    const p = (await tool.services.listPlatforms()).find((x) => x.issuer === 'https://bearer.example');
    expect(p?.deploymentIds).toEqual(['1']);
    const del = await fetch(`${base}/admin/platforms/${p?.id}/delete`, { method: 'POST', headers, body: '', redirect: 'manual' });
    expect(del.status).toBe(303);
  });

  it('signs out with the CSRF token', async () => {
    const { b, csrf } = await signedIn();
    expect((await b.postForm(`${base}/admin/signout`, { csrf })).status).toBe(303);
    expect((await b.get(`${base}/admin`)).status).toBe(401);
  });

  it('serves a Canvas JSON configuration', async () => {
    const res = await fetch(`${base}/lti/config/canvas.json`);
    const cfg = (await res.json()) as Record<string, unknown> & { extensions: { privacy_level: string; settings: { placements: { placement: string }[] } }[]; scopes: string[] };
    expect(cfg).toMatchObject({ title: 'Masterly', oidc_initiation_url: `${base}/lti/login`, target_link_uri: `${base}/lti/launch`, public_jwk_url: `${base}/.well-known/jwks.json` });
    expect(cfg.scopes).toContain('https://purl.imsglobal.org/spec/lti-ags/scope/score');
    expect(cfg.scopes).toContain('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly');
    expect(cfg.extensions[0]?.privacy_level).toBe('public');
    expect(cfg.extensions[0]?.settings.placements.map((p) => p.placement)).toEqual(['course_navigation', 'link_selection']);
  });
});
