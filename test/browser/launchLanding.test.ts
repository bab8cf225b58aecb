/**
 * The first page a launch shows inside the course page's iframe (src/web/landing.ts): a student's is the mastery map,
 * an instructor's the class dashboard, with no greeting page between the launch and it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { launchAs } from '../support/devplatform.js';
import { loginAt, startRig, type LaunchRig } from '../support/tool.js';

const ROLES_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/roles';

describe.skipIf(skipBrowserTests())('a launch opens on its page (browser, inside the course page)', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  beforeAll(async () => {
    rig = await startRig('generic', { env: { DEMO: 'true' }, gradeWorker: false, lmsEvidenceEveryMs: 0 });
    // The demo course is imported on a student's first page: done here over HTTP, so the course has content.
    const learner = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')))!;
    expect((await launchAs(rig.lms, rig.toolUrl, { userId: learner.id })).response.status).toBe(200);
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  /** Launches from the course page; returns the tool's frame once it shows a page, and every tool page the frame loaded. */
  async function launch(name: string): Promise<{ page: Page; frame: Frame; visited: string[] }> {
    const page = await chromium.newPage();
    const visited: string[] = [];
    page.on('framenavigated', (f) => {
      if (f !== page.mainFrame() && f.url().startsWith(rig.toolUrl)) visited.push(new URL(f.url()).pathname);
    });
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${name}` }).click();
    for (let i = 0; i < 150; i++) {
      const f = page.frames().find((fr) => fr.url().startsWith(rig.toolUrl) && !new URL(fr.url()).pathname.startsWith('/lti/'));
      if (f && (await f.locator('h1').count().catch(() => 0)) > 0) return { page, frame: f, visited };
      await page.waitForTimeout(100);
    }
    throw new Error(`no tool page; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
  }

  it('shows a student the mastery map first', async () => {
    const student = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name.includes(' '))!;
    const { page, frame, visited } = await launch(student.name);
    expect(new URL(frame.url()).pathname).toBe('/student');
    // The one page of the tool the frame loaded (the launch post answered with a redirect, not a page).
    expect(visited).toEqual(['/student']);
    expect(await frame.locator('h1').innerText()).toBe('Fractions');
    expect(await frame.locator('main').innerText()).toContain('Goals and progress');
    expect(await frame.locator('main').innerText()).not.toContain('Hello,');
    expect(await axeViolations(frame)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows an instructor the class dashboard first', async () => {
    const instructor = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
    const { page, frame, visited } = await launch(instructor.name);
    expect(new URL(frame.url()).pathname).toBe('/instructor');
    expect(visited).toEqual(['/instructor']);
    expect(await frame.locator('h1').innerText()).toMatch(/Fractions/);
    expect(await frame.locator('[data-testid="instructor-nav"] a[aria-current="page"]').getAttribute('href')).toBe('/instructor');
    // Pages the greeting used to lead to stay one click away in the instructor navigation.
    for (const href of ['/instructor/grades', '/instructor/evidence', '/student']) expect(await frame.locator(`[data-testid="instructor-nav"] a[href="${href}"]`).count()).toBe(1);
    expect(await axeViolations(frame)).toEqual([]);
    await page.close();
  }, 60_000);

  it.each([
    ['a Mentor', ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'], 'Welcome to Masterly'],
    ['an LMS administrator', ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], 'You opened Masterly as an LMS administrator'],
  ])('shows %s a plain page of what to do that passes axe and fits 320 px', async (_who, roles, heading) => {
    // The emulator's course page has no such person: launched over HTTP, the session cookie then given to Chromium.
    const userId = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')))!.id;
    const login = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce: login.nonce });
    claims[ROLES_CLAIM] = roles;
    const posted = await login.browser.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state: login.state });
    expect(posted.headers.get('location')).toBe('/app');
    const context = await chromium.newContext({ viewport: { width: 320, height: 640 } });
    await context.addCookies([{ name: 'masterly_session', value: login.browser.cookies('localhost').masterly_session!, url: rig.toolUrl }]);
    const page = await context.newPage();
    expect((await page.goto(`${rig.toolUrl}/app`))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(heading);
    expect(await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    })).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
