/**
 * Launches with third-party cookies blocked (docs/decisions/0021-cookieless-launches.md), in Chromium told to block
 * them. The course page is on 127.0.0.1 and the tool on localhost: two sites, so the tool inside the course page's
 * iframe is third-party and its plain `SameSite=None` cookies are dropped — the login cookie of the OIDC flow with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { startTestLms, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
/** Chromium's switch that blocks third-party cookies (as its settings or the third-party cookie phase-out do). */
const BLOCK_THIRD_PARTY_COOKIES = '--test-third-party-cookie-phaseout';

describe.skipIf(skipBrowserTests())('launch with third-party cookies blocked', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false, lmsEvidenceEveryMs: 0 });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, host: '127.0.0.1' });
    const platform = await tool.services.registerPlatform(lms.registration());
    await tool.services.setLmsAddress({ platformId: platform.id, lmsUrl: lms.url });
    chromium = await launchChromium([BLOCK_THIRD_PARTY_COOKIES]);
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  const student = () => lms.users.find((u) => u.roles.includes(LEARNER) && u.name.includes(' '))!;

  /** The tool's frame in the course page once it shows a heading (main in the tool's pages). */
  async function toolFrame(page: Page): Promise<Frame> {
    for (let i = 0; i < 150; i++) {
      const f = page.frames().find((fr) => fr.url().startsWith(tool.config.BASE_URL));
      if (f && (await f.locator('h1:visible').count().catch(() => 0)) > 0) return f;
      await page.waitForTimeout(100);
    }
    throw new Error(`no tool frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
  }

  async function launch(name: string): Promise<{ page: Page; frame: Frame }> {
    const page = await chromium.newPage();
    await page.goto(lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${name}` }).click();
    return { page, frame: await toolFrame(page) };
  }

  /** The right answer to an item, read from the database (the page never carries it). */
  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }

  /** Clicks through the page (links only: in token mode a typed URL would carry no session) to the next item and answers it right. */
  async function answerNextItemRight(frame: Frame): Promise<void> {
    const answerForm = 'form[action="/student/answer"]';
    const onward = 'main a.button[href^="/student/practice"], main a[href="/student"]';
    for (let i = 0; i < 5 && (await frame.locator(answerForm).count()) === 0; i++) {
      const before = frame.url();
      await frame.locator(onward).first().click();
      await expect.poll(() => frame.url() !== before && frame.locator(`${answerForm}, ${onward}`).count().then((n) => n > 0)).toBe(true);
    }
    const itemId = await frame.locator('form[action="/student/answer"] input[name="itemId"]').inputValue();
    const answers = await rightAnswer(itemId);
    const choices = frame.locator('form[action="/student/answer"] input[name="answer"][type="radio"], form[action="/student/answer"] input[name="answer"][type="checkbox"]');
    if ((await choices.count()) > 0) {
      for (const a of answers) await frame.locator(`input[name="answer"][value="${a}"]`).check();
    } else {
      await frame.locator('#answer').fill(answers[0]!);
    }
    await frame.locator('form[action="/student/answer"] button[type="submit"]').click();
    await expect.poll(async () => frame.locator('#feedback').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  }

  it('with Platform Storage: launches, answers and reaches the LMS gradebook', async () => {
    lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const who = student();
    const { page, frame } = await launch(who.name);
    expect(await frame.locator('main').innerText()).toContain(who.name.split(' ')[0]);
    expect(await frame.locator('main').innerText()).not.toMatch(/ERR_/);
    // Four right answers: one starts the mastery check, three pass it (ADR 0011); mastery sends 100 to the LMS.
    for (let i = 0; i < 4; i++) await answerNextItemRight(frame);
    await tool.advantage.drainUntilIdle();
    const history = await lms.devplatform.scoreHistory();
    expect(history.some((s) => s.userId === who.id && s.scoreGiven === 100 && s.gradingProgress === 'FullyGraded')).toBe(true);
    const gradebook = await chromium.newPage();
    await gradebook.goto(`${lms.url}/gradebook`);
    await expect.poll(() => gradebook.locator('main').innerText()).toMatch(/100 \/ 100/);
    await gradebook.close();
    await page.close();
  }, 120_000);

  it('without Platform Storage (Moodle-like): says to open a new window, and the new window launches', async () => {
    lms.devplatform.setQuirks({ platformStorage: 'none' });
    const who = student();
    const { page, frame } = await launch(who.name);
    await expect.poll(() => frame.locator('h1:visible').innerText()).toBe('Open Masterly in a new window');
    expect(await axeViolations(frame)).toEqual([]);
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.getByRole('button', { name: 'Open Masterly in a new window' }).click()]);
    await popup.waitForURL((u) => u.href.startsWith(tool.config.BASE_URL) && !u.pathname.startsWith('/lti/'), { timeout: 15_000 });
    expect(await popup.locator('main').innerText()).toContain(who.name.split(' ')[0]);
    await popup.close();
    await page.close();
  });

  it('when the platform sends a storage target but never answers (Canvas mobile): the new-window page after the timeout', async () => {
    lms.devplatform.setQuirks({ platformStorage: 'silent' });
    const { page, frame } = await launch(student().name);
    await expect.poll(() => frame.locator('h1:visible').innerText(), { timeout: 10_000 }).toBe('Open Masterly in a new window');
    await page.close();
  });
});
