import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { systemClock } from '../../src/services/ports.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aCourseFile, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { axeViolations } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { launchAs } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** What the test measures of each picture on a page (run in the browser). */
interface Measured {
  count: number;
  /** The smallest text as drawn, in CSS px. */
  minTextPx: number;
  /** Texts that run outside the picture, or (timelines) into the plot from the row labels. */
  overflowing: string[];
  /** How far the page scrolls sideways. */
  pageOverflow: number;
}

const measure = (page: Page): Promise<Measured> =>
  page.evaluate(() => {
    type Box = { x: number; width: number };
    type SvgEl = { getBoundingClientRect(): Box; viewBox: { baseVal: Box }; querySelectorAll(s: string): Iterable<TextEl>; closest(s: string): unknown; id: string };
    type TextEl = { getBBox(): Box; getAttribute(n: string): string | null; textContent: string | null };
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<SvgEl>; documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    const svgs = [...d.querySelectorAll('svg.chart-svg')];
    let minTextPx = Infinity;
    const overflowing: string[] = [];
    for (const svg of svgs) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of svg.querySelectorAll('text')) {
        minTextPx = Math.min(minTextPx, Number(t.getAttribute('font-size')) * scale);
        const b = t.getBBox();
        const rowLabel = svg.id.startsWith('timeline') && Number(t.getAttribute('x')) < 10 && Number(t.getAttribute('y')) < 96;
        if (b.x < -0.5 || b.x + b.width > (rowLabel ? 102 : 320.5)) overflowing.push(`${svg.id}: ${t.textContent}`);
      }
    }
    return { count: svgs.length, minTextPx, overflowing, pageOverflow: d.documentElement.scrollWidth - d.documentElement.clientWidth };
  });

// The pictures in a real browser at 1280 and 320 px: readable (text at least 12 px), inside their frame, and the
// dashboard and student page still without axe violations.
describe.skipIf(skipBrowserTests())('instructor pictures in Chromium', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  let learnerName: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    chromium = await launchChromium();
    const db = rig.tool.db;
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock };
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    learnerName = learner.name;
    await launchAs(rig.lms, rig.toolUrl, { userId: learner.id });
    const contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const userId = (await db.kysely.selectFrom('users').select('id').where('sub', '=', learner.id).executeTakeFirstOrThrow()).id;
    await importCourse(engine, { contextId, file: aCourseFile({ objectives: ['A', 'B', 'C', 'D'] }) });
    const items = await courseRepo(db.kysely).listItems(contextId);
    // Mastered A, then practising B with a mistake: two timelines, two levels in the bars.
    let state = '';
    for (let i = 0; state !== 'mastered' && i < 24; i++) {
      const item = items.find((it) => it.key === `A-${i % 12}`)!;
      state = (await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `pic-a-${i}-attempt`, answer: rightAnswerFor(item.kind) })).change.stateAfter;
    }
    for (let i = 0; i < 3; i++) {
      const item = items.find((it) => it.key === `B-${i}`)!;
      await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `pic-b-${i}-attempt`, answer: i === 1 ? wrongAnswerFor(item.kind) : rightAnswerFor(item.kind) });
    }
  }, 90_000);
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  it('dashboard and student page at 1280 and 320 px', async () => {
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/app`)); i++) await page.waitForTimeout(100);
    await page.goto(`${rig.toolUrl}/instructor`);
    const studentHref = await page.getByRole('link', { name: learnerName }).first().getAttribute('href');

    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${rig.toolUrl}/instructor`);
      const chart = page.getByRole('img', { name: 'Class progress: students at each level, per objective' });
      await chart.waitFor();
      // The prerequisite graph is folded away: open it, so it is measured and checked too.
      await page.locator('[data-testid="prerequisites"] > summary').click();
      await page.getByText('Needs: Objective C').waitFor();
      const dash = await measure(page);
      expect(dash.count, `dashboard at ${width}`).toBe(1);
      expect(dash.minTextPx, `dashboard text at ${width}`).toBeGreaterThanOrEqual(12);
      expect(dash.overflowing, `dashboard at ${width}`).toEqual([]);
      expect(dash.pageOverflow, `dashboard at ${width}`).toBe(0);
      expect(await axeViolations(page), `dashboard at ${width}`).toEqual([]);

      await page.goto(`${rig.toolUrl}${studentHref}`);
      await page.getByRole('img', { name: 'Objective A: level over time' }).waitFor();
      await page.getByRole('img', { name: 'Objective B: level over time' }).waitFor();
      const student = await measure(page);
      expect(student.count, `student at ${width}`).toBe(2);
      expect(student.minTextPx, `student text at ${width}`).toBeGreaterThanOrEqual(12);
      expect(student.overflowing, `student at ${width}`).toEqual([]);
      expect(student.pageOverflow, `student at ${width}`).toBe(0);
      expect(await axeViolations(page), `student at ${width}`).toEqual([]);
    }
    await page.close();
  }, 90_000);
});
