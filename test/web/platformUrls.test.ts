import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformRepo } from '../../src/store/platformRepo.js';
import { onPostgres } from '../support/db.js';
import { ADMIN_TOKEN, errorOf, startTestTool, type TestTool } from '../support/tool.js';

/** Platform URLs: one rule at registration (service, admin form, CLI), and stored bad origins never break a page. */
describe(`platform URLs (${onPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let tool: TestTool;
  let base: string;
  beforeAll(async () => {
    tool = await startTestTool();
    base = tool.config.BASE_URL;
  });
  afterAll(async () => tool?.close());

  const registration = (urls: { authUrl: string; tokenUrl?: string; jwksUrl?: string }) => ({
    issuer: `https://lms-${randomUUID()}.example.edu`,
    clientId: 'client-1',
    tokenUrl: 'https://lms.example.edu/token',
    jwksUrl: 'https://lms.example.edu/jwks',
    deploymentIds: ['1'],
    ...urls,
  });
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it.each([
    ['a semicolon in the host', 'https://a;b.example.edu/auth'],
    ['a comma in the host', 'https://a,b.example.edu/auth'],
    ['an escaped semicolon in the host', 'https://a%3Bb.example.edu/auth'],
    ['an underscore in the host', 'https://a_b.example.edu/auth'],
    ['a wildcard host', 'https://*.example.edu/auth'],
    ['a user name and password', 'https://user:secret@lms.example.edu/auth'],
    ['plain http on a public host', 'http://lms.example.edu/auth'],
    ['another scheme', 'ftp://lms.example.edu/auth'],
    ['a fragment', 'https://lms.example.edu/auth#x'],
    ['no URL at all', 'lms.example.edu'],
  ])('refuses an auth URL with %s (ERR_VALIDATION, nothing stored)', async (_what, authUrl) => {
    const before = (await tool.services.listPlatforms()).length;
    await expect(tool.services.registerPlatform(registration({ authUrl }))).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [expect.objectContaining({ path: 'authUrl' })],
    });
    await expect(tool.services.registerPlatform(registration({ authUrl: 'https://ok.example.edu/auth', tokenUrl: authUrl }))).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [expect.objectContaining({ path: 'tokenUrl' })],
    });
    expect((await tool.services.listPlatforms()).length).toBe(before);
  });

  it.each([
    'https://lms.example.edu/mod/lti/auth.php',
    'https://lms.example.edu:8443/api/lti/authorize_redirect?x=1',
    'https://10.0.0.5/auth',
    'http://localhost:3001/auth',
    'http://127.0.0.1:3001/auth',
    'https://xn--mnchen-3ya.example/auth',
  ])('accepts %s', async (authUrl) => {
    const p = await tool.services.registerPlatform(registration({ authUrl }));
    expect(p.authUrl).toBe(authUrl);
  });

  it('refuses a bad auth URL from the admin form with a 422 page naming the field', async () => {
    const res = await fetch(`${base}/admin/platforms`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ issuer: 'https://evil.example', clientId: 'c', authUrl: 'https://a;b.example/auth', tokenUrl: 'https://a.example/t', jwksUrl: 'https://a.example/j' }).toString(),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ERR_VALIDATION');
    expect(body.error.message).toContain('authUrl');
  });

  it('skips a stored platform origin that cannot stand in the CSP: /healthz, /admin and /static still answer 200', async () => {
    // A registration stored before the rule existed (written straight to the database, as an old install has it).
    await platformRepo(tool.db.kysely).create({
      id: randomUUID(),
      issuer: 'https://broken.example.edu',
      clientId: 'broken',
      authUrl: 'https://a;b,c.example.edu/auth',
      tokenUrl: 'https://a;b,c.example.edu/token',
      jwksUrl: 'https://a;b,c.example.edu/jwks',
      name: 'Broken',
      vendor: 'generic',
      createdAt: Date.now(),
      deploymentIds: ['1'],
    });
    // Any registry change refreshes the origin list; wait until the good platform's origin is in the CSP.
    await tool.services.registerPlatform(registration({ authUrl: 'https://good.example.edu/auth' }));
    let csp = '';
    for (let i = 0; i < 100 && !csp.includes('https://good.example.edu'); i++) {
      const res = await fetch(`${base}/healthz`);
      csp = res.headers.get('content-security-policy') ?? '';
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(csp).toContain('https://good.example.edu');
    expect(csp).not.toContain('a;b');

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const admin = await fetch(`${base}/admin`, { headers: bearer });
    expect(admin.status).toBe(200);
    expect(errorOf(await admin.text()).code).toBeUndefined();
    const css = await fetch(`${base}/static/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'[^;]*https:\/\/good\.example\.edu/);
  });
});
