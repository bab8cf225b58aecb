import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { browser, launchAs, parseForm, startTestLms, type TestLms } from '../support/devplatform.js';
import { startMiniTool, type MiniTool } from './miniTool.js';

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';

describe('devplatform launch', () => {
  let tool: MiniTool;
  let lms: TestLms;
  beforeAll(async () => {
    tool = await startMiniTool();
    lms = await startTestLms({ toolUrl: tool.url });
    tool.connect(lms);
  });
  afterAll(async () => {
    await lms.close();
    await tool.close();
  });

  const instructor = () => lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
  const student = () => lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name)!;

  it('registers with a Moodle-like client id and deployment 1', () => {
    const reg = lms.registration();
    expect(reg.clientId).toMatch(/^[A-Za-z0-9]{15}$/);
    expect(reg).toMatchObject({ issuer: lms.url, deploymentIds: ['1'], name: 'Masterly emulator', vendor: 'generic' });
    expect(lms.users.length).toBeGreaterThanOrEqual(30);
    expect(lms.users.some((u) => u.name === '')).toBe(true);
  });

  it('launches through the tool login and answers a verifiable id_token with all LTI claims', async () => {
    const { response, browser: b } = await launchAs(lms, tool.url, { userId: student().id });
    expect(response.status).toBe(200);
    const claims = (await response.json()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: lms.issuer,
      aud: lms.clientId,
      azp: lms.clientId,
      sub: student().id,
      name: student().name,
      [`${CLAIM}message_type`]: 'LtiResourceLinkRequest',
      [`${CLAIM}version`]: '1.3.0',
      [`${CLAIM}deployment_id`]: '1',
      [`${CLAIM}target_link_uri`]: `${tool.url}/lti/launch`,
      [`${CLAIM}resource_link`]: { id: 'rl-masterly', title: 'Masterly' },
      [`${CLAIM}context`]: { id: '2', label: 'FRAC101', title: 'Fractions 101' },
      [`${CLAIM}launch_presentation`]: { document_target: 'iframe' },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { service_versions: ['2.0'] },
    });
    expect(claims[`${CLAIM}roles`]).toContain('http://purl.imsglobal.org/vocab/lis/v2/membership#Learner');
    const ags = claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] as { scope: string[]; lineitems: string };
    expect(ags.scope).toHaveLength(4);
    expect(ags.lineitems).toBe(`${lms.url}/api/lti/courses/2/line_items`);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(Object.keys(b.cookies('localhost')).some((n) => n.startsWith('lti_state_'))).toBe(true);
  });

  it('signs with RS256 and a kid published in its JWKS', async () => {
    const b = browser();
    const { loginUrl } = await lms.devplatform.createLaunch({ userId: instructor().id });
    const auth = await b.follow(await b.get(loginUrl));
    const form = parseForm(await auth.text(), b.urlOf(auth))!;
    expect(form).toMatchObject({ method: 'POST', action: `${tool.url}/lti/launch` });
    expect(decodeProtectedHeader(form.fields.id_token!)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    const { payload } = await jwtVerify(form.fields.id_token!, createRemoteJWKSet(new URL(`${lms.url}/.well-known/jwks.json`)), {
      issuer: lms.issuer,
      audience: lms.clientId,
    });
    expect(payload.email).toMatch(/@/);
    expect(form.fields.state).toBeTruthy();
  });

  it('omits name and email for the person who shares none', async () => {
    const anon = lms.users.find((u) => u.name === '')!;
    const { response } = await launchAs(lms, tool.url, { userId: anon.id });
    const claims = (await response.json()) as Record<string, unknown>;
    expect(claims.sub).toBe(anon.id);
    expect(claims).not.toHaveProperty('name');
    expect(claims).not.toHaveProperty('email');
  });

  it('sends deep linking settings to instructors', async () => {
    const { response } = await launchAs(lms, tool.url, { userId: instructor().id, messageType: 'LtiDeepLinkingRequest' });
    const claims = (await response.json()) as Record<string, unknown>;
    expect(claims[`${CLAIM}message_type`]).toBe('LtiDeepLinkingRequest');
    expect(claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings']).toMatchObject({
      deep_link_return_url: `${lms.url}/deep_links/return`,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: true,
      data: expect.any(String),
    });
  });

  it('refuses an auth request whose redirect_uri is not exactly the registered one', async () => {
    const { loginParams } = await lms.devplatform.createLaunch({ userId: student().id });
    const params = new URLSearchParams({
      scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: lms.clientId,
      redirect_uri: `${tool.url}/lti/launch/`, login_hint: student().id, state: 's', nonce: 'n', lti_message_hint: loginParams.lti_message_hint!,
    });
    const res = await fetch(`${lms.url}/auth?${params.toString()}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('data-error-code="invalidrequest"');
    expect(html).not.toContain('id_token');
  });

  it('refuses a login_hint that does not match the message hint', async () => {
    const { loginParams } = await lms.devplatform.createLaunch({ userId: student().id });
    const params = new URLSearchParams({
      scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: lms.clientId,
      redirect_uri: `${tool.url}/lti/launch`, login_hint: instructor().id, state: 's', nonce: 'n', lti_message_hint: loginParams.lti_message_hint!,
    });
    const res = await fetch(`${lms.url}/auth`, { method: 'POST', body: params });
    expect(res.status).toBe(400);
  });

  it('builds the iframe src with lti_deployment_id, and deployment_id plus canvas params in Canvas mode', async () => {
    const { loginParams } = await lms.devplatform.createLaunch({ userId: student().id });
    expect(loginParams).toMatchObject({ iss: lms.issuer, client_id: lms.clientId, lti_deployment_id: '1', target_link_uri: `${tool.url}/lti/launch` });
    lms.setMode('canvas');
    try {
      const canvas = await lms.devplatform.createLaunch({ userId: student().id });
      expect(canvas.loginParams).toMatchObject({ deployment_id: '1', canvas_region: expect.any(String), lti_storage_target: expect.any(String) });
      expect(canvas.loginParams).not.toHaveProperty('lti_deployment_id');
    } finally {
      lms.setMode('generic');
    }
  });

  it('shows the course page and, after "launch as", the tool inside an iframe', async () => {
    const b = browser();
    const page = await (await b.get(`${lms.url}/`)).text();
    expect(page).toContain('Course: Fractions 101');
    expect(page).toContain(`Launch Masterly as ${student().name}`);
    expect(page).toContain('Add Masterly content (Deep Linking)');
    const launched = await b.follow(await b.postForm(`${lms.url}/launch`, { userId: student().id }));
    const html = await launched.text();
    const src = /<iframe[^>]*src="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(src).toMatch(new RegExp(`^${tool.url}/lti/login\\?`));
    expect(new URL(src!).searchParams.get('login_hint')).toBe(student().id);
  });

  it('signs test tokens as asked: no kid, another key, alg none, HS256', async () => {
    const claims = lms.launchClaims({ userId: student().id, nonce: 'abc' });
    expect(claims).toMatchObject({ iss: lms.issuer, aud: lms.clientId, nonce: 'abc', sub: student().id });
    const jwks = createRemoteJWKSet(new URL(`${lms.url}/.well-known/jwks.json`));
    await expect(jwtVerify(await lms.signIdToken(claims), jwks)).resolves.toBeTruthy();
    expect(decodeProtectedHeader(await lms.signIdToken(claims, { kid: null }))).not.toHaveProperty('kid');
    await expect(jwtVerify(await lms.signIdToken(claims, { key: 'other' }), jwks)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const platformKid = decodeProtectedHeader(await lms.signIdToken(claims)).kid;
    await expect(jwtVerify(await lms.signIdToken(claims, { key: 'other', kid: platformKid! }), jwks)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    expect((await lms.signIdToken(claims, { alg: 'none' })).endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(await lms.signIdToken(claims, { alg: 'HS256' })).alg).toBe('HS256');
  });
});
