/**
 * Deep Linking input rules against the LMS emulator over HTTP: a return URL that is not http(s) is refused at launch
 * (never rendered as a form action), and Moodle's string booleans ("true"/"false" for accept_multiple / auto_create)
 * are read as booleans. Runs on SQLite or PostgreSQL (DATABASE_URL).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { launchAs, parseForm, type TestBrowser } from '../support/devplatform.js';
import { errorOf, loginAt, sessionCount, startRig, type LaunchRig } from '../support/tool.js';

const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const CONTENT_ITEMS = 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items';

const valuesOf = (html: string, name: string): string[] =>
  [...html.matchAll(new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`, 'g'))].map((m) => m[1] as string);
const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Posts a deep-linking id_token whose settings the test changes, through a real login at the tool. */
async function deepLinkLaunchWith(rig: LaunchRig, userId: string, settings: Record<string, unknown>): Promise<{ response: Response; browser: TestBrowser }> {
  const { state, nonce, browser: b } = await loginAt(rig, userId);
  const claims = rig.lms.launchClaims({ userId, nonce, messageType: 'LtiDeepLinkingRequest' });
  claims[CLAIM.deepLinkingSettings] = { ...(claims[CLAIM.deepLinkingSettings] as Record<string, unknown>), ...settings };
  const res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state }, { origin: rig.lms.url });
  return { response: await b.follow(res), browser: b };
}

describe('Deep Linking input rules (Moodle mode of the emulator)', () => {
  let rig: LaunchRig;
  let instructorId: string;
  beforeAll(async () => {
    rig = await startRig('moodle', { gradeWorker: false, lmsEvidenceEveryMs: 0, env: { DEMO: 'true' } } as never);
    instructorId = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
  });
  afterAll(async () => rig?.close());

  it.each(['javascript:alert(document.domain)//', 'data:text/html,<form>', 'ftp://lms.example/return'])(
    'refuses a return URL %s at launch with deep_link_return_url_invalid and no session',
    async (returnUrl) => {
      const sessions = await sessionCount(rig.tool);
      const { response } = await deepLinkLaunchWith(rig, instructorId, { deep_link_return_url: returnUrl });
      const html = await response.text();
      expect(response.status).toBe(401);
      expect(errorOf(html)).toEqual({ code: 'ERR_LAUNCH_REJECTED', reason: 'deep_link_return_url_invalid' });
      expect(html).not.toContain(returnUrl.slice(0, 12));
      expect(await sessionCount(rig.tool)).toBe(sessions);
    },
  );

  it('accepts accept_multiple / auto_create sent as the strings "true" by a Moodle version: picker, two items sent', async () => {
    rig.lms.devplatform.setQuirks({ stringBooleans: true });
    try {
      const { response, browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
      const picker = await response.text();
      expect(response.status, picker).toBe(200);
      expect(picker).toMatch(/type="checkbox"/);
      const objectives = valuesOf(picker, 'choice').filter((c) => c.startsWith('objective:'));
      const body = new URLSearchParams([['csrf', csrfOf(picker)], ['choice', objectives[0] as string], ['choice', objectives[1] as string]]);
      const page = await fetch(`${rig.toolUrl}/deep-linking`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: Object.entries(b.cookies(new URL(rig.toolUrl).hostname)).map(([k, v]) => `${k}=${v}`).join('; '),
        },
        body: body.toString(),
      });
      const html = await page.text();
      expect(page.status, html).toBe(200);
      const form = parseForm(html, `${rig.toolUrl}/deep-linking`)!;
      expect(decodeJwt(form.fields.JWT as string)[CONTENT_ITEMS]).toHaveLength(2);
    } finally {
      rig.lms.devplatform.setQuirks({ stringBooleans: false });
    }
  });

  it('reads accept_multiple "false" as false: the picker offers one choice', async () => {
    const { response } = await deepLinkLaunchWith(rig, instructorId, { accept_multiple: 'false', auto_create: 'false' });
    const picker = await response.text();
    expect(response.status, picker).toBe(200);
    expect(picker).toMatch(/type="radio"/);
    expect(picker).toContain('accepts one item');
  });
});
