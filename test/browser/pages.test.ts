import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, type AxeViolation } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { keepScreenshot, launchInCoursePage, memberOf, pastTheEdge, sidewaysScroll } from '../support/coursePage.js';
import { launchAs } from '../support/devplatform.js';
import { ADMIN_TOKEN, startRig, type LaunchRig } from '../support/tool.js';
import { studentAnswers } from '../e2e/studentAnswers.js';
import { translator } from '../../src/i18n/index.js';
import { buildAdvantage } from '../../src/advantage.js';

/**
 * Every page a student, an instructor and an administrator sees (and the tool's own address), in English and in
 * Spanish, at 1280 px and at 320 px (a phone-sized LMS iframe): axe finds nothing serious or critical, nothing
 * scrolls sideways at 320 px (wide tables scroll inside their own labelled region), and a screenshot of each is kept
 * (`<SCREENSHOT_DIR>/<lang>-<width>/<page>.png`, a CI artifact). One browser; one launch per role and language.
 */
describe.skipIf(skipBrowserTests())('every page at 1280 and 320 px, in English and Spanish', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  let taught: { id: string; name: string };
  beforeAll(async () => {
    rig = await startRig('generic', { env: { DEMO: 'true' }, gradeWorker: false });
    chromium = await launchChromium();
    // A student with answers, so that the dashboard, their page and the grade ledger have rows.
    taught = memberOf(rig.lms, 'Learner', { nth: 2 });
    const { browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: taught.id });
    const answer = studentAnswers(rig, b);
    for (const right of [true, false, false]) await answer(right);
    // The course roster, so that the dashboard lists learners who never opened Masterly (each with their own page).
    const ctx = await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow();
    await buildAdvantage({ db: rig.tool.db, signer: rig.tool.keys }).syncRoster({ contextId: ctx.id, full: true });
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  const serious = (vs: AxeViolation[]) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

  /**
   * The page as it is at 1280 px and at 320 px: sideways scroll at 320 px, axe, and a screenshot of each. Axe runs at
   * both widths in English and at 320 px in Spanish (the language changes words, not markup), to keep CI short.
   */
  async function sweep(page: Page, lang: string, name: string): Promise<void> {
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      if (width === 320) expect(await sidewaysScroll(page), `${name} scrolls sideways at 320 px (${lang}): ${(await pastTheEdge(page)).join(' | ')}`).toBe(0);
      if (lang === 'en' || width === 320) expect(serious(await axeViolations(page)), `${name} at ${width} px (${lang})`).toEqual([]);
      await keepScreenshot(page, lang, width, name);
    }
  }
  /** Opens a tool page at the top level (the launch's session goes with it) and sweeps it. */
  async function open(page: Page, lang: string, name: string, path: string, status = 200): Promise<void> {
    const res = await page.goto(`${rig.toolUrl}${path}`);
    expect(res?.status(), `${name}: ${path}`).toBe(status);
    await sweep(page, lang, name);
  }

  it.each(['en', 'es'])('student pages (%s): map, lesson, question, feedback', async (lang) => {
    const t = translator(lang);
    const { page } = await launchInCoursePage(chromium, rig.lms, rig.toolUrl, memberOf(rig.lms, 'Learner', { nth: lang === 'en' ? 0 : 1, locale: lang }), { locale: lang });
    await open(page, lang, 'student-history', '/student/history');
    await open(page, lang, 'student-map', '/student');
    await open(page, lang, 'student-lesson', '/student/practice');
    expect(await page.locator('h1').innerText()).toMatch(new RegExp(`^${t('student.activity.lesson', { title: '' })}`));
    await page.getByRole('link', { name: t('student.activity.startPractising') }).click();
    await page.locator('form.item-form').waitFor();
    await sweep(page, lang, 'student-question');
    const choices = page.locator('input[type="radio"], input[type="checkbox"]');
    if ((await choices.count()) > 0) await choices.first().check();
    else await page.getByLabel(t('student.activity.yourAnswer')).fill('1/2');
    await page.getByRole('button', { name: t('student.activity.check') }).click();
    await page.locator('#feedback').waitFor();
    await sweep(page, lang, 'student-feedback');
    await page.context().close();
  }, 180_000);

  it.each(['en', 'es'])('instructor pages (%s)', async (lang) => {
    const { page } = await launchInCoursePage(chromium, rig.lms, rig.toolUrl, memberOf(rig.lms, 'Instructor', { locale: lang }), { locale: lang });
    await page.goto(`${rig.toolUrl}/instructor`);
    const student = (await page.locator('[data-testid="grid"] a[href^="/instructor/students/"]').first().getAttribute('href'))!;
    const notStarted = (await page.locator('[data-testid="grid"] a[href^="/instructor/roster/"]').first().getAttribute('href'))!;
    const objective = await page.goto(`${rig.toolUrl}/instructor/author`).then(() => page.locator('a[href^="/instructor/author/objectives/"]').first().getAttribute('href'));
    for (const [name, path] of [
      ['instructor-dashboard', '/instructor'],
      ['instructor-student', student],
      ['instructor-student-privacy', `${student}/privacy`],
      ['instructor-roster-member', notStarted],
      ['instructor-alerts', '/instructor/alerts'],
      ['instructor-items', '/instructor/items'],
      ['instructor-grades', '/instructor/grades'],
      ['instructor-evidence', '/instructor/evidence'],
      ['instructor-author', '/instructor/author'],
      ['instructor-author-objective', objective!],
      ['instructor-import', '/instructor/import'],
      ['instructor-audit', '/instructor/audit'],
      ['instructor-preview', '/student'],
    ] as const) await open(page, lang, name, path);
    await page.context().close();
  }, 240_000);

  it.each(['en', 'es'])('administrator pages, the landing page and an error page (%s)', async (lang) => {
    const context = await chromium.newContext({ locale: lang });
    const page = await context.newPage();
    await open(page, lang, 'landing', '/');
    const refused = await page.goto(`${rig.toolUrl}/student`);
    expect(refused?.status()).toBeGreaterThanOrEqual(400);
    await sweep(page, lang, 'error');
    await open(page, lang, 'admin-signin', '/admin', 401);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('form[action="/admin/signin"] button').click();
    await page.waitForURL(`${rig.toolUrl}/admin`);
    await sweep(page, lang, 'admin');
    const selfTest = await page.locator('a[href$="/self-test"]').first().getAttribute('href');
    for (const [name, path] of [
      ['admin-self-test', selfTest!],
      ['admin-privacy', '/admin/privacy'],
      ['admin-privacy-search', `/admin/privacy?q=${encodeURIComponent(taught.name)}`],
    ] as const) await open(page, lang, name, path);
    const person = await page.locator('a[href^="/admin/privacy/people/"]').first().getAttribute('href');
    await open(page, lang, 'admin-privacy-person', person!);
    await open(page, lang, 'admin-audit', '/admin/audit');
    await context.close();
  }, 180_000);
});
