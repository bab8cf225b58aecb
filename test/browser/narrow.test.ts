import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { startRig, type LaunchRig } from '../support/tool.js';

/**
 * Every page at 320 px, the width of a phone-sized LMS iframe: nothing may scroll sideways (wide tables scroll inside
 * their own labelled region instead). Launched from the emulated course page like a real user, then each page opened.
 */
describe.skipIf(skipBrowserTests())('pages at 320 px', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  beforeAll(async () => {
    rig = await startRig('generic', { env: { DEMO: 'true' }, gradeWorker: false });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  const launched = async (role: 'Learner' | 'Instructor'): Promise<Page> => {
    const person = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith(`#${role}`)) && u.name.includes(' '))!;
    const page = await chromium.newPage({ viewport: { width: 320, height: 640 } });
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${person.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/`)); i++) await page.waitForTimeout(100);
    return page;
  };
  /** How far the page scrolls sideways at 320 px (0 when it fits). */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });

  it('student pages: map, lesson, question and feedback', async () => {
    const page = await launched('Learner');
    const base = rig.toolUrl;
    await page.goto(`${base}/student`);
    expect(await overflow(page), '/student').toBe(0);
    await page.goto(`${base}/student/practice`);
    expect(await page.locator('h1').innerText()).toMatch(/^Lesson:/);
    expect(await overflow(page), 'lesson').toBe(0);
    expect(await axeViolations(page), 'lesson at 320 px').toEqual([]);
    await page.getByRole('link', { name: 'Start practising' }).click();
    await page.locator('form.item-form').waitFor();
    expect(await overflow(page), 'question').toBe(0);
    const choices = page.locator('input[type="radio"], input[type="checkbox"]');
    if ((await choices.count()) > 0) await choices.first().check();
    else await page.getByLabel('Your answer').fill('1/2');
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await page.locator('#feedback').waitFor();
    expect(await overflow(page), 'feedback').toBe(0);
    await page.close();
  });

  it('instructor pages: dashboard, a student, grade sync and LMS evidence', async () => {
    // A student with answers, so the dashboard and the student page have rows.
    const student = await launched('Learner');
    await student.goto(`${rig.toolUrl}/student/practice?go=1`);
    await student.close();
    const page = await launched('Instructor');
    const base = rig.toolUrl;
    for (const path of ['/instructor', '/instructor/grades', '/instructor/evidence']) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await overflow(page), path).toBe(0);
      expect(await axeViolations(page), `${path} at 320 px`).toEqual([]);
    }
    await page.goto(`${base}/instructor`);
    const studentLink = page.locator('[data-testid="grid"] a').first();
    if ((await studentLink.count()) > 0) {
      await studentLink.click();
      await page.locator('h1').waitFor();
      expect(await overflow(page), 'student page').toBe(0);
    }
    await page.close();
  });
});
