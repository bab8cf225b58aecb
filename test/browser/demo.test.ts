import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startRig, type LaunchRig } from '../support/tool.js';

// A real browser clicks through the emulated LMS: the launch runs inside the course page's iframe,
// with the login cookie coming back on the cross-origin form post, exactly as in an LMS.
describe.skipIf(skipBrowserTests())('demo in a browser', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  beforeAll(async () => {
    rig = await startRig();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  const launchFromCoursePage = async (personName: string) => {
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${personName}` }).click();
    const frame = await (async () => {
      for (let i = 0; i < 100; i++) {
        const f = page.frames().find((fr) => fr.url().startsWith(rig.toolUrl));
        if (f && (await f.locator('h1').count()) > 0) return f;
        await page.waitForTimeout(100);
      }
      throw new Error(`no tool frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    })();
    return { page, frame };
  };

  it('launches an instructor inside the course page onto set-up (an empty course), greeting them by name, role and course', async () => {
    const instructor = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')));
    expect(instructor).toBeDefined();
    const { page, frame } = await launchFromCoursePage(instructor!.name);
    await expect.poll(() => frame.locator('h1').innerText()).toContain(instructor!.name);
    const body = await frame.locator('main').innerText();
    expect(body).toMatch(/Instructor/);
    expect(body).toMatch(/Fractions 101/);
    expect(await axeViolations(frame)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('launches a student the same way, straight to the mastery map (not set up yet in this empty course)', async () => {
    const student = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name.includes(' '));
    expect(student).toBeDefined();
    const { page, frame } = await launchFromCoursePage(student!.name);
    expect(new URL(frame.url()).pathname).toBe('/student');
    const body = await frame.locator('main').innerText();
    expect(body).toMatch(/Fractions 101 is not ready yet/);
    expect(body).not.toMatch(/ERR_/);
    expect(await axeViolations(frame)).toEqual([]);
    await page.close();
  });
});
