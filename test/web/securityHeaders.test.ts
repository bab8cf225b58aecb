import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, startTestLms, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

/**
 * The security headers Masterly sends (helmet's, computed once per frame-ancestors list) are exactly those helmet 8
 * sends as a per-request middleware with the same options: same names, same values, on a page, an error page, the
 * launch, a redirect and a static file, over HTTP and behind an HTTPS BASE_URL.
 */

/** What helmet answers with Masterly's former options and this frame-ancestors list. */
async function helmetHeaders(https: boolean, ancestors: string): Promise<Map<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", 'https:', 'http:'],
          frameAncestors: ["'self'", () => ancestors || "'self'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      xFrameOptions: false,
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: https,
    }),
  );
  app.get('/', (_req, res) => {
    res.status(204).end();
  });
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const plain = new Set(['date', 'connection', 'keep-alive', 'content-length', 'etag', 'content-type']);
    const out = new Map<string, string>();
    res.headers.forEach((v, k) => {
      if (!plain.has(k)) out.set(k, v);
    });
    return out;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Headers a browser would treat as security policy that helmet does not send with our options. */
const NEVER = ['x-frame-options', 'cross-origin-embedder-policy', 'x-powered-by', 'content-security-policy-report-only'];

function expectSameSecurityHeaders(res: Response, expected: Map<string, string>): void {
  expect(expected.size).toBeGreaterThanOrEqual(10);
  const got = Object.fromEntries([...expected.keys()].map((k) => [k, res.headers.get(k)]));
  expect(got).toEqual(Object.fromEntries(expected));
  for (const h of NEVER) expect(res.headers.get(h)).toBeNull();
}

describe.each([
  { name: 'over HTTP', https: false },
  { name: 'behind an HTTPS BASE_URL', https: true },
])('security headers $name', ({ https }) => {
  let tool: TestTool;
  let lms: TestLms;
  let base: string;
  let expected: Map<string, string>;
  const extra = 'https://lms.example.edu https://*.instructure.com';
  beforeAll(async () => {
    // Behind a TLS proxy the public URL is https while the app itself listens on plain HTTP (tool.url).
    tool = await startTestTool({ env: { FRAME_ANCESTORS: extra, ...(https ? { BASE_URL: 'https://masterly.example.edu' } : {}) } });
    base = tool.url;
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    const lmsOrigin = new URL(lms.registration().authUrl).origin;
    // The registry refreshes the origin list in the background after a registration.
    for (let i = 0; i < 50 && !(await fetch(`${base}/`)).headers.get('content-security-policy')?.includes(lmsOrigin); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expected = await helmetHeaders(https, `${lmsOrigin} ${extra}`);
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  it('sends helmet’s headers on a page, an error page and a 404', async () => {
    expectSameSecurityHeaders(await fetch(`${base}/`), expected);
    expectSameSecurityHeaders(await fetch(`${base}/app`), expected);
    expectSameSecurityHeaders(await fetch(`${base}/no-such-page`), expected);
  });

  it('sends helmet’s headers on the launch and on the login redirect', async () => {
    const launch = await browser().postForm(`${base}/lti/launch`, { id_token: 'x.y.z', state: 'nope' });
    expect(launch.status).toBeGreaterThanOrEqual(400);
    expectSameSecurityHeaders(launch, expected);
    const q = new URLSearchParams({ iss: lms.issuer, login_hint: 'u', target_link_uri: `${tool.config.BASE_URL}/app`, client_id: lms.clientId });
    const login = await fetch(`${base}/lti/login?${q.toString()}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expectSameSecurityHeaders(login, expected);
  });

  it('sends helmet’s headers on static files and health checks', async () => {
    expectSameSecurityHeaders(await fetch(`${base}/healthz`), expected);
    const css = await fetch(`${base}/static/app.css`);
    expect(css.status).toBe(200);
    expectSameSecurityHeaders(css, expected);
  });

  it('gives every response a request id', async () => {
    const a = (await fetch(`${base}/`)).headers.get('x-request-id');
    const b = (await fetch(`${base}/no-such-page`)).headers.get('x-request-id');
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('frames for a platform registered later, at once', async () => {
    const issuer = 'https://later.lms.example.org';
    await tool.services.registerPlatform({
      ...lms.registration(),
      issuer,
      clientId: 'later-client',
      authUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
    });
    let csp = '';
    for (let i = 0; i < 50 && !csp.includes(issuer); i++) {
      await new Promise((r) => setTimeout(r, 20));
      csp = (await fetch(`${base}/`)).headers.get('content-security-policy') ?? '';
    }
    expect(csp).toContain(` ${issuer}`);
    expect(csp).toContain(extra);
  });
});
