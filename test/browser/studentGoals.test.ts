import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { axeViolations } from '../support/axe.js';
import { skipBrowserTests } from '../support/chromium.js';
import { browserRigForSuite } from '../support/coursePage.js';

/**
 * A student in a real browser, inside the emulated LMS's iframe (ADR 0024): sets a goal (a past day is refused beside
 * the field, with focus there), answers a mastery check saying how sure they are, sees that beside the result, sees
 * the badge on the map and what they did on the history page. No serious or critical axe findings on these pages,
 * and each fits 320 px without sideways scrolling.
 */
describe.skipIf(skipBrowserTests())('goals, confidence and badges in a browser', () => {
  const rig = browserRigForSuite({ env: { DEMO: 'true' }, gradeWorker: false });

  const toolFrame = async (page: Page): Promise<Frame> => {
    for (let i = 0; i < 100; i++) {
      const f = page.frames().find((fr) => fr.url().startsWith(rig.toolUrl));
      if (f && (await f.locator('h1').count()) > 0) return f;
      await page.waitForTimeout(100);
    }
    throw new Error('no tool frame');
  };
  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await rig.tool.db.kysely.selectFrom('items').select(['payload']).where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer as { value?: number; accepted?: string[]; numerator?: number; denominator?: number } | string[];
    if (Array.isArray(answer)) return answer.map(String);
    if (typeof answer.value === 'number') return [String(answer.value)];
    if (typeof answer.numerator === 'number') return [`${answer.numerator}/${answer.denominator}`];
    return [String(answer.accepted?.[0])];
  }
  const overflow = (page: Page) =>
    page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('sets a goal, answers a check with a confidence, and sees it beside the result, the badge and the history', async () => {
    const student = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')) && u.name.includes(' '))!;
    const page = await rig.chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${student.name}` }).click();
    let frame = await toolFrame(page);
    await frame.goto(`${rig.toolUrl}/student`);

    // A goal: a past day is refused, the message is beside the field and focus is on it.
    const goalSelect = frame.getByLabel('What do you want to master?');
    const objectiveId = await goalSelect.inputValue();
    const objectiveTitle = (await goalSelect.locator('option:checked').innerText()).trim();
    await frame.getByLabel('By which day?').fill(day(-2));
    await frame.getByRole('button', { name: 'Set my goal' }).click();
    await frame.locator('#f-targetDate-error').waitFor();
    expect(await frame.locator('#f-targetDate-error').innerText()).toBe('This day has already passed. Choose today or a day after today.');
    expect(await frame.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('f-targetDate');
    expect(await axeViolations(frame), 'map with a refused goal').toEqual([]);
    await frame.getByLabel('By which day?').fill(day(7));
    await frame.getByRole('button', { name: 'Set my goal' }).click();
    await frame.getByText('Your goal is saved.').waitFor();
    expect(await frame.locator('[data-testid="goal"]').innerText()).toContain(`Master ${objectiveTitle} by`);

    // Practice, then the check: the first check question asks how sure they are.
    const practice = `${rig.toolUrl}/student/practice?objective=${encodeURIComponent(objectiveId)}&go=1`;
    let asked = 0;
    let result = '';
    for (let i = 0; i < 40 && !result; i++) {
      await frame.goto(practice);
      const form = frame.locator('form.item-form');
      if ((await form.count()) === 0) break;
      if ((await frame.locator('fieldset.confidence').count()) > 0) {
        asked += 1;
        expect(await axeViolations(frame), 'first check question').toEqual([]);
        await frame.getByRole('group', { name: 'How sure are you that you know this?' }).getByLabel('Not sure').check();
      }
      const itemId = await frame.locator('input[name="itemId"]').inputValue();
      const answer = await rightAnswer(itemId);
      const choices = frame.locator('input[name="answer"][type="radio"], input[name="answer"][type="checkbox"]');
      if ((await choices.count()) > 0) for (const v of answer) await frame.locator(`input[name="answer"][value="${v}"]`).check();
      else await frame.locator('#answer').fill(answer[0]!);
      await frame.getByRole('button', { name: 'Check my answer' }).click();
      await frame.locator('#feedback').waitFor();
      if ((await frame.locator('[data-testid="confidence"]').count()) > 0) result = await frame.locator('[data-testid="confidence"]').innerText();
    }
    expect(asked).toBe(1);
    expect(result).toMatch(/^How sure you were: You weren’t sure, but you got (\d) of \1 right: you know more than you thought\.$/);
    expect(await axeViolations(frame), 'check result').toEqual([]);

    // The map: the goal is reached and the badge is there.
    await frame.goto(`${rig.toolUrl}/student`);
    expect(await frame.locator('[data-testid="goal"]').innerText()).toContain(`Goal reached! You mastered ${objectiveTitle}.`);
    expect(await frame.locator('[data-testid="badges"]').innerText()).toContain(`Badge for ${objectiveTitle}`);
    expect(await frame.locator('[data-testid="badges"] svg').count()).toBe(1);
    expect(await axeViolations(frame), 'map with a badge').toEqual([]);

    // The history page.
    await frame.getByRole('link', { name: 'My badges and what I did' }).click();
    await frame.locator('[data-testid="history"]').waitFor();
    frame = await toolFrame(page);
    const history = await frame.locator('[data-testid="history"]').innerText();
    expect(history).toContain(`Earned a badge for ${objectiveTitle}`);
    expect(history).toMatch(new RegExp(`Passed the check for ${objectiveTitle}: (\\d) of \\1 right`));
    expect(history).toMatch(new RegExp(`Practised ${objectiveTitle}: \\d+ questions?, \\d+ right`));
    expect(await axeViolations(frame), 'history').toEqual([]);

    // Each new page fits a 320 px wide window.
    await page.setViewportSize({ width: 320, height: 640 });
    for (const path of ['/student', '/student/history', '/student/history?page=2']) {
      await page.goto(`${rig.toolUrl}${path}`);
      expect(await overflow(page), path).toBe(0);
    }
    await page.close();
  }, 180_000);
});
