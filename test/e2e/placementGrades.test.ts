/**
 * One counted column per placement (docs/decisions/0014-placement-columns.md), end to end over HTTP: a student
 * launched from an activity answers on the practice page; the activity's own column (the launch's AGS `lineitem`)
 * receives the activity grade. Every score the emulator received must be exactly the history below.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/devplatform/index.js';
import { gradeDate } from '../../src/services/gradePolicy.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { launchAs, parseForm, type TestBrowser } from '../support/devplatform.js';
import { startTestLms } from '../support/devplatform.js';
import { startRig, startTestTool, type LaunchRig } from '../support/tool.js';
import { studentAnswers } from './studentAnswers.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const PARTS = 'Fractions as parts of a whole';
const LINE = 'Fractions on the number line';
const EQUIV = 'Equivalent fractions';
const NONE_YET = 'Mastered 0 of 8 objectives. No grade yet: the grade is given once an objective is mastered.';
const BY_PERCENT = 'Grade = percentage of the objectives mastered.';
/** Right, wrong (the check passes 2 of 3), then right answers: PARTS, LINE and EQUIV mastered after answers 4, 8, 12. */
const ANSWERS = [true, false, true, true, true, true, true, true, true, true, true, true];

/** The activity column's history under the default policy ("percent of objectives mastered", out of 100). */
const PERCENT_HISTORY: [afterAnswer: number, scoreGiven: number | undefined, activityProgress: string, gradingProgress: string, comment: string][] = [
  [1, undefined, 'InProgress', 'Pending', NONE_YET],
  [4, 12.5, 'Completed', 'FullyGraded', `Mastered 1 of 8 objectives: ${PARTS}. ${BY_PERCENT}`],
  [8, 25, 'Completed', 'FullyGraded', `Mastered 2 of 8 objectives: ${PARTS}, ${LINE}. ${BY_PERCENT}`],
  [12, 37.5, 'Completed', 'FullyGraded', `Mastered 3 of 8 objectives: ${PARTS}, ${LINE}, ${EQUIV}. ${BY_PERCENT}`],
];

async function demoRig(mode: Mode): Promise<LaunchRig> {
  // Demo mode imports the demo course (8 objectives) on the first launch; the test drains the outbox itself.
  return startRig(mode, { env: { DEMO: 'true' }, gradeWorker: false } as never);
}

/** Answers in order, draining after each; returns after which answer (1-based) each received score arrived. */
async function answerAll(rig: LaunchRig, b: TestBrowser): Promise<number[]> {
  const answer = studentAnswers(rig, b);
  const deliveredAfter: number[] = [];
  for (const [i, right] of ANSWERS.entries()) {
    await answer(right);
    const report = await rig.tool.advantage.drainUntilIdle();
    expect(report.failed).toBe(0);
    const received = (await rig.lms.devplatform.scoreHistory()).length;
    while (deliveredAfter.length < received) deliveredAfter.push(i + 1);
    // Progress never waits in Canvas's "needs grading" list (it is sent as no new submission).
    expect((await rig.lms.devplatform.results()).filter((r) => r.needsGrading)).toEqual([]);
  }
  return deliveredAfter;
}

