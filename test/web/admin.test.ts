import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startTestTool, type TestTool } from '../lti/harness.js';

describe('admin page and Canvas configuration', () => {
  let tool: TestTool;
  let base: string;
  beforeAll(async () => {
    tool = await startTestTool();
    base = tool.config.BASE_URL;
  });
  afterAll(async () => tool?.close());

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
    const add = await b.postForm(`${base}/admin/platforms`, {
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
    await b.postForm(`${base}/admin/platforms/${platform?.id}/deployments`, { deploymentId: '2' });
    expect((await tool.services.listPlatforms())[0]?.deploymentIds).toEqual(['1', '2']);
    // The new platform's origin may now frame the tool.
    const csp = (await fetch(`${base}/healthz`)).headers.get('content-security-policy');
    expect(csp).toContain('https://moodle.example');
    const invalid = await b.postForm(`${base}/admin/platforms`, { issuer: 'x', clientId: 'y', authUrl: 'not a url', tokenUrl: '', jwksUrl: '' });
    expect(invalid.status).toBe(422);
    await b.postForm(`${base}/admin/platforms/${platform?.id}/delete`, {});
    expect(await tool.services.listPlatforms()).toEqual([]);
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
