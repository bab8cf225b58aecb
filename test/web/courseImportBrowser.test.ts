import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

// The import pages in a real browser: upload a Moodle XML bank with the file picker, read the preview, import it,
// watch the page refresh itself until done — checked with axe (WCAG 2.1 A/AA) at each step.
describe.skipIf(skipBrowserTests())('import pages in a browser (Chromium + axe)', () => {
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

  it('uploads, previews and imports a Moodle XML bank; every page passes axe', async () => {
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/instructor`)); i++) await page.waitForTimeout(100);

    await page.goto(`${rig.toolUrl}/instructor/import`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('File', { exact: true }).setInputFiles(path.resolve(import.meta.dirname, '../fixtures/interop/moodle-fractions.xml'));
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await page.locator('[data-testid="totals"]').waitFor();
    expect(await page.locator('[data-testid="totals"]').innerText()).toContain('5 question(s) can be imported into 2 objective(s); 4 skipped.');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Title of Fractions of amounts').fill('Amounts');
    await page.getByRole('button', { name: 'Save the objectives' }).click();
    await page.getByLabel('Title of Amounts').waitFor();
    await page.getByRole('button', { name: 'Import into the course' }).click();
    await page.locator('[data-testid="result"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="result"]').innerText()).toContain('Imported: 5 question(s) in 2 objective(s)');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
