import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startTestTool, type TestTool } from '../support/tool.js';
import { startTestLms, type TestLms } from '../support/devplatform.js';

// The student pages in a real browser: launched from the emulated course page, then map → lesson → question →
// feedback, each checked with axe (WCAG 2.1 A/AA) and for keyboard focus on the feedback.
describe.skipIf(skipBrowserTests())('student pages are accessible (Chromium + axe)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  const launchedPage = async (): Promise<Page> => {
    const student = lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name.includes(' '));
    const page = await chromium.newPage();
    await page.goto(lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${student!.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${tool.config.BASE_URL}/student`)); i++) await page.waitForTimeout(100);
    return page;
  };

  it('map, lesson, question and feedback have no axe violations, and feedback takes focus', async () => {
    const page = await launchedPage();
    const base = tool.config.BASE_URL;
    await page.goto(`${base}/student`);
    await expect.poll(() => page.locator('h2#goals-h').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${base}/student/practice`);
    expect(await page.locator('h1').innerText()).toMatch(/^Lesson:/);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Start practising' }).click();
    await page.locator('form.item-form').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const radios = page.locator('input[type="radio"], input[type="checkbox"]');
    if ((await radios.count()) > 0) await radios.first().check();
    else await page.getByLabel('Your answer').fill('1/2');
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await page.locator('#feedback').waitFor();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('feedback');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("the tool's own address explains Masterly and how to add it, with no session and no axe violations", async () => {
    const page = await chromium.newPage();
    const res = await page.goto(`${tool.config.BASE_URL}/`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toContain('Mastery learning inside your LMS');
    expect(await page.locator('main').innerText()).toContain(`${tool.config.BASE_URL}/lti/config/canvas.json`);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
