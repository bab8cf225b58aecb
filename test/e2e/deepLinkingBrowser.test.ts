import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startTestTool, type TestTool } from '../support/tool.js';
import { startTestLms, type TestLms } from '../support/devplatform.js';

// Deep Linking in a real browser, inside the emulator's iframe: the picker is axe-clean and keyboard-labelled, and
// the return page auto-submits (static script under CSP script-src 'self', form-action allowing the LMS origin).
describe.skipIf(skipBrowserTests())('deep-linking picker in Chromium', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false, lmsEvidenceEveryMs: 0 });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  it('picks two objectives in the LMS iframe and the LMS receives them without another click', async () => {
    const instructor = lms.users.find((u) => u.roles.some((r) => r.endsWith('membership#Instructor')));
    const page = await chromium.newPage();
    await page.goto(lms.url);
    await page.getByRole('button', { name: `Add Masterly content (Deep Linking) as ${instructor!.name}` }).click();
    let frame: Frame | undefined;
    for (let i = 0; i < 100 && !frame; i++) {
      frame = page.frames().find((f) => f.url().startsWith(`${tool.config.BASE_URL}/deep-linking`));
      if (!frame) await page.waitForTimeout(100);
    }
    expect(frame, 'the picker opened in the iframe').toBeDefined();
    await frame!.locator('form[data-testid="picker"]').waitFor();
    expect(await axeViolations(frame!)).toEqual([]);
    await frame!.getByLabel('Fractions as parts of a whole').check();
    await frame!.getByLabel('Equivalent fractions').check();
    const before = (await lms.devplatform.deepLinkResponses()).length;
    await frame!.getByRole('button', { name: 'Add to course' }).click();
    await expect.poll(async () => (await lms.devplatform.deepLinkResponses()).length, { timeout: 10_000 }).toBe(before + 1);
    const claims = (await lms.devplatform.deepLinkResponses()).at(-1)!;
    const items = claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Array<{ title: string }>;
    expect(items.map((i) => i.title)).toEqual(['Fractions as parts of a whole', 'Equivalent fractions']);
    await page.close();
  });
});
