import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, loginAt, startRig, type LaunchRig } from '../support/tool.js';

/** The console's platform controls: deployments held and approved, platforms turned off and on, courses listed. */
describe('admin console: platforms, deployments and courses', () => {
  let rig: LaunchRig;
  let b: TestBrowser;
  let csrf: string;
  let base: string;
  beforeAll(async () => {
    rig = await startRig('generic');
    base = rig.toolUrl;
    b = browser();
    await b.postForm(`${base}/admin/signin`, { token: ADMIN_TOKEN });
    csrf = /name="csrf" value="([^"]+)"/.exec(await (await b.get(`${base}/admin`)).text())?.[1] as string;
  });
  afterAll(async () => rig?.close());

  const learner = () => (rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string }).id;
  const platform = async () => (await rig.tool.services.listPlatforms())[0]!;
  const post = (path: string, fields: Record<string, string>) => b.postForm(`${base}/admin/platforms/${path}`, { csrf, ...fields });

  it('holds a new deployment id, shows it, and accepts it once approved', async () => {
    const p = await platform();
    const original = rig.lms.deploymentId;
    // A launch from an unknown deployment: recorded as waiting, refused.
    await post(`${p.id}/deployment-status`, { deploymentId: original, action: 'remove' });
    const held = await launchAs(rig.lms, base, { userId: learner() });
    expect(errorOf(await held.response.text())).toMatchObject({ reason: 'deployment_unknown' });
    const after = await platform();
    expect(after.otherDeployments).toEqual([expect.objectContaining({ id: original, status: 'pending' })]);
    expect(await (await b.get(`${base}/admin`)).text()).toContain(`Approve deployment ${original}`);
    expect((await post(`${p.id}/deployment-status`, { deploymentId: original, action: 'active' })).status).toBe(303);
    expect((await launchAs(rig.lms, base, { userId: learner() })).response.status).toBe(200);
  });

  it('turns a deployment off, then the platform off, each with a clear refusal', async () => {
    const p = await platform();
    await post(`${p.id}/deployment-status`, { deploymentId: rig.lms.deploymentId, action: 'disabled' });
    expect(errorOf(await (await launchAs(rig.lms, base, { userId: learner() })).response.text())).toMatchObject({ reason: 'deployment_disabled' });
    await post(`${p.id}/deployment-status`, { deploymentId: rig.lms.deploymentId, action: 'active' });
    await post(`${p.id}/status`, { status: 'disabled' });
    expect(errorOf(await (await launchAs(rig.lms, base, { userId: learner() })).response.text())).toMatchObject({ reason: 'platform_disabled' });
    await post(`${p.id}/status`, { status: 'active' });
    expect((await launchAs(rig.lms, base, { userId: learner() })).response.status).toBe(200);
  });

  it('accepts new deployments when the platform says so, and lists the course by issuer and course id', async () => {
    const p = await platform();
    await post(`${p.id}/new-deployments`, { policy: 'accept' });
    await post(`${p.id}/deployment-status`, { deploymentId: rig.lms.deploymentId, action: 'remove' });
    expect((await launchAs(rig.lms, base, { userId: learner() })).response.status).toBe(200);
    expect((await platform()).deploymentIds).toEqual([rig.lms.deploymentId]);
    const html = await (await b.get(`${base}/admin`)).text();
    expect(html).toContain('Fractions 101');
    expect(html).toContain(`<code>${rig.lms.devplatform.courseId}</code>`);
  });

  it('refuses a forged status change (CSRF) and an unknown choice', async () => {
    const p = await platform();
    const forged = await b.postForm(`${base}/admin/platforms/${p.id}/status`, { status: 'disabled' });
    expect(forged.status).toBe(403);
    const bad = await b.postForm(`${base}/admin/platforms/${p.id}/status`, { csrf, status: 'pending' });
    expect(bad.status).toBe(422);
    expect((await platform()).status).toBe('active');
  });
});

describe('admin console: key rotation', () => {
  let rig: LaunchRig;
  afterAll(async () => rig?.close());
  it('rotates keys from the console: next becomes current, the JWKS serves current and next, a launch still works', async () => {
    rig = await startRig('generic');
    const base = rig.toolUrl;
    const b = browser();
    await b.postForm(`${base}/admin/signin`, { token: ADMIN_TOKEN });
    const page = await (await b.get(`${base}/admin`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
    const kidOf = (html: string, status: string) => new RegExp(`data-key-status="${status}"><th scope="row"><code>([^<]+)</code>`).exec(html)?.[1];
    const [current, next] = [kidOf(page, 'current'), kidOf(page, 'next')];
    expect(current && next).toBeTruthy();
    expect((await b.postForm(`${base}/admin/keys/rotate`, { csrf })).status).toBe(303);
    const after = await (await b.get(`${base}/admin`)).text();
    expect(kidOf(after, 'current')).toBe(next);
    expect(kidOf(after, 'retired')).toBe(current);
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([next, kidOf(after, 'next')]);
    const learner = (rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string }).id;
    expect((await launchAs(rig.lms, base, { userId: learner })).response.status).toBe(200);
  });
});

describe('admin console: sign-in by an LMS administrator launch', () => {
  let rig: LaunchRig;
  afterAll(async () => rig?.close());

  it('sees and changes only the platform it launched from', async () => {
    rig = await startRig('generic');
    const base = rig.toolUrl;
    const other = await rig.tool.services.registerPlatform({
      issuer: 'https://other-lms.example',
      clientId: 'other-client',
      authUrl: 'https://other-lms.example/auth',
      tokenUrl: 'https://other-lms.example/token',
      jwksUrl: 'https://other-lms.example/jwks',
      deploymentIds: ['1'],
    });
    const own = (await rig.tool.services.listPlatforms()).find((p) => p.issuer === rig.lms.issuer)!;
    const userId = (rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor'))) as { id: string }).id;

    // Without an administrator role a launch session gets no console.
    const teacher = await launchAs(rig.lms, base, { userId });
    expect((await teacher.browser.get(`${base}/admin`)).status).toBe(401);

    const login = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce: login.nonce });
    claims['https://purl.imsglobal.org/spec/lti/claim/roles'] = ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'];
    const launched = await login.browser.postForm(`${base}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state: login.state });
    expect(launched.status).toBe(303);
    const b = login.browser;
    const page = await b.get(`${base}/admin`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(own.clientId);
    expect(html).not.toContain('other-client');
    expect(html).not.toContain('/admin/keys/rotate');
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;

    expect((await b.postForm(`${base}/admin/platforms/${other.id}/status`, { csrf, status: 'disabled' })).status).toBe(403);
    expect((await b.postForm(`${base}/admin/keys/rotate`, { csrf })).status).toBe(403);
    expect((await b.postForm(`${base}/admin/platforms/${own.id}/new-deployments`, { csrf: 'forged' , policy: 'accept' })).status).toBe(403);
    expect((await b.postForm(`${base}/admin/platforms/${own.id}/new-deployments`, { csrf, policy: 'accept' })).status).toBe(303);
    const after = await rig.tool.services.listPlatforms();
    expect(after.find((p) => p.id === own.id)?.newDeployments).toBe('accept');
    expect(after.find((p) => p.id === other.id)?.status ?? 'active').toBe('active');
    expect((await b.get(`${base}/admin/platforms/${other.id}/self-test`)).status).toBe(403);
  });
});
