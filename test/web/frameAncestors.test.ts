/**
 * CSP frame-ancestors per LMS, over HTTP against the emulator: Canvas frames the tool from the school's domain (the
 * emulator's split mode puts the course page on another origin than auth), learned only from launches that passed
 * every check, bounded per platform, and settable as the platform's "LMS address" (admin form and CLI); Moodle's
 * site URL (its issuer) is allowed; the auth host of Canvas and wildcards are not. SQLite or PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { MAX_LEARNED_PER_PLATFORM } from '../../src/services/frameAncestors.js';
import { launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { ADMIN_TOKEN, loginAt, startTestTool, type LaunchRig, type TestTool } from '../support/tool.js';

const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

/** The frame-ancestors sources the tool sends now. */
async function frameAncestors(tool: TestTool): Promise<string[]> {
  const res = await fetch(`${tool.config.BASE_URL}/healthz`);
  await res.body?.cancel();
  const csp = res.headers.get('content-security-policy') ?? '';
  return (/frame-ancestors ([^;]*)/.exec(csp)?.[1] ?? '').split(' ').filter(Boolean);
}

/** A launch whose claims the test changes (signed by the platform unless `key: 'other'`). */
async function craftedLaunch(rig: LaunchRig, userId: string, change: (c: Record<string, unknown>) => void, key: 'platform' | 'other' = 'platform'): Promise<Response> {
  const { state, nonce, browser: b } = await loginAt(rig, userId);
  const claims = rig.lms.launchClaims({ userId, nonce });
  change(claims);
  const res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims, { key }), state }, { origin: rig.lms.url });
  await res.body?.cancel();
  return res;
}

const withReturnUrl = (url: string) => (c: Record<string, unknown>) => {
  c[CLAIM.launchPresentation] = { ...(c[CLAIM.launchPresentation] as Record<string, unknown>), return_url: url };
};

