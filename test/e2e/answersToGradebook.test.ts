/**
 * One student's answers, end to end: posted over HTTP (POST /student/answer) as a student launched through the LMS
 * emulator → mastery → grade outbox (same transaction) → drained to AGS → the emulator's gradebook. Every score the
 * emulator received, in order and with its values, must be exactly the table below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOrderedHistory } from './passbackSupport.js';
import { launchAs, parseForm, startTestLms, type TestBrowser } from '../support/devplatform.js';
import { startTestTool, type LaunchRig } from '../support/tool.js';
import { gradeDate } from '../../src/services/gradePolicy.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const RIGHT = true;
const WRONG = false;

/** What the student answers, in order, on the demo course (default grade policy: fraction mastered, out of 100). */
const ANSWERS = [RIGHT, WRONG, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT];

const PARTS = 'Fractions as parts of a whole';
const LINE = 'Fractions on the number line';
const today = gradeDate(Date.now());
const NO_GRADE = 'No grade yet: the grade is given on mastery.';

const EQUIV = 'Equivalent fractions';
const ADDING = 'Adding and subtracting with like denominators';

/**
 * Every score the LMS received, in order: after which answer (1-based) it was delivered, the objective's line item,
 * scoreGiven (of 100; none while practising), activityProgress, gradingProgress and the comment. The semantics of
 * docs/decisions/0012-grade-semantics.md: nothing for an objective not started (unlocking one posts nothing),
 * progress with no grade while practising — one score per state change, not per answer — and 100 on mastery.
 */
const EXPECTED_HISTORY: [afterAnswer: number, objective: string, scoreGiven: number | undefined, activityProgress: string, gradingProgress: string, comment: string][] = [
  // A first right answer (P ≥ 0.5) starts the 3-item check at once (ADR 0011): no "practising" score in between.
  [1, PARTS, undefined, 'InProgress', 'Pending', `${PARTS}: taking the mastery check. ${NO_GRADE}`],
  // answers 2 and 3 (check questions 1 and 2; answer 2 is wrong, 2 of 3 right passes) change nothing the LMS sees
  [4, PARTS, 100, 'Completed', 'FullyGraded', `${PARTS}: mastered on ${today}.`],
  // mastery unlocks LINE: no score (no zero) until the student starts it
  [5, LINE, undefined, 'InProgress', 'Pending', `${LINE}: taking the mastery check. ${NO_GRADE}`],
  [8, LINE, 100, 'Completed', 'FullyGraded', `${LINE}: mastered on ${today}.`],
  // LINE's mastery unlocks EQUIV and ADDING: nothing for ADDING, which the student does not start
  [9, EQUIV, undefined, 'InProgress', 'Pending', `${EQUIV}: taking the mastery check. ${NO_GRADE}`],
  [12, EQUIV, 100, 'Completed', 'FullyGraded', `${EQUIV}: mastered on ${today}.`],
];

