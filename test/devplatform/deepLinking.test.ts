import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { startMiniTool, type MiniTool } from './miniTool.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

describe('devplatform deep linking return', () => {
  let tool: MiniTool;
  let lms: TestLms;
  let data: string;
  beforeAll(async () => {
    tool = await startMiniTool();
    lms = await startTestLms({ toolUrl: tool.url });
    tool.connect(lms);
    const instructor = lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
    const { response } = await launchAs(lms, tool.url, { userId: instructor.id, messageType: 'LtiDeepLinkingRequest' });
    const claims = (await response.json()) as Record<string, { data: string }>;
    data = claims[`${DL}deep_linking_settings`]!.data;
  });
  afterAll(async () => {
    await lms.close();
    await tool.close();
  });

  const responseClaims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: lms.clientId,
      aud: lms.issuer,
      iat: now,
      exp: now + 300,
      nonce: randomUUID(),
      [`${LTI}message_type`]: 'LtiDeepLinkingResponse',
      [`${LTI}version`]: '1.3.0',
      [`${LTI}deployment_id`]: lms.deploymentId,
      [`${DL}data`]: data,
      [`${DL}msg`]: 'Added 2 objectives',
      [`${DL}log`]: 'picked obj-1, obj-2',
      [`${DL}content_items`]: [
        { type: 'ltiResourceLink', title: 'Equivalent fractions', url: `${tool.url}/lti/launch`, custom: { objective: 'obj-1' }, lineItem: { label: 'Equivalent fractions', scoreMaximum: 100, resourceId: 'obj-1', tag: 'mastery' } },
        { type: 'ltiResourceLink', title: 'Comparing fractions', url: `${tool.url}/lti/launch` },
      ],
      ...overrides,
    };
  };
  const post = async (jwt: string) =>
    fetch(`${lms.url}/deep_links/return`, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });

  it('stores the content items, creates line items, and shows what arrived', async () => {
    const res = await post(await tool.signResponse(responseClaims()));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Equivalent fractions');
    expect(html).toContain('Comparing fractions');
    expect(html).toContain('Added 2 objectives');
    expect(html).toContain('picked obj-1, obj-2');
    const course = await (await fetch(`${lms.url}/`)).text();
    expect(course).toContain('Comparing fractions');
    expect(await lms.devplatform.deepLinkResponses()).toHaveLength(1);
  });

  it('launches a deep-linked item with its custom parameters and line item', async () => {
    const student = lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name)!;
    const course = await (await fetch(`${lms.url}/`)).text();
    const linkId = /<option value="([^"]+)">Equivalent fractions<\/option>/.exec(course)?.[1];
    expect(linkId).toBeTruthy();
    const { response } = await launchAs(lms, tool.url, { userId: student.id, resourceLinkId: linkId! });
    const claims = (await response.json()) as Record<string, Record<string, unknown>>;
    expect(claims[`${LTI}custom`]).toMatchObject({ objective: 'obj-1' });
    expect(claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint']!.lineitem).toMatch(/\/line_items\/\d+$/);
  });

  it('refuses a replayed, misaddressed or mistyped response', async () => {
    const claims = responseClaims();
    expect((await post(await tool.signResponse(claims))).status).toBe(200);
    expect((await post(await tool.signResponse(claims))).status).toBe(400);
    expect((await post(await tool.signResponse(responseClaims({ aud: 'https://elsewhere.example' })))).status).toBe(400);
    expect((await post(await tool.signResponse(responseClaims({ [`${LTI}message_type`]: 'LtiResourceLinkRequest' })))).status).toBe(400);
    expect((await post(await tool.signResponse(responseClaims({ [`${DL}data`]: 'forged' })))).status).toBe(400);
    expect((await post(await tool.signResponse(responseClaims({ [`${LTI}deployment_id`]: '99' })))).status).toBe(400);
  });

  it('shows the errormsg a tool sends back', async () => {
    const res = await post(await tool.signResponse(responseClaims({ [`${DL}errormsg`]: 'Nothing was selected', [`${DL}content_items`]: [] })));
    expect(await res.text()).toContain('Nothing was selected');
  });
});
