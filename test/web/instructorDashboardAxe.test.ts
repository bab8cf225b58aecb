import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { systemClock } from '../../src/services/ports.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aCourseFile, wrongAnswerFor } from '../factories.engine.js';
import { axeViolations } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { launchAs } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

// The instructor dashboard and a student page in a real browser, with a stuck student and a validation error shown,
// checked with axe (WCAG 2.1 A/AA).
describe.skipIf(skipBrowserTests())('instructor pages are accessible (Chromium + axe)', () => {
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

  it('dashboard and student page (with form errors) have no axe violations', async () => {
    const db = rig.tool.db;
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock };
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    await launchAs(rig.lms, rig.toolUrl, { userId: learner.id });
    const contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const userId = (await db.kysely.selectFrom('users').select('id').where('sub', '=', learner.id).executeTakeFirstOrThrow()).id;
    // Twelve objectives: the most the grid must show at 1280 px without scrolling sideways.
    await importCourse(engine, { contextId, file: aCourseFile({ itemsPerObjective: 12, objectives: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'] }) });
    const items = await courseRepo(db.kysely).listItems(contextId);
    for (let i = 0; i < 10; i++) {
      const item = items.find((it) => it.key === `A-${i}`)!;
      await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `axe-fail-${i}-attempt`, answer: wrongAnswerFor(item.kind) });
    }

    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/instructor`)); i++) await page.waitForTimeout(100);

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${rig.toolUrl}/instructor`);
    await page.locator('h2#attention-h').waitFor();
    const grid = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { scrollWidth: number; clientWidth: number } | null } }).document;
      const region = doc.querySelector('.grid-scroll');
      return { scroll: region?.scrollWidth ?? 0, client: region?.clientWidth ?? 0 };
    });
    expect(grid.scroll, 'the 12-objective grid fits at 1280 px').toBeLessThanOrEqual(grid.client);
    expect(await page.locator('[data-testid="attention"]').innerText()).toContain('Wheel-spinning'); // 10 wrong answers: flagged and offered reteach (ADR 0011), no longer "stuck"
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: learner.name }).first().click();
    await page.locator('h2#acc-h').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Time multiplier (1 to 3)').fill('5');
    await page.getByRole('button', { name: 'Save accommodations' }).click();
    await page.locator('[data-testid="errors"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The grade-sync page with its "Finalise grades" form, then finalised (offering Reopen).
    await page.goto(`${rig.toolUrl}/instructor/grades`);
    await page.locator('h2#final-title').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('I understand: every started grade becomes final in the LMS now.').check();
    await page.getByRole('button', { name: 'Finalise grades' }).click();
    await page.locator('[data-testid="finalised"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
