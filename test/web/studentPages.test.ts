import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('student pages over HTTP (launched from the LMS emulator, demo course)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let toolUrl: string;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    toolUrl = tool.config.BASE_URL;
    lms = await startTestLms({ toolUrl });
    await tool.services.registerPlatform(lms.registration());
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  const student = () => lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string; name: string };
  const instructor = () => lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string; name: string };

  /** The right answer to an item, read from the database (the page never carries it). */
  async function rightAnswer(itemId: string): Promise<string | string[]> {
    const row = await tool.db.kysely.selectFrom('items').select(['kind', 'payload']).where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return String((answer as { value: number }).value);
    return String((answer as { accepted: string[] }).accepted[0]);
  }
  const countResponses = async () => Number((await tool.db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** Posts a form with repeated fields (checkbox answers) carrying the browser's cookies. */
  const post = (br: TestBrowser, url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const cookie = Object.entries(br.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: toolUrl }, body, redirect: 'manual' });
  };

  let b: TestBrowser;
  it('opens a learner\'s launch on the mastery map of the demo course', async () => {
    const launched = await launchAs(lms, toolUrl, { userId: student().id });
    b = launched.browser;
    const res = launched.response;
    expect(b.urlOf(res)).toBe(`${toolUrl}/student`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Goals and progress');
    expect(html).toContain('Fractions as parts of a whole');
    expect(html).toMatch(/Ready to start/);
    expect(html).toMatch(/Locked until you master Fractions as parts of a whole/);
    // A text symbol, not the padlock emoji: Chromium without an emoji font (Debian's) draws an emoji as an empty box.
    expect(html).toContain('<span class="badge badge-locked"><span aria-hidden="true">⊘</span> Locked</span>');
    expect(html).not.toMatch(/[\u{1F000}-\u{1FAFF}]/u);
    // Levels, not probabilities (issue 13): the first objective is not started, locked ones show no level.
    expect(html).toMatch(/Your level: <strong>Not started<\/strong>/);
    expect(html).not.toMatch(/P\(mastery\)|probability/i);
    expect(html).toMatch(/<main id="main"/);
    expect(html).toMatch(/<nav aria-label="Student">/);
  });

  it('shows a lesson, then a question without its answer, and checks the answer server-side with CSRF and idempotency', async () => {
    const lesson = await (await b.get(`${toolUrl}/student/practice`)).text();
    expect(lesson).toMatch(/<h1 id="page-h">Lesson: /);
    const href = /href="(\/student\/practice\?objective=[^"]+&amp;go=1)"/.exec(lesson)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeTruthy();
    const pageRes = await b.get(`${toolUrl}${href}`);
    const page = await pageRes.text();
    expect(pageRes.status).toBe(200);
    const form = parseForm(page, `${toolUrl}${href}`);
    expect(form?.action).toBe(`${toolUrl}/student/answer`);
    const fields = form?.fields ?? {};
    expect(fields.csrf).toBeTruthy();
    expect(fields.attemptId).toMatch(/^[\w-]{8,}$/);
    expect(page).not.toMatch(/feedback|"answer"\s*:|accepted/i);
    const answer = await rightAnswer(fields.itemId as string);
    const submit = { csrf: fields.csrf as string, attemptId: fields.attemptId as string, itemId: fields.itemId as string, answer };

    const before = await countResponses();
    const first = await post(b, `${toolUrl}/student/answer`, submit);
    const firstHtml = await first.text();
    expect(first.status).toBe(200);
    expect(firstHtml).toMatch(/role="status" aria-live="polite"/);
    expect(firstHtml).toMatch(/<strong>Correct<\/strong>/);
    // A level a child understands, never a probability (issue 13).
    expect(firstHtml).toMatch(/Your level: (Practising|Almost there)\.|You moved up a level: (Practising|Almost there)\./);
    expect(firstHtml).toMatch(/<meter[^>]*aria-label="Level [0-3] of 3: /);
    expect(firstHtml).not.toMatch(/P\(mastery\)|P=\d|\d+ ?%/);
    const again = await (await post(b, `${toolUrl}/student/answer`, { ...submit, answer: 'something else' })).text();
    expect(again).toContain('You had already sent this answer');
    expect(again).toMatch(/<strong>Correct<\/strong>/);
    expect(await countResponses()).toBe(before + 1);
    // The grade outbox's hook ran inside the submission's transaction.
    const standings = await tool.db.kysely.selectFrom('grade_objective_states').select('p').execute();
    expect(standings.length).toBeGreaterThan(0);

    const forged = await post(b, `${toolUrl}/student/answer`, { ...submit, attemptId: 'another-attempt-1', csrf: 'forged' });
    expect(forged.status).toBe(403);
    const noSession = await post(browser(), `${toolUrl}/student/answer`, submit);
    expect(noSession.status).toBe(401);
    expect(await countResponses()).toBe(before + 1);
  });

  it('lets an instructor preview the student pages as themselves', async () => {
    const { browser: ib } = await launchAs(lms, toolUrl, { userId: instructor().id });
    const html = await (await ib.get(`${toolUrl}/student`)).text();
    expect(html).toContain('Instructor preview');
    expect(html).toContain('Fractions as parts of a whole');
  });
});
