import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.js';
import { startTestLms, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

// Canvas frames the tool from the school's domain (school.instructure.com), while its auth endpoint lives on
// sso.canvaslms.com. The emulator's split mode serves the course page on another origin than auth/JWKS/token, and
// a real browser must render the launch inside the course page's iframe (CSP frame-ancestors must allow it).
describe.skipIf(!CHROMIUM_PATH)('Canvas-like launch in a browser: course page and auth on different origins', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool({ gradeWorker: false, lmsEvidenceEveryMs: 0 });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, mode: 'canvas', splitOrigins: true });
    await tool.services.registerPlatform(lms.registration());
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  it('renders the launch inside the course page iframe', async () => {
    const coursePage = lms.devplatform.pageUrl;
    expect(new URL(coursePage).origin).not.toBe(new URL(lms.registration().authUrl).origin);
    const instructor = lms.users.find((u) => u.roles.some((r) => r.endsWith('membership#Instructor')))!;
    const page = await chromium.newPage();
    await page.goto(coursePage);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    let heading = '';
    // Past the "Opening Masterly…" step a Canvas launch may show first (Platform Storage, ADR 0021).
    for (let i = 0; i < 100 && !heading.includes(instructor.name); i++) {
      const frame = page.frames().find((f) => f.url().startsWith(tool.config.BASE_URL));
      if (frame && (await frame.locator('h1').count().catch(() => 0)) > 0) heading = await frame.locator('h1').innerText().catch(() => '');
      if (!heading.includes(instructor.name)) await page.waitForTimeout(100);
    }
    expect(heading, `frames: ${page.frames().map((f) => f.url()).join(', ')}`).toContain(instructor.name);
    await page.close();
  });
});
