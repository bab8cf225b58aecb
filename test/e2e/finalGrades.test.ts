/**
 * Final grades although not mastered (docs/decisions/0012-grade-semantics.md), end to end over HTTP: students answer
 * on the practice page; an objective's grade due date passes (the due-date schedule's tick, no new answer), or the
 * instructor finalises grades on the grade-sync page. Every score the emulator received must be exactly the history
 * below, in Moodle mode (scores.php: a grade only with FullyGraded) and Canvas mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/devplatform/index.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';
import { studentAnswers } from './studentAnswers.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const PARTS = 'Fractions as parts of a whole';
const PRACTISING = `${PARTS}: taking the mastery check. No grade yet: the grade is given on mastery.`;
const BY_P = 'Grade = estimated chance the objective is mastered.';
const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The demo course with per-objective columns graded by P(mastery); the test drains the outbox and runs ticks itself. */
async function demoRig(mode: Mode): Promise<LaunchRig> {
  const rig = await startRig(mode, { env: { DEMO: 'true', GRADE_DUE_EVERY_MS: '0' }, gradeWorker: false } as never);
  return rig;
}

async function usePMastery(rig: LaunchRig): Promise<void> {
  const db = rig.tool.db.kysely;
  const contextId = (await db.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
  await rig.tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), policy: 'p_mastery', perObjective: true, perActivity: false }, Date.now());
}

/** A launched learner answers one item right (the first objective's mastery check comes next: started, not mastered). */
async function practise(rig: LaunchRig, browser: TestBrowser): Promise<TestBrowser> {
  const answer = studentAnswers(rig, browser);
  await answer(true);
  expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
  return browser;
}

/** The learner's P(mastery) of PARTS as the gradebook sees it, in points out of 100. */
async function pointsOf(rig: LaunchRig, sub: string): Promise<number> {
  const db = rig.tool.db.kysely;
  const row = await db
    .selectFrom('grade_objective_states as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('objectives as o', 'o.id', 's.objective_id')
    .select('s.p')
    .where('u.sub', '=', sub)
    .where('o.title', '=', PARTS)
    .executeTakeFirstOrThrow();
  return Math.round(Number(row.p) * 100 * 10_000) / 10_000;
}

const historyOf = async (rig: LaunchRig) =>
  (await rig.lms.devplatform.scoreHistory()).map((s) => [s.userId, s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment, s.applied]);

describe.each<Mode>(['moodle', 'canvas'])('final grades (%s)', (mode) => {
  let rig: LaunchRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a passed grade due date makes the started grade final with its value, without a new answer', async () => {
    rig = await demoRig(mode);
    const [sub, idle] = rig.lms.users.filter((u) => u.roles.includes(LEARNER) && u.name).map((u) => u.id) as [string, string];
    const { browser } = await launchAs(rig.lms, rig.toolUrl, { userId: sub });
    await usePMastery(rig);
    await practise(rig, browser);
    // Another learner opens Masterly but never starts: nothing is sent for them at the due date.
    await launchAs(rig.lms, rig.toolUrl, { userId: idle });
    expect(await historyOf(rig)).toEqual([[sub, undefined, 'InProgress', 'Pending', PRACTISING, true]]);

    const db = rig.tool.db.kysely;
    await db.updateTable('objectives').set({ grade_due_at: Date.now() - 1000 }).where('title', '=', PARTS).execute();
    const tick = await rig.tool.composition.scheduleServices.closeDueGrades();
    expect(tick).toEqual({ standings: 1, queued: 1 });
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
    // The next tick finds nothing left to close.
    expect(await rig.tool.composition.scheduleServices.closeDueGrades()).toEqual({ standings: 0, queued: 0 });

    const points = await pointsOf(rig, sub);
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThan(100);
    expect(await historyOf(rig)).toEqual([
      [sub, undefined, 'InProgress', 'Pending', PRACTISING, true],
      [sub, points, 'Completed', 'FullyGraded', `${PARTS}: taking the mastery check. Final grade: the due date has passed. ${BY_P}`, true],
    ]);
    const results = await rig.lms.devplatform.results();
    expect(results.map((r) => [r.label, r.userId, r.scoreGiven, r.needsGrading])).toEqual([[PARTS, sub, points, false]]);
  });

  it('"Finalise grades" makes every started learner\'s grade final; "Reopen" takes it back', async () => {
    rig = await demoRig(mode);
    const learners = rig.lms.users.filter((u) => u.roles.includes(LEARNER) && u.name).map((u) => u.id);
    const [first, second] = learners as [string, string];
    const browsers = [(await launchAs(rig.lms, rig.toolUrl, { userId: first })).browser, (await launchAs(rig.lms, rig.toolUrl, { userId: second })).browser];
    await usePMastery(rig);
    for (const b of browsers) await practise(rig, b);
    const [p1, p2] = [await pointsOf(rig, first), await pointsOf(rig, second)];

    const instructor = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    const teacher = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor })).browser;
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(page).toContain('Finalising sends every student who has started an objective their current grade as a final grade');
    // Without the confirmation box nothing happens.
    const refused = await teacher.postForm(`${rig.toolUrl}/instructor/grades/finalise`, { csrf: csrfOf(page) }, { origin: rig.toolUrl });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Tick the box to confirm');
    expect((await rig.tool.advantage.drainUntilIdle()).claimed).toBe(0);

    const done = await teacher.postForm(`${rig.toolUrl}/instructor/grades/finalise`, { csrf: csrfOf(page), confirm: '1' }, { origin: rig.toolUrl });
    expect(done.status).toBe(303);
    expect(decodeURIComponent(done.headers.get('location') ?? '')).toContain('Grades finalised: 2 grades queued for the LMS.');
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
    const after = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(after).toMatch(/You finalised the grades on \d+ \w+ \d{4}\./);
    const audit = await (await teacher.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(audit).toMatch(/<td>Grades finalised<\/td><td><\/td><td>grades=2<\/td>/);

    // Reopen: back to progress with no grade (Moodle empties the grade; Canvas keeps no score for it).
    const reopened = await teacher.postForm(`${rig.toolUrl}/instructor/grades/reopen`, { csrf: csrfOf(after) }, { origin: rig.toolUrl });
    expect(reopened.status).toBe(303);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);

    const FINAL = `${PARTS}: taking the mastery check. Final grade: the teacher finalised the grades. ${BY_P}`;
    const history = await historyOf(rig);
    for (const [sub, points] of [[first, p1], [second, p2]] as const) {
      expect(history.filter((h) => h[0] === sub)).toEqual([
        [sub, undefined, 'InProgress', 'Pending', PRACTISING, true],
        [sub, points, 'Completed', 'FullyGraded', FINAL, true],
        [sub, undefined, 'InProgress', 'Pending', PRACTISING, true],
      ]);
    }
    expect((await rig.tool.advantage.outbox.counts()).failed).toBe(0);
  });
});
