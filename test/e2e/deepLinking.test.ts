/**
 * Deep Linking 2.0 end to end against the LMS emulator over HTTP: the instructor's picker, the signed
 * LtiDeepLinkingResponse (verified by the emulator against our JWKS), accept_multiple / accept_types refusals,
 * the student refusal, and a deep-linked objective opening its practice. Runs on SQLite or PostgreSQL (DATABASE_URL).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { browser, launchAs, parseForm, type TestBrowser } from '../support/devplatform.js';
import { errorOf, loginAt, startRig, type LaunchRig } from '../support/tool.js';

const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const DL = {
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  data: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  msg: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
  errormsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/errormsg',
  errorlog: 'https://purl.imsglobal.org/spec/lti-dl/claim/errorlog',
};

/** Reads `name="value"` pairs of every input named `name` (checkbox/radio values). */
const valuesOf = (html: string, name: string): string[] =>
  [...html.matchAll(new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`, 'g'))].map((m) => m[1] as string);
const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Posts a form with repeated fields (several checkboxes) with the browser's cookies. */
const postPairs = (b: TestBrowser, url: string, pairs: [string, string][]): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: Object.entries(b.cookies(new URL(url).hostname)).map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: new URLSearchParams(pairs).toString(),
  });

/** Posts a crafted (tampered) deep-linking id_token through a real login at the tool. */
async function craftedDeepLinkLaunch(rig: LaunchRig, userId: string, settings: Record<string, unknown>, roles?: string[]): Promise<{ response: Response; browser: TestBrowser }> {
  const { state, nonce, browser: b } = await loginAt(rig, userId);
  const claims = rig.lms.launchClaims({ userId, nonce, messageType: 'LtiDeepLinkingRequest' });
  claims[CLAIM.deepLinkingSettings] = { ...(claims[CLAIM.deepLinkingSettings] as Record<string, unknown>), ...settings };
  if (roles) claims[CLAIM.roles] = roles;
  const idToken = await rig.lms.signIdToken(claims);
  const res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: idToken, state }, { origin: rig.lms.url });
  return { response: await b.follow(res), browser: b };
}

describe('Deep Linking 2.0 against the emulator', () => {
  let rig: LaunchRig;
  let instructorId: string;
  let studentId: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, lmsEvidenceEveryMs: 0, env: { DEMO: 'true' } } as never);
    instructorId = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    studentId = rig.lms.devplatform.users.find((u) => u.roles.includes(LEARNER) && u.status === 'Active' && u.name)!.id;
  });
  afterAll(async () => rig?.close());

  it('lets an instructor pick two objectives: two content items and two line items arrive, data echoed', async () => {
    const { response, browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
    const picker = await response.text();
    expect(response.status, picker).toBe(200);
    expect(b.urlOf(response)).toBe(`${rig.toolUrl}/deep-linking`);
    const choices = valuesOf(picker, 'choice');
    expect(choices).toContain('unit');
    const objectives = choices.filter((c) => c.startsWith('objective:'));
    expect(objectives.length).toBeGreaterThanOrEqual(2);
    expect(picker).toMatch(/type="checkbox"/);

    const before = (await rig.lms.devplatform.deepLinkResponses()).length;
    const page = await postPairs(b, `${rig.toolUrl}/deep-linking`, [['csrf', csrfOf(picker)], ['action', 'add'], ['choice', objectives[0] as string], ['choice', objectives[1] as string]]);
    const html = await page.text();
    expect(page.status, html).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${rig.lms.url}`);
    expect(html).toContain('<script src="/static/deeplinking.js"></script>');
    expect(html).toMatch(/<button type="submit">Continue to the LMS<\/button>/);
    const form = parseForm(html, `${rig.toolUrl}/deep-linking`)!;
    expect(form.action).toBe(`${rig.lms.url}/deep_links/return`);
    expect(form.method).toBe('POST');
    const jwt = decodeJwt(form.fields.JWT as string);
    expect(jwt.iss).toBe(rig.lms.clientId);
    expect(jwt.aud).toBe(rig.lms.issuer);
    expect(jwt[CLAIM.messageType]).toBe('LtiDeepLinkingResponse');
    expect(jwt[CLAIM.version]).toBe('1.3.0');
    expect(jwt[CLAIM.deploymentId]).toBe(rig.lms.deploymentId);
    expect(typeof jwt.nonce).toBe('string');
    expect(jwt.exp! - jwt.iat!).toBeGreaterThan(0);

    // The browser's auto-submit: the emulator verifies the JWT against our JWKS and stores the items.
    const returned = await b.postForm(form.action, form.fields, { origin: rig.toolUrl });
    expect(returned.status, await returned.clone().text()).toBe(200);
    const responses = await rig.lms.devplatform.deepLinkResponses();
    expect(responses.length).toBe(before + 1);
    const claims = responses.at(-1)!;
    const items = claims[DL.contentItems] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.type).toBe('ltiResourceLink');
      expect(item.url).toBe(`${rig.toolUrl}/lti/launch`);
      expect((item.custom as Record<string, string>).masterly_objective).toMatch(/\S/);
      expect((item.custom as Record<string, string>).masterly_activity).toMatch(/^a-\w+$/);
      expect(item.lineItem).toMatchObject({ scoreMaximum: expect.any(Number), label: item.title, tag: 'masterly-activity' });
    }
    expect(claims[DL.msg]).toBe('Masterly added 2 items.');
    // `data` echoed exactly as the request carried it (the emulator refuses anything else).
    const session = await rig.tool.db.kysely.selectFrom('launch_sessions').select('claims').orderBy('created_at', 'desc').execute();
    const sent = session.map((s) => JSON.parse(s.claims) as { extra?: { deepLinkingSettings?: { data?: unknown } } }).find((c) => c.extra?.deepLinkingSettings);
    expect(claims[DL.data]).toEqual(sent?.extra?.deepLinkingSettings?.data);

    // Two line items, one per placement, with the resourceId the grade outbox looks for (so passback fills these columns).
    const contextId = (await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const svc = await rig.tool.advantage.contexts.get(contextId);
    const lineItems = await rig.tool.advantage.lti.listLineItems(svc!.target, svc!.ags!.lineitems!, { tag: 'masterly-activity' });
    expect(lineItems).toHaveLength(2);
    for (const li of lineItems) expect(li.resourceId).toMatch(/^masterly:activity:a-\w+$/);
  });

  it('refuses two picks when the platform accepts one, says why, and sends nothing', async () => {
    const { response, browser: b } = await craftedDeepLinkLaunch(rig, instructorId, { accept_multiple: false });
    const picker = await response.text();
    expect(response.status, picker).toBe(200);
    expect(picker).toMatch(/type="radio"/);
    expect(picker).toContain('accepts one item');
    const objectives = valuesOf(picker, 'choice').filter((c) => c.startsWith('objective:'));
    const before = (await rig.lms.devplatform.deepLinkResponses()).length;
    const page = await postPairs(b, `${rig.toolUrl}/deep-linking`, [['csrf', csrfOf(picker)], ['choice', objectives[0] as string], ['choice', objectives[1] as string]]);
    const html = await page.text();
    expect(page.status).toBe(422);
    expect(html).toMatch(/data-testid="picker-error"[^>]*>\s*<p>Your LMS accepts only one item from this menu, and you chose 2\./);
    expect(html).not.toContain('name="JWT"');
    expect((await rig.lms.devplatform.deepLinkResponses()).length).toBe(before);

    // One pick is fine.
    const one = await b.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker), choice: objectives[0] as string });
    const oneHtml = await one.text();
    expect(one.status).toBe(200);
    const jwt = decodeJwt(parseForm(oneHtml, `${rig.toolUrl}/deep-linking`)!.fields.JWT as string);
    expect(jwt[DL.contentItems]).toHaveLength(1);
    expect(jwt[DL.data]).toBe('test-deep-link-data');
  });

  it('answers a deep-linking request once: a second submit (or cancel) is refused with 409 ERR_DEEP_LINK_USED and signs nothing', async () => {
    const { response, browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
    const picker = await response.text();
    expect(response.status, picker).toBe(200);
    const objectives = valuesOf(picker, 'choice').filter((c) => c.startsWith('objective:'));
    const first = await b.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker), choice: objectives[0] as string });
    const firstHtml = await first.text();
    expect(first.status, firstHtml).toBe(200);
    expect(parseForm(firstHtml, `${rig.toolUrl}/deep-linking`)?.fields.JWT).toBeDefined();
    const agains: Record<string, string>[] = [{ csrf: csrfOf(picker), choice: objectives[1] as string }, { csrf: csrfOf(picker), action: 'cancel' }];
    for (const again of agains) {
      const res = await b.postForm(`${rig.toolUrl}/deep-linking`, again);
      const html = await res.text();
      expect(res.status, html).toBe(409);
      expect(errorOf(html).code).toBe('ERR_DEEP_LINK_USED');
      expect(html).toContain('already sent to your course');
      expect(html).not.toContain('name="JWT"');
    }
    // Concurrent submits of a fresh request: exactly one is signed.
    const { response: r2, browser: b2 } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
    const picker2 = await r2.text();
    const racing = await Promise.all([0, 1, 2].map(() => b2.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker2), choice: 'unit' })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    // A refused selection does not use the request up: the instructor can still choose.
    const { response: r3, browser: b3 } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
    const picker3 = await r3.text();
    expect((await b3.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker3) })).status).toBe(422);
    expect((await b3.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker3), choice: 'unit' })).status).toBe(200);
  });

  it('tells the instructor plainly when the placement accepts no resource links, and can return with errormsg', async () => {
    const { response, browser: b } = await craftedDeepLinkLaunch(rig, instructorId, { accept_types: ['file', 'html'] });
    const picker = await response.text();
    expect(response.status).toBe(200);
    expect(picker).toContain('data-testid="not-accepted"');
    expect(picker).toContain('accepts only file, html content');
    expect(valuesOf(picker, 'choice')).toEqual([]);
    const refused = await b.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker), choice: 'unit' });
    expect(refused.status).toBe(422);
    const cancel = await b.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker), action: 'cancel' });
    const jwt = decodeJwt(parseForm(await cancel.text(), `${rig.toolUrl}/deep-linking`)!.fields.JWT as string);
    expect(jwt[DL.contentItems]).toEqual([]);
    expect(jwt[DL.errormsg]).toMatch(/ltiResourceLink/);
    expect(jwt[DL.errorlog]).toBe('accept_types=file,html');
  });

  it('refuses the picker to a student (403), even from a deep-linking launch, and a POST without CSRF', async () => {
    const { browser: sb } = await launchAs(rig.lms, rig.toolUrl, { userId: studentId });
    expect((await sb.get(`${rig.toolUrl}/deep-linking`)).status).toBe(403);
    expect((await sb.postForm(`${rig.toolUrl}/deep-linking`, { csrf: 'x', choice: 'unit' })).status).toBe(403);
    const { response } = await craftedDeepLinkLaunch(rig, studentId, {}, [LEARNER]);
    expect(response.status).toBe(403);
    const { browser: ib } = await launchAs(rig.lms, rig.toolUrl, { userId: instructorId, messageType: 'LtiDeepLinkingRequest' });
    expect((await ib.postForm(`${rig.toolUrl}/deep-linking`, { csrf: 'forged', choice: 'unit' })).status).toBe(403);
    expect((await browser().get(`${rig.toolUrl}/deep-linking`)).status).toBe(401);
  });

  it('opens a deep-linked objective for a student launching its resource link', async () => {
    const { state, nonce, browser: b } = await loginAt(rig, studentId);
    const claims = rig.lms.launchClaims({ userId: studentId, nonce });
    claims[CLAIM.custom] = { masterly_objective: 'equivalent-fractions' };
    const res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state }, { origin: rig.lms.url });
    expect(res.headers.get('location')).toBe('/open/objective/equivalent-fractions');
    const open = await b.get(`${rig.toolUrl}/open/objective/equivalent-fractions`);
    expect(open.status).toBe(303);
    const objectiveId = (await rig.tool.db.kysely.selectFrom('objectives').select('id').where('key', '=', 'equivalent-fractions').executeTakeFirstOrThrow()).id;
    expect(open.headers.get('location')).toBe(`/student/practice?objective=${objectiveId}`);
    const unknown = await b.get(`${rig.toolUrl}/open/objective/no-such-key`);
    expect(unknown.headers.get('location')).toBe('/student');
  });
});