describe('answers posted over HTTP reach the LMS gradebook', () => {
  let rig: LaunchRig;
  let b: TestBrowser;
  let sub: string;
  beforeAll(async () => {
    // Demo mode imports the demo course on the first launch; the test drains the outbox itself.
    const tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    const lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    rig = {
      tool,
      lms,
      toolUrl: tool.config.BASE_URL,
      close: async () => {
        await lms.close();
        await tool.close();
      },
    };
    sub = rig.lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    const launched = await launchAs(rig.lms, rig.toolUrl, { userId: sub });
    expect(launched.response.status).toBe(200);
    b = launched.browser;
    // The instructor's opt-in: one column per objective (the default is one column per placement, ADR 0014).
    const contextId = (await tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    await tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true, perActivity: false }, Date.now());
  });
  afterAll(async () => {
    await rig?.close();
  });

  /** The next practice item's form (through the lesson page when one comes first). */
  async function nextItem(): Promise<Record<string, string>> {
    const url = `${rig.toolUrl}/student/practice`;
    let html = await (await b.get(url)).text();
    let form = parseForm(html, url);
    if (form?.action !== `${rig.toolUrl}/student/answer`) {
      const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(go, html).toBeTruthy();
      html = await (await b.get(`${rig.toolUrl}${go}`)).text();
      form = parseForm(html, `${rig.toolUrl}${go}`);
    }
    expect(form?.action, html).toBe(`${rig.toolUrl}/student/answer`);
    return form!.fields;
  }

  /** The right answer to an item, read from the database (the page never carries it). */
  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await rig.tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }

  /** Answers the next item as the launched student would, through the page's form. */
  async function answer(right: boolean): Promise<void> {
    const fields = await nextItem();
    const body = new URLSearchParams({ csrf: fields.csrf!, attemptId: fields.attemptId!, itemId: fields.itemId! });
    // No item of the demo course accepts -999999 (not a choice, not its number, not its text).
    for (const a of right ? await rightAnswer(fields.itemId!) : ['-999999']) body.append('answer', a);
    const cookie = Object.entries(b.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${rig.toolUrl}/student/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: rig.toolUrl },
      body,
      redirect: 'manual',
    });
    expect(res.status, await res.text()).toBe(200);
  }

  it('delivers exactly the expected score history, each score right after the answer that caused it', async () => {
    const deliveredAfter: number[] = [];
    for (const [i, right] of ANSWERS.entries()) {
      await answer(right);
      const report = await rig.tool.advantage.drainUntilIdle();
      expect(report.failed).toBe(0);
      const received = (await rig.lms.devplatform.scoreHistory()).length;
      while (deliveredAfter.length < received) deliveredAfter.push(i + 1);
    }

    const titles = new Map(
      (await rig.tool.db.kysely.selectFrom('objectives').select(['id', 'title']).execute()).map((o) => [`masterly:objective:${o.id}`, o.title]),
    );
    const columns = new Map((await rig.lms.devplatform.results()).map((r) => [r.lineItemId, titles.get(r.resourceId ?? '') ?? r.label]));
    const history = await rig.lms.devplatform.scoreHistory();
    // Scores for different columns after the same answer (two objectives unlocked at once) have no defined order.
    const byAnswerThenColumn = (rows: readonly (readonly unknown[])[]) => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));
    expect(byAnswerThenColumn(history.map((s, i) => [deliveredAfter[i], columns.get(s.lineItemId), s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment]))).toEqual(
      byAnswerThenColumn(EXPECTED_HISTORY),
    );
    for (const s of history) {
      expect(s).toMatchObject({ userId: sub, applied: true });
      // Never a zero: a score carries a grade only when it is final.
      expect(s.scoreGiven === undefined).toBe(s.gradingProgress !== 'FullyGraded');
    }
    await expectOrderedHistory(rig);

    // The gradebook holds the last score of each column.
    const gradebook = Object.fromEntries((await rig.lms.devplatform.results()).map((r) => [columns.get(r.lineItemId), r.scoreGiven]));
    expect(gradebook).toEqual({ [PARTS]: 100, [LINE]: 100, [EQUIV]: 100 });

    // The instructor's student page shows the same grades, on the same scale, and how they are computed.
    const instructor = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
    const teacher = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor.id })).browser;
    const userId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', sub).executeTakeFirstOrThrow()).id;
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/students/${userId}`)).text();
    const gradeCell = (title: string) => new RegExp(`<th scope="row">${title}</th>(?:\\s*<td[^>]*>[\\s\\S]*?</td>){4}\\s*<td>([^<]*)</td>`).exec(page)?.[1];
    expect(gradeCell(PARTS), page).toBe('100 / 100');
    expect(gradeCell(LINE)).toBe('100 / 100');
    expect(gradeCell(ADDING)).toBe('—');
    expect(page).toContain('Full marks for each objective mastered, none before.');
  });
});