describe('frame-ancestors for Canvas (course page and auth on different origins)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let rig: LaunchRig;
  let instructorId: string;
  let platformId: string;
  beforeAll(async () => {
    tool = await startTestTool({ gradeWorker: false, lmsEvidenceEveryMs: 0 });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, mode: 'canvas', splitOrigins: true });
    platformId = (await tool.services.registerPlatform(lms.registration())).id;
    rig = { tool, lms, toolUrl: tool.config.BASE_URL, close: async () => undefined };
    instructorId = lms.users.find((u) => u.roles.includes(INSTRUCTOR))!.id;
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  it('does not list Canvas\'s auth host, and learns the course page origin from a validated launch', async () => {
    const coursePage = new URL(lms.devplatform.pageUrl).origin;
    const authOrigin = new URL(lms.registration().authUrl).origin;
    const before = await frameAncestors(tool);
    expect(before).toEqual(["'self'"]);
    const { response } = await launchAs(lms, tool.config.BASE_URL, { userId: instructorId });
    expect(response.status).toBe(200);
    // The page the launch landed on already carries the learned origin.
    expect(response.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${coursePage}`);
    const after = await frameAncestors(tool);
    expect(after).toContain(coursePage);
    expect(after).not.toContain(authOrigin);
    expect(after.some((s) => s.includes('*'))).toBe(false);
    const rows = await tool.db.kysely.selectFrom('platform_frame_origins').select(['platform_id', 'origin']).execute();
    expect(rows).toEqual([{ platform_id: platformId, origin: coursePage }]);
  });

  it('learns nothing from a launch that fails the signature check, nor from non-http(s) or malformed origins', async () => {
    const res = await craftedLaunch(rig, instructorId, withReturnUrl('https://attacker.example/x'), 'other');
    expect(res.status).toBe(401);
    for (const bad of ['javascript:alert(1)', 'https://a;b.example/x', 'https://a,b.example/', 'data:text/html,x', 'not a url']) {
      const ok = await craftedLaunch(rig, instructorId, withReturnUrl(bad));
      expect(ok.status).toBe(303);
    }
    const list = await frameAncestors(tool);
    expect(list.join(' ')).not.toMatch(/attacker|a;b|a,b|javascript|data:/);
  });

  it('falls back to $Canvas.api.domain (https) when a launch has no return URL, and refuses a literal or odd value', async () => {
    const withDomain = (domain: string) => (c: Record<string, unknown>) => {
      delete c[CLAIM.launchPresentation];
      c[CLAIM.custom] = { ...(c[CLAIM.custom] as Record<string, unknown>), canvas_api_domain: domain };
    };
    for (const odd of ['$Canvas.api.domain', 'evil.example/x', 'user@evil.example', 'a;b.example']) {
      expect((await craftedLaunch(rig, instructorId, withDomain(odd))).status).toBe(303);
    }
    expect((await frameAncestors(tool)).join(' ')).not.toMatch(/Canvas|evil|a;b/);
    expect((await craftedLaunch(rig, instructorId, withDomain('canvas.fallback.example'))).status).toBe(303);
    expect(await frameAncestors(tool)).toContain('https://canvas.fallback.example');
  });

  it(`keeps at most ${MAX_LEARNED_PER_PLATFORM} learned origins per platform`, async () => {
    for (let i = 0; i < MAX_LEARNED_PER_PLATFORM + 3; i++) {
      const res = await craftedLaunch(rig, instructorId, withReturnUrl(`https://school${i}.example/courses/1`));
      expect(res.status).toBe(303);
    }
    const rows = await tool.db.kysely.selectFrom('platform_frame_origins').select('origin').where('platform_id', '=', platformId).execute();
    expect(rows).toHaveLength(MAX_LEARNED_PER_PLATFORM);
    expect((await frameAncestors(tool)).filter((s) => s !== "'self'")).toHaveLength(MAX_LEARNED_PER_PLATFORM);
  });

  it('lets an administrator set the LMS address on the admin page; it frames the tool right after', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const set = await fetch(`${tool.config.BASE_URL}/admin/platforms/${platformId}/lms-url`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ lmsUrl: 'https://canvas.school.example/' }).toString(),
      redirect: 'manual',
    });
    expect(set.status).toBe(303);
    // The registry change refreshes the list in the background (no restart, no timer wait).
    await expect.poll(() => frameAncestors(tool), { timeout: 10_000 }).toContain('https://canvas.school.example');
    const page = await (await fetch(`${tool.config.BASE_URL}/admin`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(page).toContain('value="https://canvas.school.example"');

    for (const bad of ['https://*.instructure.com', 'https://canvas.school.example/courses/1', 'javascript:alert(1)', 'ftp://x.example']) {
      const res = await fetch(`${tool.config.BASE_URL}/admin/platforms/${platformId}/lms-url`, { method: 'POST', headers, body: new URLSearchParams({ lmsUrl: bad }).toString(), redirect: 'manual' });
      expect(res.status, bad).toBe(422);
      expect(await res.text()).toContain('ERR_VALIDATION');
    }
    expect((await frameAncestors(tool)).some((s) => s.includes('*'))).toBe(false);
  });
});

describe('frame-ancestors for Moodle', () => {
  it('allows the site URL (the issuer) and the LMS address given at registration', async () => {
    const tool = await startTestTool({ gradeWorker: false, lmsEvidenceEveryMs: 0 });
    try {
      await tool.services.registerPlatform({
        issuer: 'https://moodle.school.example',
        clientId: 'abcdefghijklmno',
        authUrl: 'https://moodle.school.example/mod/lti/auth.php',
        tokenUrl: 'https://moodle.school.example/mod/lti/token.php',
        jwksUrl: 'https://moodle.school.example/mod/lti/certs.php',
        vendor: 'moodle',
        deploymentIds: ['1'],
      });
      await tool.services.registerPlatform({
        issuer: 'https://canvas.instructure.com',
        clientId: '10000000000001',
        authUrl: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
        tokenUrl: 'https://sso.canvaslms.com/login/oauth2/token',
        jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
        vendor: 'canvas',
        lmsUrl: 'https://school.instructure.com',
        deploymentIds: ['1'],
      });
      // Registration invalidates the registry; the list refreshes right after.
      // The order of sources in a CSP list carries no meaning (platforms registered in the same millisecond may
      // come back in either order), so compare them as a set.
      await expect
        .poll(async () => [...(await frameAncestors(tool))].sort(), { timeout: 10_000 })
        .toEqual(["'self'", 'https://moodle.school.example', 'https://school.instructure.com'].sort());
    } finally {
      await tool.close();
    }
  });
});
