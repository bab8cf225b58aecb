import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { ADMIN_TOKEN, startTestTool, type TestTool } from '../support/tool.js';
import { startTestLms, type TestLms } from '../support/devplatform.js';

const serious = (v: { impact: string | null | undefined }[]) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical');

// Dynamic registration as an LMS administrator does it in a browser: the emulator's "Manage tools" page frames
// Masterly's registration URL, Masterly's page ends with the close message, and the emulator closes the frame.
describe.skipIf(skipBrowserTests())('dynamic registration in Chromium', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool();
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, mode: 'moodle' });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  it('registers in an iframe, ends with org.imsglobal.lti.close, and the pages pass axe', async () => {
    const page = await chromium.newPage();
    await page.goto(`${lms.url}/tools`);
    await page.getByRole('button', { name: 'Register' }).click();
    const frame = page.frameLocator('#registration-frame');
    await frame.getByRole('heading', { name: /Masterly is registered with/ }).waitFor();
    const inner = page.frames().find((f) => f.url().startsWith(`${tool.config.BASE_URL}/lti/register`));
    expect(inner).toBeTruthy();
    expect(serious(await axeViolations(inner!))).toEqual([]);
    await frame.getByRole('button', { name: 'Finish' }).click();
    await expect.poll(() => page.locator('#registration-status').getAttribute('data-closed')).toBe('true');
    expect(await page.locator('#registration-frame').count()).toBe(0);

    // The console shows the platform waiting for approval; axe on it too.
    await page.goto(`${tool.config.BASE_URL}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Waiting for approval').first().waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);

    // The install self-test page.
    const [platform] = await tool.services.listPlatforms();
    await page.goto(`${tool.config.BASE_URL}/admin/platforms/${encodeURIComponent(platform!.id)}/self-test`);
    await page.getByRole('heading', { name: /Install self-test/ }).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.close();
  });
});
