import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startRig, type LaunchRig } from '../support/tool.js';

// Demo mode off: an instructor authors an objective with three questions inside the LMS's iframe, publishes and
// previews it; a student then practises it to mastery. axe: no serious or critical violation on any page.
describe.skipIf(skipBrowserTests())('authoring in a browser', () => {
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

  const serious = async (frame: Frame) => (await axeViolations(frame)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const launchFromCoursePage = async (personName: string) => {
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${personName}` }).click();
    for (let i = 0; i < 100; i++) {
      const frame = page.frames().find((f) => f.url().startsWith(rig.toolUrl));
      if (frame && (await frame.locator('h1').count()) > 0) return { page, frame };
      await page.waitForTimeout(100);
    }
    throw new Error('no tool frame');
  };
  const nameOf = (role: string) => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith(`#${role}`)) && u.name.includes(' '))!.name;
  const answers: Record<string, string> = { 'What is 2 + 2?': '4', 'What fraction of the bar is shaded?': '2/4', 'What is 10 − 3?': '7' };

  it('creates an objective with three questions, publishes it and previews it as a student', async () => {
    const { page, frame } = await launchFromCoursePage(nameOf('Instructor'));
    // Entirely through pages: the first launch in a course with no content lands on set-up; "Start writing" authors.
    await expect.poll(() => frame.url()).toContain('/instructor/setup');
    await frame.getByRole('link', { name: 'Start writing' }).click();
    await expect.poll(() => frame.locator('h1').innerText()).toBe('Course content');
    expect(await serious(frame)).toEqual([]);
    await frame.getByRole('link', { name: 'Add an objective' }).click();
    // Saving an empty form: the message is beside the field and focus moves to it.
    await frame.getByRole('button', { name: 'Save to draft' }).click();
    await expect.poll(() => frame.locator('#f-title-error').innerText()).toBe('Fill this in.');
    await expect.poll(() => frame.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('f-title');
    expect(await serious(frame)).toEqual([]);
    await frame.getByLabel('Title').fill('Small sums');
    await frame.getByRole('button', { name: 'Save to draft' }).click();
    await expect.poll(() => frame.locator('h1').innerText()).toBe('Objective: Small sums');

    const addQuestion = async (kind: string, prompt: string, answerLabel: string, answer: string) => {
      await frame.getByRole('link', { name: 'Add a question' }).click();
      await frame.getByLabel('Kind of question').selectOption(kind);
      await frame.getByLabel('Question', { exact: true }).fill(prompt);
      await frame.getByLabel(answerLabel).fill(answer);
      expect(await serious(frame)).toEqual([]);
      await frame.getByRole('button', { name: 'Save to draft' }).click();
      await expect.poll(() => frame.locator('[data-testid="notice"]').innerText()).toContain('Saved in the draft');
    };
    await addQuestion('numeric', 'What is 2 + 2?', 'Right answer (a number)', '4');
    await addQuestion('fraction', 'What fraction of the bar is shaded?\n\n```text\n[###|###|   |   ]\n```', 'Right answer (a fraction)', '1/2');
    await addQuestion('numeric', 'What is 10 − 3?', 'Right answer (a number)', '7');
    expect(await frame.locator('[data-testid="items"] li').count()).toBe(3);

    await frame.getByRole('navigation', { name: 'Instructor' }).getByRole('link', { name: 'Course content' }).click();
    await frame.getByRole('button', { name: 'Publish to students' }).click();
    await expect.poll(() => frame.locator('[data-testid="notice"]').innerText()).toContain('Published');
    expect(await serious(frame)).toEqual([]);

    await frame.getByRole('link', { name: 'Preview Small sums as a student' }).click();
    await expect.poll(() => frame.locator('h1').innerText()).toBe('Small sums');
    await frame.getByLabel(/Your answer/).fill('4');
    await frame.getByRole('button', { name: 'Check my answer' }).click();
    await expect.poll(() => frame.locator('[data-testid="preview-feedback"]').innerText()).toContain('Right.');
    expect(await serious(frame)).toEqual([]);
    await frame.getByRole('link', { name: 'Next question' }).click();
    await expect.poll(() => frame.locator('figure.diagram svg[role="img"]').count()).toBe(1);
    expect(await serious(frame)).toEqual([]);
    const recorded = await rig.tool.db.kysely.selectFrom('responses').select('id').where('user_id', 'is not', null).execute();
    expect(recorded).toEqual([]);
    await page.close();
  });

  it('lets a student practise the authored objective to mastery', async () => {
    const { page, frame } = await launchFromCoursePage(nameOf('Learner'));
    expect(new URL(frame.url()).pathname).toBe('/student'); // the launch opens the mastery map itself
    await expect.poll(() => frame.locator('main').innerText()).toContain('Small sums');
    await frame.getByRole('link', { name: 'Continue with Small sums' }).click();
    for (let n = 0; n < 12; n++) {
      await expect.poll(async () => (await frame.locator('h1').innerText()).length).toBeGreaterThan(0);
      if ((await frame.locator('h1').innerText()).includes('Mastered')) break;
      const continueLink = frame.locator('a.button').first();
      if ((await frame.locator('form.item-form').count()) === 0) {
        await continueLink.click();
        continue;
      }
      const prompt = (await frame.locator('#prompt').innerText()).split('\n')[0]?.trim() ?? '';
      await frame.getByLabel(/Your answer/).fill(answers[prompt] ?? '?');
      await frame.getByRole('button', { name: 'Check my answer' }).click();
      await expect.poll(() => frame.locator('#feedback').count()).toBe(1);
      if (n === 0) expect(await serious(frame)).toEqual([]);
      const next = frame.locator('a.button').first();
      if ((await next.count()) > 0) await next.click();
    }
    await expect.poll(() => frame.locator('h1').innerText()).toContain('Mastered');
    expect(await serious(frame)).toEqual([]);
    const state = await rig.tool.db.kysely.selectFrom('learner_objectives').select('state').executeTakeFirstOrThrow();
    expect(state.state).toBe('mastered');
    await page.close();
  });
});
