import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startRig, type LaunchRig } from '../support/tool.js';

// Demo mode off, as at a school: the first instructor launch sets the course up from a sample unit through the
// pages, inside the LMS's iframe, and a student then practises an item of it.
describe.skipIf(skipBrowserTests())('course set-up in a browser', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  // No axe violations at all (WCAG 2.1 A/AA), not only no serious or critical ones.
  const violations = (frame: Frame) => axeViolations(frame);
  const launchFromCoursePage = async (personName: string) => {
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${personName}` }).click();
    for (let i = 0; i < 100; i++) {
      const frame = page.frames().find((f) => f.url().startsWith(rig.toolUrl));
      if (frame && (await frame.locator('h1').count()) > 0) return { page, frame };
      await page.waitForTimeout(100);
    }
    throw new Error('no tool frame');
  };
  const nameOf = (role: string) => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith(`#${role}`)) && u.name.includes(' '))!.name;

  it('shows a student the "not set up yet" page before anything is set up', async () => {
    expect(rig.tool.config.DEMO).toBe(false);
    const { page, frame } = await launchFromCoursePage(nameOf('Learner'));
    expect(new URL(frame.url()).pathname).toBe('/student'); // the launch opens the mastery map itself
    await expect.poll(() => frame.locator('h1').innerText()).toContain('is not ready yet');
    expect(await frame.locator('main').innerText()).not.toMatch(/ERR_/);
    expect(await violations(frame)).toEqual([]);
    await page.close();
  });

  it('sets the course up from the statistics sample on the first instructor launch', async () => {
    const { page, frame } = await launchFromCoursePage(nameOf('Instructor'));
    await expect.poll(() => frame.locator('h2').first().innerText()).toContain('Set up Masterly for Fractions 101');
    expect(await violations(frame)).toEqual([]);
    // Submitting without a choice says so beside the list.
    await frame.getByRole('button', { name: 'Start from this sample' }).click();
    await expect.poll(() => frame.locator('#sample-error').innerText()).toContain('Choose one of the sample units.');
    expect(await violations(frame)).toEqual([]);
    await frame.getByRole('radio', { name: /Introductory statistics/ }).check();
    await frame.getByRole('button', { name: 'Start from this sample' }).click();
    await expect.poll(() => frame.locator('[data-testid="done"]').innerText()).toContain('Introductory statistics');
    expect(await violations(frame)).toEqual([]);
    await frame.getByRole('link', { name: 'Open the class dashboard' }).click();
    await expect.poll(() => frame.url()).toBe(`${rig.toolUrl}/instructor`);
    await page.close();
  });

  it('lets a student practise an item of the new unit', async () => {
    const { page, frame } = await launchFromCoursePage(nameOf('Learner'));
    expect(new URL(frame.url()).pathname).toBe('/student'); // the launch opens the mastery map itself
    await expect.poll(() => frame.locator('main').innerText()).toContain('Statistical questions and types of data');
    await frame.goto(`${rig.toolUrl}/student/practice?go=1`);
    const radios = frame.locator('form.item-form input[name="answer"]');
    await expect.poll(() => radios.count()).toBeGreaterThan(0);
    if ((await radios.first().getAttribute('type')) === 'text') await radios.first().fill('1');
    else await radios.first().check();
    await frame.getByRole('button', { name: 'Check my answer' }).click();
    await expect.poll(() => frame.locator('#feedback').count()).toBe(1);
    expect(await violations(frame)).toEqual([]);
    const answered = await rig.tool.db.kysely.selectFrom('responses').select('id').where('user_id', 'is not', null).execute();
    expect(answered.length).toBe(1);
    await page.close();
  });
});
