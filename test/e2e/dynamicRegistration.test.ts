import { afterEach, describe, expect, it } from 'vitest';
import { browser, launchAs, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startTestTool, type TestTool } from '../support/tool.js';

/**
 * LTI Dynamic Registration against the emulator, both ways: an administrator pastes Masterly's registration URL into
 * the emulator's "Manage tools" page (Canvas-like or Moodle-like), the emulator frames the URL, Masterly registers
 * itself, the platform arrives pending, an administrator approves it in the console, and a launch works.
 */
const learner = (l: TestLms): string => (l.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string }).id;

describe('dynamic registration with the emulator', () => {
  let tool: TestTool | undefined;
  let lms: TestLms | undefined;
  afterEach(async () => {
    await lms?.close();
    await tool?.close();
    lms = undefined;
    tool = undefined;
  });

  async function rig(mode: 'canvas' | 'moodle') {
    tool = await startTestTool();
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, mode });
    return { tool, lms, base: tool.config.BASE_URL };
  }

  /** Registers by URL as the LMS admin would: the tools page, then the framed registration page; returns that page. */
  async function registerByUrl(l: TestLms, base: string, opts: { update?: boolean; services?: boolean; names?: boolean } = {}): Promise<{ page: Response; html: string; frameSrc: string }> {
    const admin = browser();
    const form: Record<string, string> = { url: `${base}/lti/register` };
    if (opts.services !== false) form.services = 'on';
    if (opts.names !== false) form.names = 'on';
    if (opts.update) form.update = 'on';
    const registering = await admin.postForm(`${l.url}/tools/register`, form);
    expect(registering.status).toBe(200);
    const frameSrc = /id="registration-frame" title="[^"]*" src="([^"]+)"/.exec(await registering.text())?.[1]?.replace(/&amp;/g, '&');
    expect(frameSrc).toBeTruthy();
    const page = await admin.get(frameSrc as string);
    return { page, html: await page.text(), frameSrc: frameSrc as string };
  }

  async function consoleBrowser(base: string): Promise<{ b: TestBrowser; csrf: string }> {
    const b = browser();
    expect((await b.postForm(`${base}/admin/signin`, { token: ADMIN_TOKEN })).status).toBe(303);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await b.get(`${base}/admin`)).text())?.[1] as string;
    return { b, csrf };
  }

  it('Moodle-like: registers with the deployment id, arrives pending, launches once approved on both sides', async () => {
    const { tool: t, lms: l, base } = await rig('moodle');
    const { page, html } = await registerByUrl(l, base);
    expect(page.status).toBe(200);
    expect(html).toContain('Masterly is registered with');
    expect(html).toContain('/static/registrationClose.js');
    // Framable by the LMS that opened it (this page only).
    expect(page.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors 'self' ${l.url}`));

    const [p] = await t.services.listPlatforms();
    expect(p).toMatchObject({ issuer: l.issuer, clientId: l.clientId, status: 'pending', vendor: 'moodle', registeredVia: 'dynamic', deploymentIds: [l.deploymentId] });
    expect(p?.registration?.scopes.length).toBe(5);

    // Pending on the LMS side too (Moodle): the emulator refuses to launch until activated.
    await expect(launchAs(l, base, { userId: learner(l) })).rejects.toThrow(/pending/);
    await browser().postForm(`${l.url}/tools/activate`, {});
    // Pending at Masterly: a clear refusal, no session.
    const refused = await launchAs(l, base, { userId: learner(l) });
    expect(errorOf(await refused.response.text())).toEqual({ code: 'ERR_LOGIN_REJECTED', reason: 'platform_pending' });

    const { b, csrf } = await consoleBrowser(base);
    expect((await b.postForm(`${base}/admin/platforms/${encodeURIComponent(p?.id as string)}/status`, { csrf, status: 'active' })).status).toBe(303);
    const ok = await launchAs(l, base, { userId: learner(l) });
    expect(ok.response.status).toBe(200);
  });

  it('Canvas-like: sends the registration token, and accepts the per-install deployment id it sees first in a launch', async () => {
    const { tool: t, lms: l, base } = await rig('canvas');
    const { page } = await registerByUrl(l, base);
    expect(page.status).toBe(200);
    expect(l.devplatform.registrations.refusedConfigurations).toBe(0);
    const sent = l.devplatform.registrations.tool?.request as Record<string, unknown>;
    const cfg = sent['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown>;
    expect(cfg['https://canvas.instructure.com/lti/privacy_level']).toBe('public');
    const placements = (cfg.messages as { placements: string[] }[]).flatMap((m) => m.placements);
    expect(placements).toEqual(expect.arrayContaining(['course_navigation', 'link_selection', 'assignment_selection']));

    const [p] = await t.services.listPlatforms();
    expect(p).toMatchObject({ clientId: l.clientId, status: 'pending', vendor: 'canvas', newDeployments: 'accept', deploymentIds: [] });
    const { b, csrf } = await consoleBrowser(base);
    await b.postForm(`${base}/admin/platforms/${encodeURIComponent(p?.id as string)}/status`, { csrf, status: 'active' });
    const ok = await launchAs(l, base, { userId: learner(l) });
    expect(ok.response.status).toBe(200);
    const [after] = await t.services.listPlatforms();
    expect(after?.deploymentIds).toEqual([l.deploymentId]);
    expect(await (await b.get(`${base}/admin`)).text()).toContain(l.deploymentId);
  });

  it('the same client id again updates the registration; a new client id is a new registration', async () => {
    const { tool: t, lms: l, base } = await rig('moodle');
    await registerByUrl(l, base);
    const first = l.clientId;
    await registerByUrl(l, base, { update: true });
    expect(l.clientId).toBe(first);
    expect(await t.services.listPlatforms()).toHaveLength(1);
    await registerByUrl(l, base);
    expect(l.clientId).not.toBe(first);
    const all = await t.services.listPlatforms();
    expect(all.map((p) => p.clientId).sort()).toEqual([first, l.clientId].sort());
    expect(new Set(all.map((p) => p.issuer)).size).toBe(1);
  });

  it('a Canvas-like platform refuses the configuration without the token, and the page says to start again', async () => {
    const { tool: t, lms: l, base } = await rig('canvas');
    const res = await browser().get(`${base}/lti/register?openid_configuration=${encodeURIComponent(`${l.url}/.well-known/openid-configuration`)}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorOf(html)).toEqual({ code: 'ERR_REGISTRATION_FAILED', reason: 'configuration_refused' });
    expect(html).toContain('Start the registration again from your LMS');
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${l.url}`);
    expect(await t.services.listPlatforms()).toHaveLength(0);
  });

  /** Registers in Moodle mode, activates on both sides, launches once, and returns the self-test page rows. */
  async function selfTestAfterInstall(grants: { services: boolean; names: boolean }) {
    const { tool: t, lms: l, base } = await rig('moodle');
    await registerByUrl(l, base, grants);
    await browser().postForm(`${l.url}/tools/activate`, {});
    const [p] = await t.services.listPlatforms();
    const { b, csrf } = await consoleBrowser(base);
    await b.postForm(`${base}/admin/platforms/${encodeURIComponent(p?.id as string)}/status`, { csrf, status: 'active' });
    expect((await launchAs(l, base, { userId: learner(l) })).response.status).toBe(200);
    const page = await b.get(`${base}/admin/platforms/${encodeURIComponent(p?.id as string)}/self-test`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const rows = Object.fromEntries(
      [...html.matchAll(/<tr data-state="(\w+)">\s*<th scope="row">([^<]+)<\/th>[\s\S]*?<td>([^<]*)<\/td>\s*<\/tr>/g)].map((m) => [m[2], { state: m[1], fix: m[3] }]),
    );
    return { rows, tokenRequests: l.devplatform.tokenRequests };
  }

  it('the install self-test reports each missing piece of a misconfigured Moodle, with the fix written for Moodle', async () => {
    const { rows, tokenRequests } = await selfTestAfterInstall({ services: false, names: false });
    expect(tokenRequests).toBeGreaterThanOrEqual(2); // it really asked for a token, per service
    expect(rows['Grades (Assignment and Grade Services)']).toMatchObject({ state: 'fail' });
    expect(rows['Grades (Assignment and Grade Services)']?.fix).toContain('Services: IMS LTI Assignment and Grade Services');
    expect(rows['Roster (Names and Role Provisioning)']).toMatchObject({ state: 'fail' });
    expect(rows['Roster (Names and Role Provisioning)']?.fix).toContain('IMS LTI Names and Role Provisioning');
    expect(rows['Names shared']).toMatchObject({ state: 'fail' });
    expect(rows['Names shared']?.fix).toContain('Share launcher’s name with tool');
    expect(rows['Approved in Masterly']).toMatchObject({ state: 'ok' });
    expect(rows.Deployments).toMatchObject({ state: 'ok' });
  });

  it('the install self-test passes a well-configured install', async () => {
    const { rows } = await selfTestAfterInstall({ services: true, names: true });
    for (const check of ['Approved in Masterly', 'Deployments', 'Grades (Assignment and Grade Services)', 'Roster (Names and Role Provisioning)', 'Names shared']) {
      expect(rows[check], check).toMatchObject({ state: 'ok' });
    }
    expect(rows['Content selection (Deep Linking)']).toMatchObject({ state: 'unknown' });
  });
});
