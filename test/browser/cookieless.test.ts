/**
 * Launches with third-party cookies blocked (docs/decisions/0021-cookieless-launches.md), in Chromium told to block
 * them. The course page is on 127.0.0.1 and the tool on localhost: two sites, so the tool inside the course page's
 * iframe is third-party and its plain `SameSite=None` cookies are dropped — the login cookie of the OIDC flow with them.
 */
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';
import { launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
/** Chromium's switch that blocks third-party cookies (as its settings or the third-party cookie phase-out do). */
const BLOCK_THIRD_PARTY_COOKIES = '--test-third-party-cookie-phaseout';
/**
 * The tool's iframe posts from the LMS's site to the tool's: with site isolation that swaps the frame's process, and
 * Playwright then sometimes keeps reporting the frame's old URL. One process for both sites keeps the frame list true;
 * cookies are partitioned and blocked the same way.
 */
const ONE_PROCESS_FOR_FRAMES = '--disable-site-isolation-trials';

describe.skipIf(skipBrowserTests())('launch with third-party cookies blocked', () => {
  let tool: TestTool;
  let lms: TestLms;
  let chromium: Browser;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false, lmsEvidenceEveryMs: 0 });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL, host: '127.0.0.1' });
    const platform = await tool.services.registerPlatform(lms.registration());
    await tool.services.setLmsAddress({ platformId: platform.id, lmsUrl: lms.url });
    // The first launch imports the demo course (DEMO=true): done here over HTTP, so the browser launches are plain ones.
    const instructor = lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
    expect((await launchAs(lms, tool.config.BASE_URL, { userId: instructor.id })).response.status).toBe(200);
    // A column per objective (an instructor's opt-in; this course link has no column of its own), so mastery is a grade.
    const contextId = (await tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    await tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true, perActivity: false }, Date.now());
    chromium = await launchChromium([BLOCK_THIRD_PARTY_COOKIES, ONE_PROCESS_FOR_FRAMES]);
  });
  afterAll(async () => {
    await chromium?.close();
    await lms?.close();
    await tool?.close();
  });

  const students = () => lms.users.filter((u) => u.roles.includes(LEARNER) && u.name.includes(' '));
  const student = () => students()[0]!;

  /** The tool's frame in the course page once it shows a heading (main in the tool's pages). */
  async function toolFrame(page: Page): Promise<Frame> {
    for (let i = 0; i < 200; i++) {
      const f = page.frames().find((fr) => fr.url().startsWith(tool.config.BASE_URL));
      // A page of the tool, past the "Opening Masterly…" steps of the launch.
      const heading = f ? await f.locator('h1:visible').first().innerText({ timeout: 500 }).catch(() => '') : '';
      if (f && heading && !heading.startsWith('Opening Masterly')) return f;
      await page.waitForTimeout(100);
    }
    throw new Error(`no tool frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
  }

  async function launch(name: string): Promise<{ page: Page; frame: Frame }> {
    const page = await chromium.newPage();
    if (process.env.DEBUG_COOKIELESS) {
      page.on('request', (r) => console.log('REQ', Date.now() % 100000, r.method(), r.url().slice(0, 80)));
      page.on('response', (r) => console.log('RES', Date.now() % 100000, r.status(), r.url().slice(0, 80)));
      page.on('console', (m) => console.log('CONSOLE', m.text()));
    }
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

  /** Answers four items right in the tool's frame (one starts the mastery check, three pass it: ADR 0011); the LMS then holds 100. */
  async function masterFirstObjective(frame: Frame, who: { id: string }): Promise<void> {
    for (let i = 0; i < 4; i++) await answerNextItemRight(frame);
    await tool.advantage.drainUntilIdle();
    const history = await lms.devplatform.scoreHistory();
    expect(history.some((s) => s.userId === who.id && s.scoreGiven === 100 && s.gradingProgress === 'FullyGraded')).toBe(true);
    const gradebook = await chromium.newPage();
    await gradebook.goto(`${lms.url}/gradebook`);
    await expect.poll(() => gradebook.locator('main').innerText()).toMatch(/100 \/ 100/);
    await gradebook.close();
  }

  it('with Platform Storage: launches, answers and reaches the LMS gradebook (partitioned session cookie)', async () => {
    lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const who = students()[0]!;
    const { page, frame } = await launch(who.name);
    // The first page is the mastery map itself (no greeting stop).
    expect(new URL(frame.url()).pathname).toBe('/student');
    expect(await frame.locator('main').innerText()).toContain('Goals and progress');
    expect(await frame.locator('main').innerText()).not.toMatch(/ERR_/);
    // Chromium keeps the partitioned (CHIPS) session cookie: no token in the page.
    expect(await frame.locator('meta[name="masterly-session"]').count()).toBe(0);
    expect(await axeViolations(frame)).toEqual([]);
    await masterFirstObjective(frame, who);
    await page.close();
  }, 120_000);

  it('in a browser that keeps no partitioned cookie either: the per-tab session token carries the session to a grade', async () => {
    lms.devplatform.setQuirks({ platformStorage: 'answer' });
    const who = students()[1]!;
    const page = await chromium.newPage({ timezoneId: 'America/Mexico_City' });
    // As Safari without CHIPS: the launch's partitioned session cookie never arrives.
    await page.route(`${tool.config.BASE_URL}/lti/launch`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const headers = { ...response.headers() };
      delete headers['set-cookie'];
      await route.fulfill({ status: response.status(), headers, body: await response.body() });
    });
    await page.goto(lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${who.name}` }).click();
    const frame = await toolFrame(page);
    // Token mode follows the landing with the token in a header: the mastery map, its URL kept in the tab.
    expect(new URL(frame.url()).pathname).toBe('/student');
    expect(await frame.locator('main').innerText()).toContain('Goals and progress');
    expect(await frame.locator('meta[name="masterly-session"]').count()).toBe(1);
    // Never in a URL.
    const token = await frame.locator('meta[name="masterly-session"]').getAttribute('content');
    expect(frame.url()).not.toContain(token!);
    // public/timeZone.js reports the browser's zone with the token too, on the page session.js swapped in (ADR 0029).
    const zone = () =>
      tool.db.kysely.selectFrom('launch_sessions as s').innerJoin('users as u', 'u.id', 's.user_id').select('s.time_zone').where('u.sub', '=', who.id).executeTakeFirst();
    await expect.poll(async () => (await zone())?.time_zone, { timeout: 10_000 }).toBe('America/Mexico_City');
    await masterFirstObjective(frame, who);
    expect(frame.url()).not.toContain(token!);
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
    // The new window opens on the mastery map too.
    expect(new URL(popup.url()).pathname).toBe('/student');
    expect(await popup.locator('main').innerText()).toContain('Goals and progress');
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
