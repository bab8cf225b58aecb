/**
 * One student's answers, end to end: posted over HTTP (POST /student/answer) as a student launched through the LMS
 * emulator → mastery → grade outbox (same transaction) → drained to AGS → the emulator's gradebook. Every score the
 * emulator received, in order and with its values, must be exactly the table below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOrderedHistory } from './passbackSupport.js';
import { launchAs, parseForm, startTestLms, type TestBrowser } from '../support/devplatform.js';
import { startTestTool, type LaunchRig } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const RIGHT = true;
const WRONG = false;

/** What the student answers, in order, on the demo course (default grade policy: fraction mastered, out of 100). */
const ANSWERS = [RIGHT, WRONG, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT];

const PARTS = 'Fractions as parts of a whole';
const LINE = 'Fractions on the number line';
const practising = (title: string, p: number, state: string) => `${title}: not mastered yet (estimated mastery ${p}%; state "${state}").`;

const EQUIV = 'Equivalent fractions';
const ADDING = 'Adding and subtracting with like denominators';
const COMPARING = 'Comparing and ordering fractions';

/**
 * Every score the LMS received, in order: after which answer (1-based) it was delivered, the objective's line item,
 * scoreGiven (of 100), activityProgress and the comment. Today's semantics: practice and checks post 0 with the
 * estimate in the comment (identical rounded comments are not resent), mastery posts 100, and an objective that
 * mastery unlocks gets its first 0 at once. Decision rules of ADR 0011: a first right answer (P 0.74 ≥ 0.5) starts
 * a 3-item check, which passes on 2 of 3 right and the rule, so each objective takes 4 answers here.
 * (Update this table when the grade semantics or the decision rules change.)
 */
const EXPECTED_HISTORY: [afterAnswer: number, objective: string, scoreGiven: number, activityProgress: string, comment: string][] = [
  [1, PARTS, 0, 'InProgress', practising(PARTS, 74, 'checking')],
  [2, PARTS, 0, 'InProgress', practising(PARTS, 35, 'checking')],
  [3, PARTS, 0, 'InProgress', practising(PARTS, 86, 'checking')],
  [4, PARTS, 100, 'Completed', `${PARTS}: mastered (estimated mastery 98%).`], // check: wrong, right, right
  [4, LINE, 0, 'InProgress', practising(LINE, 20, 'available')],
  [5, LINE, 0, 'InProgress', practising(LINE, 74, 'checking')],
  [6, LINE, 0, 'InProgress', practising(LINE, 97, 'checking')],
  [7, LINE, 0, 'InProgress', practising(LINE, 100, 'checking')],
  [8, LINE, 100, 'Completed', `${LINE}: mastered (estimated mastery 100%).`],
  [8, EQUIV, 0, 'InProgress', practising(EQUIV, 20, 'available')],
  [8, ADDING, 0, 'InProgress', practising(ADDING, 20, 'available')],
  [9, EQUIV, 0, 'InProgress', practising(EQUIV, 74, 'checking')],
  [10, EQUIV, 0, 'InProgress', practising(EQUIV, 97, 'checking')],
  [11, EQUIV, 0, 'InProgress', practising(EQUIV, 100, 'checking')],
  [12, EQUIV, 100, 'Completed', `${EQUIV}: mastered (estimated mastery 100%).`],
  [12, COMPARING, 0, 'InProgress', practising(COMPARING, 20, 'available')],
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
    expect(byAnswerThenColumn(history.map((s, i) => [deliveredAfter[i], columns.get(s.lineItemId), s.scoreGiven, s.activityProgress, s.comment]))).toEqual(
      byAnswerThenColumn(EXPECTED_HISTORY),
    );
    for (const s of history) {
      expect(s).toMatchObject({ userId: sub, scoreMaximum: 100, gradingProgress: 'FullyGraded', applied: true });
    }
    await expectOrderedHistory(rig);

    // The gradebook holds the last score of each column.
    const gradebook = Object.fromEntries((await rig.lms.devplatform.results()).map((r) => [columns.get(r.lineItemId), r.scoreGiven]));
    expect(gradebook).toEqual({ [PARTS]: 100, [LINE]: 100, [EQUIV]: 100, [ADDING]: 0, [COMPARING]: 0 });
  });
});