describe('the activity column a teacher added by hand', () => {
  let rig: LaunchRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it.each<[Mode, 'full' | 'sync_only']>([
    ['canvas', 'full'],
    // Moodle's "grade sync only": only the score scope and the activity's own lineitem (no lineitems URL).
    ['moodle', 'sync_only'],
  ])('receives the percentage of objectives mastered (%s, %s)', async (mode, agsMode) => {
    rig = await demoRig(mode);
    rig.lms.devplatform.setAgsMode(agsMode);
    const activity = await rig.lms.devplatform.addResourceLink({ title: 'Fractions practice', lineItem: { label: 'Fractions practice', scoreMaximum: 100 } });
    const sub = rig.lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    const launched = await launchAs(rig.lms, rig.toolUrl, { userId: sub, resourceLinkId: activity.id });
    expect(launched.response.status).toBe(200);

    const deliveredAfter = await answerAll(rig, launched.browser);
    const history = await rig.lms.devplatform.scoreHistory();
    expect(history.map((s, i) => [deliveredAfter[i], s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment])).toEqual(PERCENT_HISTORY);
    for (const s of history) expect(s).toMatchObject({ lineItemId: activity.lineItemId, userId: sub, applied: true });
    // Only the activity's own column: Masterly created none.
    expect((await rig.lms.devplatform.results()).map((r) => [r.lineItemId, r.label, r.scoreGiven])).toEqual([[activity.lineItemId, 'Fractions practice', 37.5]]);
    expect((await rig.tool.advantage.outbox.counts()).failed).toBe(0);

    // The instructor's student page shows the activity's column as the LMS holds it, with what the student sees.
    const instructor = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    const teacher = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor })).browser;
    const userId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', sub).executeTakeFirstOrThrow()).id;
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/students/${userId}`)).text();
    expect(page).toMatch(/<th scope="row">Fractions practice<\/th><td>37\.5 \/ 100<\/td><td>Mastered 3 of 8 objectives:/);
  });
});

describe('deep-linking an objective that already has a column', () => {
  let rig: LaunchRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('makes no second column for it: the placement\'s own column is filled with the current grade at once', async () => {
    rig = await demoRig('moodle');
    const sub = rig.lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    const student = await launchAs(rig.lms, rig.toolUrl, { userId: sub });
    const db = rig.tool.db.kysely;
    const contextId = (await db.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    // The instructor opted in to per-objective columns: mastering PARTS fills its tool-managed column.
    await rig.tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true }, Date.now());
    const answer = studentAnswers(rig, student.browser);
    for (const right of ANSWERS.slice(0, 4)) await answer(right);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
    const [objectiveColumn] = await rig.lms.devplatform.results();
    expect(objectiveColumn).toMatchObject({ label: PARTS, scoreGiven: 100 });

    // The instructor places PARTS in the course (Deep Linking): the LMS makes the placement's column.
    const instructor = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    const { response, browser: teacher } = await launchAs(rig.lms, rig.toolUrl, { userId: instructor, messageType: 'LtiDeepLinkingRequest' });
    const picker = await response.text();
    const partsKey = (await db.selectFrom('objectives').select('key').where('title', '=', PARTS).executeTakeFirstOrThrow()).key;
    const chosen = await teacher.postForm(`${rig.toolUrl}/deep-linking`, { csrf: csrfOf(picker), action: 'add', choice: `objective:${partsKey}` });
    const form = parseForm(await chosen.text(), `${rig.toolUrl}/deep-linking`)!;
    expect((await teacher.postForm(form.action, form.fields, { origin: rig.toolUrl })).status).toBe(200);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);

    const placementColumn = (await rig.lms.devplatform.results()).find((r) => r.resourceId?.startsWith('masterly:activity:'));
    expect(placementColumn).toMatchObject({ label: PARTS, scoreGiven: 100 });

    // The student opens the placed activity (its launch names the same column: nothing new) and goes on practising:
    // LINE gets its own per-objective column; PARTS's columns get nothing more.
    const links = await rig.lms.devplatform.deepLinkResponses();
    expect(links).toHaveLength(1);
    const placed = await db.selectFrom('grade_activities').select('activity_id').where('placed', '=', 1).executeTakeFirstOrThrow();
    const linkRow = (await rig.lms.devplatform.results()).find((r) => r.resourceId === `masterly:activity:${placed.activity_id}`)!;
    expect(linkRow).toBeTruthy();
    for (const right of ANSWERS.slice(4, 8)) await answer(right);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);

    const labels = new Map((await rig.lms.devplatform.results()).map((r) => [r.lineItemId, `${r.label} (${r.resourceId?.split(':')[1] ?? ''})`]));
    const history = (await rig.lms.devplatform.scoreHistory()).map((s) => [labels.get(s.lineItemId), s.scoreGiven, s.gradingProgress, s.comment]);
    const today = gradeDate(Date.now());
    expect(history).toEqual([
      // Drained after the fourth answer: the progress score was replaced by the grade before it was sent (coalescing).
      [`${PARTS} (objective)`, 100, 'FullyGraded', `${PARTS}: mastered on ${today}.`],
      // Filled at once when placed, before anyone opened it.
      [`${PARTS} (activity)`, 100, 'FullyGraded', `${PARTS}: mastered on ${today}.`],
      [`${LINE} (objective)`, 100, 'FullyGraded', `${LINE}: mastered on ${today}.`],
    ]);
    // One column per thing: PARTS's two (the earlier per-objective one, the placement's), LINE's one; none added later.
    const svc = (await rig.tool.advantage.contexts.get(contextId))!;
    const lineItems = await rig.tool.advantage.lti.listLineItems(svc.target, svc.ags!.lineitems!, {});
    expect(lineItems.map((li) => li.label).sort()).toEqual([LINE, PARTS, PARTS].sort());
  });
});

describe('the demo: "Launch Masterly" is a graded activity', () => {
  let rig: LaunchRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a student who starts, practises and masters objectives leaves exactly this history in its column', async () => {
    const tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    const lms = await startTestLms({ toolUrl: tool.config.BASE_URL, gradedActivity: true });
    await tool.services.registerPlatform(lms.registration());
    const demo: LaunchRig = { tool, lms, toolUrl: tool.config.BASE_URL, close: async () => (await lms.close(), await tool.close()) };
    rig = demo;
    const sub = lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    const launched = await launchAs(lms, demo.toolUrl, { userId: sub });
    const deliveredAfter = await answerAll(demo, launched.browser);
    const history = await lms.devplatform.scoreHistory();
    expect(history.map((s, i) => [deliveredAfter[i], s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment])).toEqual(PERCENT_HISTORY);
    expect((await lms.devplatform.results()).map((r) => [r.label, r.scoreGiven])).toEqual([['Masterly', 37.5]]);
  });
});
