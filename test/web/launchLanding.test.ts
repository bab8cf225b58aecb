import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { loginAt, startRig, type LaunchRig } from '../support/tool.js';

const ROLES_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/roles';
const CONTEXT_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/context';
// An empty course (no DEMO content): test/lti/launch.test.ts.
const M = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const ADMIN = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator';

/** Every hop a browser makes after the id_token post: the POST's redirect, then each GET, as [status, path]. */
type Hop = [number, string];

const h1Of = (html: string) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1]?.trim();

/**
 * The first page of a launch, by who launches (src/web/landing.ts): no greeting stop on the way. The demo course
 * (DEMO=true) gives the emulator's course content once a student page has been opened.
 */
describe('where a launch lands (HTTP, the whole redirect chain)', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig('generic', { env: { DEMO: 'true' }, gradeWorker: false });
  });
  afterAll(async () => rig?.close());

  const userWith = (role: string) => rig.lms.users.find((u) => u.roles.includes(`${M}${role}`) && u.name) as { id: string; name: string };

  /** Launches `userId` with the claims tweaked and follows the chain by hand; returns every hop and the last page. */
  async function chain(userId: string, tweak: (claims: Record<string, unknown>) => void = () => {}) {
    const login = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce: login.nonce });
    tweak(claims);
    const b = login.browser;
    let res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state: login.state });
    const hops: Hop[] = [[res.status, '/lti/launch']];
    for (let i = 0; i < 5 && res.status >= 300 && res.status < 400; i++) {
      const to = new URL(res.headers.get('location') as string, rig.toolUrl);
      await res.body?.cancel();
      res = await b.get(to.href);
      hops.push([res.status, to.pathname + to.search]);
    }
    return { hops, html: await res.text(), browser: b };
  }

  const revisit = async (b: TestBrowser) => {
    const res = await b.get(`${rig.toolUrl}/app`);
    await res.body?.cancel();
    return [res.status, res.headers.get('location')];
  };

  it('lands a student straight on the mastery map', async () => {
    const { hops, html, browser: b } = await chain(userWith('Learner').id);
    expect(hops).toEqual([[303, '/lti/launch'], [200, '/student']]);
    expect(h1Of(html)).toBe('Fractions');
    expect(html).toContain('Goals and progress');
    expect(html).not.toContain('Hello,');
    // An old bookmark of /app goes to the same page.
    expect(await revisit(b)).toEqual([303, '/student']);
  });

  it('lands an instructor and a teaching assistant straight on the class dashboard', async () => {
    await chain(userWith('Learner').id); // the demo course is imported on a student's first page
    for (const roles of [[`${M}Instructor`], ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], [`${M}Instructor`, `${M}Learner`]]) {
      const { hops, html, browser: b } = await chain(userWith('Instructor').id, (c) => {
        c[ROLES_CLAIM] = roles;
      });
      expect(hops, roles.join()).toEqual([[303, '/lti/launch'], [200, '/instructor']]);
      expect(html).toContain('data-testid="instructor-nav"');
      expect(h1Of(html)).toMatch(/Fractions/);
      expect(await revisit(b)).toEqual([303, '/instructor']);
    }
  });

  it('opens a deep-linked objective on its practice, as before', async () => {
    await chain(userWith('Learner').id);
    const { hops } = await chain(userWith('Learner').id, (c) => {
      c['https://purl.imsglobal.org/spec/lti/claim/custom'] = { masterly_objective: 'no-such-objective' };
    });
    expect(hops.map((h) => h[1])).toEqual(['/lti/launch', '/open/objective/no-such-objective', '/student']);
  });

  it.each([['Mentor'], ['Guest'], ['none']])('shows someone with no usable role (%s) what Masterly is for and whom to ask', async (role) => {
    const { hops, html, browser: b } = await chain(userWith('Learner').id, (c) => {
      c[ROLES_CLAIM] = role === 'none' ? [] : [`${M}${role}`];
    });
    expect(hops).toEqual([[303, '/lti/launch'], [200, '/app']]);
    expect(html).toContain('data-testid="launch-help-other"');
    expect(h1Of(html)).toBe('Welcome to Masterly');
    expect(html).toContain('ask your instructor to add you to the course as a student');
    expect(html).not.toMatch(/ERR_/);
    expect(await revisit(b)).toEqual([200, null]);
  });

  it('shows an LMS administrator without a course role the console and, in a course, its dashboard', async () => {
    const { hops, html, browser: b } = await chain(userWith('Instructor').id, (c) => {
      c[ROLES_CLAIM] = [ADMIN];
    });
    expect(hops).toEqual([[303, '/lti/launch'], [200, '/app']]);
    expect(html).toContain('data-testid="launch-help-administrator"');
    expect(html).toContain('href="/admin"');
    expect(html).toContain('href="/instructor"');
    const console = await b.get(`${rig.toolUrl}/admin`);
    expect(console.status).toBe(200);
    expect(await console.text()).toContain(rig.lms.clientId);
  });

  it('tells a launch from outside a course to open Masterly from the course', async () => {
    const { hops, html } = await chain(userWith('Learner').id, (c) => {
      delete c[CONTEXT_CLAIM];
    });
    expect(hops).toEqual([[303, '/lti/launch'], [200, '/app']]);
    expect(html).toContain('data-testid="launch-help-noCourse"');
    expect(h1Of(html)).toBe('Open Masterly from your course');
  });

  it('keeps Deep Linking and Submission Review on their own pages', async () => {
    const dl = await launchAs(rig.lms, rig.toolUrl, { userId: userWith('Instructor').id, messageType: 'LtiDeepLinkingRequest' });
    expect(dl.browser.urlOf(dl.response)).toBe(`${rig.toolUrl}/deep-linking`);
    const learner = userWith('Learner');
    const sr = await launchAs(rig.lms, rig.toolUrl, { userId: userWith('Instructor').id, messageType: 'LtiSubmissionReviewRequest', forUserId: learner.id });
    // /review opens the reviewed student's page.
    expect(new URL(sr.browser.urlOf(sr.response)).pathname).toMatch(/^\/instructor\/students\/[\w-]+$/);
  });
});
