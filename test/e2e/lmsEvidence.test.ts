/**
 * LMS grades as evidence end to end against the emulator: a quiz column with results in the LMS, mapped to an
 * objective on the instructor page (CSRF), imported into the learner model through the event log (idempotent,
 * changed results count again, recompute reproduces it). Runs on SQLite or PostgreSQL (DATABASE_URL).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngineServices } from '../../src/services/engineServices.js';
import type { LineItem, ServiceContext } from '../../src/services/servicePorts.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const noticeOf = async (b: TestBrowser, res: Response): Promise<string> => {
  expect(res.status).toBe(303);
  const page = await (await b.follow(res)).text();
  return (/data-testid="notice">([^<]*)</.exec(page)?.[1] ?? '').replace(/&#39;/g, "'").replace(/&#34;|&quot;/g, '"');
};

describe('LMS grades as evidence against the emulator', () => {
  let rig: LaunchRig;
  let instructor: TestBrowser;
  let student: TestBrowser;
  let studentSub: string;
  let absentSub: string;
  let contextId: string;
  let objectiveId: string;
  let svc: ServiceContext;
  let quiz: LineItem;

  const score = (sub: string, given: number, at: number) =>
    rig.tool.advantage.lti.postScore(svc.target, quiz.id, {
      userId: sub,
      scoreGiven: given,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: new Date(at).toISOString(),
    });
  const mastery = async () => {
    const db = rig.tool.db.kysely;
    const user = await db.selectFrom('users').select('id').where('sub', '=', studentSub).executeTakeFirstOrThrow();
    const row = await db.selectFrom('learner_objectives').select(['p', 'responses', 'state']).where('user_id', '=', user.id).where('objective_id', '=', objectiveId).executeTakeFirst();
    return row ? { p: Number(row.p), responses: Number(row.responses), state: row.state } : undefined;
  };
  const evidenceEvents = async () =>
    rig.tool.db.kysely.selectFrom('responses').select(['attempt_id', 'correct']).where('type', '=', 'evidence').orderBy('id').execute();
  const page = async () => (await instructor.get(`${rig.toolUrl}/instructor/evidence`)).text();
  const importNow = async () => noticeOf(instructor, await instructor.postForm(`${rig.toolUrl}/instructor/evidence/import`, { csrf: csrfOf(await page()) }));

  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, lmsEvidenceEveryMs: 0, env: { DEMO: 'true' } } as never);
    const instructorSub = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    const learners = rig.lms.devplatform.users.filter((u) => u.roles.includes(LEARNER) && u.status === 'Active' && u.name);
    studentSub = learners[0]!.id;
    absentSub = learners[1]!.id;
    instructor = (await launchAs(rig.lms, rig.toolUrl, { userId: instructorSub })).browser;
    student = (await launchAs(rig.lms, rig.toolUrl, { userId: studentSub })).browser;
    const db = rig.tool.db.kysely;
    contextId = (await db.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    objectiveId = (await db.selectFrom('objectives').select('id').where('key', '=', 'fractions-as-parts').executeTakeFirstOrThrow()).id;
    svc = (await rig.tool.advantage.contexts.get(contextId))!;
    // The LMS's own quiz column, graded there.
    quiz = await rig.tool.advantage.lti.createLineItem(svc.target, svc.ags!.lineitems!, { label: 'Quiz 1: parts of a whole', scoreMaximum: 10, tag: 'quiz' });
    await score(studentSub, 9, Date.now() - 60_000);
    await score(absentSub, 10, Date.now() - 60_000);
  });
  afterAll(async () => rig?.close());

  it('refuses the mapping page to students, and forms without the CSRF token', async () => {
    expect((await student.get(`${rig.toolUrl}/instructor/evidence`)).status).toBe(403);
    const forged = await instructor.postForm(`${rig.toolUrl}/instructor/evidence/map`, { csrf: 'forged', lineItemUrl: quiz.id, objectiveId, passMark: '80' });
    expect(forged.status).toBe(403);
    expect((await instructor.postForm(`${rig.toolUrl}/instructor/evidence/import`, {})).status).toBe(403);
  });

  it('maps the quiz, imports it once as evidence (P changes), and a second import adds nothing', async () => {
    const html = await page();
    expect(html).toContain('Quiz 1: parts of a whole');
    expect(html).not.toContain('masterly-objective');
    // A URL the LMS did not list is refused.
    const bogus = await instructor.postForm(`${rig.toolUrl}/instructor/evidence/map`, { csrf: csrfOf(html), lineItemUrl: `${rig.lms.url}/elsewhere/1`, objectiveId, passMark: '80' });
    expect(bogus.status).toBe(404);
    const mapped = await noticeOf(
      instructor,
      await instructor.postForm(`${rig.toolUrl}/instructor/evidence/map`, { csrf: csrfOf(html), lineItemUrl: quiz.id, objectiveId, passMark: '80' }),
    );
    expect(mapped).toContain('now counts as evidence');
    expect(await page()).toMatch(/data-testid="mapped">Fractions as parts of a whole \(pass mark 80 %\)/);

    const before = await mastery();
    const first = await importNow();
    expect(first).toContain('Imported 1 new or changed grade as evidence from 1 column.');
    expect(first).toContain('1 from students who have not opened Masterly yet');
    const after = await mastery();
    expect(after).toBeDefined();
    expect(after!.p).toBeGreaterThan(before?.p ?? 0.1);
    expect(after!.responses).toBe((before?.responses ?? 0) + 1);
    expect(await evidenceEvents()).toEqual([{ attempt_id: expect.stringMatching(/^lms-/), correct: 1 }]);

    const second = await importNow();
    expect(second).toContain('Imported 0 new or changed grades');
    expect(second).toContain('1 unchanged.');
    expect(await evidenceEvents()).toHaveLength(1);
    expect((await mastery())!.p).toBe(after!.p);
  });

  it('counts a changed result again (below the pass mark: a wrong observation), and recompute reproduces the model', async () => {
    const before = (await mastery())!;
    await score(studentSub, 3, Date.now());
    expect(await importNow()).toContain('Imported 1 new or changed grade');
    const events = await evidenceEvents();
    expect(events.map((e) => e.correct)).toEqual([1, 0]);
    const after = (await mastery())!;
    expect(after.p).toBeLessThan(before.p);

    // Replaying the log from scratch gives the same projection.
    const engine = buildEngineServices({
      courses: courseRepo(rig.tool.db.kysely),
      learners: learnerStore(rig.tool.db.kysely, rig.tool.db.dialect),
      clock: { now: () => Date.now() },
      rng: { next: () => 0.5 },
      ids: { newId: randomUUID },
    });
    await rig.tool.db.kysely.deleteFrom('learner_objectives').where('context_id', '=', contextId).execute();
    const summary = await engine.recomputeMastery({ contextId });
    expect(summary.events).toBeGreaterThanOrEqual(2);
    const replayed = (await mastery())!;
    expect(replayed.p).toBeCloseTo(after.p, 12);
    expect(replayed.responses).toBe(after.responses);
    expect(replayed.state).toBe(after.state);
  });

  it('imports a waiting student after their first launch, then stops when the column is unmapped', async () => {
    await launchAs(rig.lms, rig.toolUrl, { userId: absentSub });
    expect(await importNow()).toContain('Imported 1 new or changed grade');
    expect(await evidenceEvents()).toHaveLength(3);
    const html = await page();
    const gone = await noticeOf(instructor, await instructor.postForm(`${rig.toolUrl}/instructor/evidence/unmap`, { csrf: csrfOf(html), lineItemUrl: quiz.id }));
    expect(gone).toContain('no longer feeds the learner model');
    await score(studentSub, 10, Date.now());
    expect(await importNow()).toContain('from 0 columns');
    expect(await evidenceEvents()).toHaveLength(3);
  });
});
