import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { skipBrowserTests } from '../support/chromium.js';
import { focusedElement, launchButtonName, memberOf, pressAndLoad, browserRigForSuite, tabTo, type Focused } from '../support/coursePage.js';
import { launchAs } from '../support/devplatform.js';
import { studentAnswers } from '../e2e/studentAnswers.js';
import { translator, type Translate } from '../../src/i18n/index.js';

/**
 * Keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys; no mouse, no element.click()): from the emulator's course
 * page a person tabs to their launch button, tabs from the LMS page into the tool's frame as a real user does, and
 * goes through the demo by links and forms. Every Tab stop must show a focus indicator; after an answer the feedback
 * has the focus, and after a refused form the first field with a problem has it. Run at 1280 px in English and at
 * 320 px in Spanish.
 */
describe.skipIf(skipBrowserTests())('keyboard-only paths', () => {
  const rig = browserRigForSuite({ env: { DEMO: 'true' }, gradeWorker: false });

  const toolFrameUrl = () => `${rig.toolUrl}/`;
  const inTool = (f: Focused) => f.frameUrl.startsWith(toolFrameUrl());
  const frameOf = (page: Page): Frame => page.frames().find((f) => f.url().startsWith(toolFrameUrl()))!;
  const pathOf = (frame: Frame) => new URL(frame.url()).pathname;
  /** Follows the focused link or button and returns the tool frame's new page. */
  const enter = (page: Page) => pressAndLoad(page, 'Enter', { frameUrl: toolFrameUrl() });
  /** From the top of a freshly loaded tool page: Tab (from the LMS page into the frame, or within it) to `target`. */
  const go = async (page: Page, target: RegExp | ((f: Focused) => boolean)) => {
    await tabTo(page, target, { max: 90 });
    return enter(page);
  };

  /** Opens the course page, tabs to the person's launch button, presses Enter and tabs into the tool's frame. */
  async function launchByKeyboard(name: string, width: number, locale: string): Promise<{ page: Page; frame: Frame }> {
    const context = await rig.chromium.newContext({ viewport: { width, height: 800 }, locale });
    const page = await context.newPage();
    await page.goto(rig.lms.url);
    await tabTo(page, (f) => f.text === launchButtonName(name), { max: 40 });
    await pressAndLoad(page, 'Enter');
    for (let i = 0; i < 150 && !(await frameOf(page)?.locator('h1').count().catch(() => 0)); i++) await page.waitForTimeout(100);
    // Into the frame: the first stop inside it is the tool's skip link, which moves focus to the main content.
    const stops = await tabTo(page, inTool, { max: 20 });
    expect(stops.at(-1)!.href).toBe('#main');
    await page.keyboard.press('Enter');
    expect((await focusedElement(page)).id).toBe('main');
    return { page, frame: frameOf(page) };
  }

  /** Focus on `target`: where it is already, else by Tab. */
  const reach = async (page: Page, target: (f: Focused) => boolean) => {
    if (!target(await focusedElement(page))) await tabTo(page, target);
  };

  /** The right answer of the question on the page (from the database; the page never carries it). */
  async function rightAnswer(frame: Frame): Promise<string[]> {
    const itemId = await frame.locator('input[name="itemId"]').getAttribute('value');
    const row = await rig.tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId!).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }

  /** Answers the question on the page right, by keyboard: radios by arrow keys, checkboxes by Space, text typed. */
  async function answerRight(page: Page, frame: Frame, t: Translate): Promise<Frame> {
    const right = await rightAnswer(frame);
    const choices = await frame.locator('input[name="answer"]').evaluateAll((els) => els.map((e) => ({ type: (e as unknown as { type: string }).type, value: (e as unknown as { value: string }).value })));
    const kind = choices[0]?.type;
    if (kind === 'radio') {
      // Tab enters the group on its first radio; Space chooses it, arrow keys move the choice.
      await reach(page, (f) => f.type === 'radio');
      await page.keyboard.press('Space');
      const at = choices.findIndex((c) => c.value === right[0]);
      for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
      const f = await focusedElement(page);
      expect(f.checked && f.indicated).toBe(true);
    } else if (kind === 'checkbox') {
      for (const [i, c] of choices.entries()) {
        await reach(page, (x) => x.id === `choice-${i}`);
        if (right.includes(c.value) !== (await focusedElement(page)).checked) await page.keyboard.press('Space');
      }
    } else {
      await reach(page, (f) => f.id === 'answer');
      await page.keyboard.type(right[0]!);
    }
    await tabTo(page, (f) => f.text === t('student.activity.check'));
    const next = await enter(page);
    // The feedback takes the focus, with a visible indicator.
    const f = await focusedElement(page);
    expect(f.id, 'focus after an answer').toBe('feedback');
    expect(f.indicated, 'focus indicator on the feedback').toBe(true);
    return next;
  }

  it('a student at 320 px in Spanish goes map → objective → questions → feedback → check → result', async () => {
    const [width, locale] = [320, 'es'];
    const t = translator(locale);
    const student = memberOf(rig.lms, 'Learner', { nth: width === 1280 ? 0 : 1, locale });
    const launched = await launchByKeyboard(student.name, width, locale);
    const page = launched.page;
    let frame = launched.frame;
    if (pathOf(frame) !== '/student') frame = await go(page, (f) => f.href === '/student');
    expect(pathOf(frame)).toBe('/student');
    // An objective from the map.
    frame = await go(page, (f) => f.href.startsWith('/student/practice?objective='));
    if (await frame.locator('form.item-form').count() === 0) frame = await go(page, (f) => f.text === t('student.activity.startPractising'));
    // A refused answer (nothing chosen or typed): the browser keeps the form and puts focus on the answer.
    await tabTo(page, (f) => f.text === t('student.activity.check'));
    await page.keyboard.press('Enter');
    const refused = await focusedElement(page);
    expect(refused.id === 'answer' || refused.id === 'choice-0', `focus after an empty answer: ${refused.id}`).toBe(true);
    expect(refused.indicated).toBe(true);
    // Practice until a check comes, then the check to its result.
    let result = '';
    for (let i = 0; i < 20 && !result; i++) {
      if (await frame.locator('form.item-form').count()) {
        // Each new page starts at the top: Tab goes past the skip link and the navigation to the answer.
        frame = await answerRight(page, frame, t);
        result = (await frame.locator('.check-result').count()) && !(await frame.locator('.check-result').innerText()).includes(t('student.feedback.checkPending')) ? await frame.locator('.check-result').innerText() : '';
        if (!result) frame = await go(page, (f) => f.href.startsWith('/student/practice') && !f.href.endsWith('/student'));
      } else {
        frame = await go(page, (f) => /^\/student\/practice\?.*go=1/.test(f.href));
      }
    }
    expect(result).toBe(t('student.feedback.checkPassed', { correct: 3, length: 3 }));
    await page.context().close();
  }, 120_000);

  it('an instructor goes dashboard → a student → a refused form → unlock → grade sync with its confirmation → alerts', async () => {
    const t = translator('en');
    const instructor = memberOf(rig.lms, 'Instructor');
    // A student with answers, so that the dashboard links to their page.
    const { browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: memberOf(rig.lms, 'Learner', { nth: 2 }).id });
    await studentAnswers(rig, b)(false);
    const launched = await launchByKeyboard(instructor.name, 1280, 'en');
    const page = launched.page;
    let frame = launched.frame;
    if (pathOf(frame) !== '/instructor') frame = await go(page, (f) => f.href === '/instructor');
    expect(pathOf(frame)).toBe('/instructor');
    // A student from the dashboard.
    frame = await go(page, (f) => f.href.startsWith('/instructor/students/'));
    expect(pathOf(frame)).toMatch(/^\/instructor\/students\//);
    // A refused form: an out-of-range threshold offset; after the page comes back, focus is on that field.
    await tabTo(page, (f) => f.id === 'acc-thresholdOffset', { max: 90 });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('0.5'); // above the maximum (0)
    await tabTo(page, (f) => f.text === t('instructor.student.save'));
    frame = await enter(page);
    const refused = await focusedElement(page);
    expect(refused.id, 'focus after a refused form').toBe('acc-thresholdOffset');
    expect(refused.indicated).toBe(true);
    // An action (unlock an objective): the page comes back with a notice, which takes the focus.
    frame = await go(page, (f) => f.text.startsWith(t('instructor.student.unlock')));
    const done = await focusedElement(page);
    expect(await frame.locator('[data-testid="notice"]').innerText()).toMatch(/unlocked for this student/);
    expect(done.text, 'focus after an action').toMatch(/unlocked for this student/);
    expect(done.indicated).toBe(true);
    // Grade sync through the navigation (back with Shift+Tab), then "Finalise grades" and its confirmation.
    frame = await (async () => {
      await tabTo(page, (f) => f.text === t('layout.nav.grades'), { back: true });
      return enter(page);
    })();
    expect(pathOf(frame)).toBe('/instructor/grades');
    await tabTo(page, (f) => f.text === t('finalGrades.finalise'), { max: 90 });
    await page.keyboard.press('Enter'); // not confirmed: the browser keeps the form and focuses the confirmation
    const unconfirmed = await focusedElement(page);
    expect([unconfirmed.type, unconfirmed.indicated]).toEqual(['checkbox', true]);
    await page.keyboard.press('Space');
    await tabTo(page, (f) => f.text === t('finalGrades.finalise'));
    frame = await enter(page);
    expect(await frame.locator('[data-testid="finalised"]').count()).toBe(1);
    expect((await focusedElement(page)).text).toMatch(/^Grades finalised/);
    // Alerts through the navigation.
    await tabTo(page, (f) => f.text === t('layout.nav.alerts'), { back: true });
    frame = await enter(page);
    expect(pathOf(frame)).toBe('/instructor/alerts');
    expect(await frame.locator('h1').innerText()).toBe(t('alerts.heading'));
    await page.context().close();
  }, 120_000);
});
