/**
 * Erasure leaves nothing: a student who launched, answered (with an answer text of their own), got grades sent to
 * the LMS, accommodations, roster rows and audit records is erased by an administrator, and a scan of EVERY table
 * and column of the live database finds no name, e-mail, user id, LMS user id or answer of theirs. Another student's
 * data stays, and the projection is rebuilt without the erased answers. Runs on SQLite and on PostgreSQL.
 */
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { launchAs } from '../support/devplatform.js';
import { findTraces } from '../support/scan.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('erasing a student (administrator, every course)', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
  });
  afterAll(async () => rig?.close());

  it('leaves no name, e-mail, id or answer of theirs anywhere in the database, and keeps the others’ data', async () => {
    const db = rig.tool.db;
    const people = rig.lms.devplatform.users;
    const aisha = people.find((u) => u.name === 'Aisha Rahman')!;
    const ben = people.find((u) => u.name === 'Ben Carter')!;
    const teacher = people.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    await launchAs(rig.lms, rig.toolUrl, { userId: aisha.id });
    await launchAs(rig.lms, rig.toolUrl, { userId: ben.id });
    await launchAs(rig.lms, rig.toolUrl, { userId: teacher.id });
    const contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const idOf = async (sub: string) => (await db.kysely.selectFrom('users').select('id').where('sub', '=', sub).executeTakeFirstOrThrow()).id;
    const [aishaId, benId, teacherId] = [await idOf(aisha.id), await idOf(ben.id), await idOf(teacher.id)];
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock, afterMasteryChange: rig.tool.advantage.afterMasteryChange };
    await importCourse(engine, { contextId, file: aCourseFile() });
    // A column per objective (an instructor's opt-in; this link has no column of its own), so grades are sent.
    await rig.tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true, perActivity: false }, Date.now());
    const items = await courseRepo(db.kysely).listItems(contextId);
    const objectiveA = items.find((i) => i.key === 'A-0')!.objectiveId;
    const short = items.filter((i) => i.kind === 'short' && i.objectiveId === objectiveA);
    const secretAnswers = ['marmalade zeppelin', 'quokka lighthouse'];
    let n = 0;
    for (const [userId, answers] of [
      [aishaId, secretAnswers],
      [benId, ['half', 'half']],
    ] as const) {
      for (const [i, answer] of answers.entries()) {
        await submitResponse(engine, { contextId, userId, itemId: short[i]!.id, attemptId: `erase-attempt-${++n}`, answer });
      }
      for (const item of items.filter((i) => i.objectiveId === objectiveA).slice(0, 6)) {
        await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `erase-attempt-${++n}`, answer: rightAnswerFor(item.kind) });
      }
    }
    const c = rig.tool.composition;
    await c.instructor.setAccommodations({ contextId, userId: aishaId, accommodations: { thresholdOffset: '-0.05', extraCycles: '1', extraOpportunities: '0', timeMultiplier: '1.5' }, actorUserId: teacherId });
    await c.advantage.syncRoster({ contextId });
    await c.advantage.drainOnce({ batch: 500 });
    // The teacher has read an alert about Aisha (its key names her).
    await c.repos.alerts.markSeen(contextId, teacherId, [`stuck:${aishaId}:${objectiveA}`], Date.now());
    expect(await db.kysely.selectFrom('grade_outbox').select('id').where('user_id', '=', aishaId).where('sent_at', 'is not', null).execute()).not.toHaveLength(0);

    // A goal and confidence before a check (ADR 0024), for both students; the export carries Aisha's.
    for (const userId of [aishaId, benId]) {
      await c.studentGoals.set({ contextId, userId, objectiveId: items.find((i) => i.key === 'B-0')!.objectiveId, targetDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) });
      await c.studentGoals.saveConfidence({ contextId, userId, objectiveId: objectiveA, checkStartedAt: 1_700_000_000_000, confidence: 'a_bit_sure' });
    }
    const exported = await c.privacy.exportStudent({ userId: aishaId, contextId: null, format: 'json', actor: { kind: 'admin' } });
    expect(JSON.stringify(exported)).toContain('a_bit_sure');
    expect(JSON.stringify(exported)).toContain('"targetDate"');

    const needles = { contains: [aisha.name, aisha.givenName!, aisha.familyName!, aisha.email!, aishaId, ...secretAnswers], equals: [aisha.id] };
    const before = await findTraces(db, needles);
    const tables = new Set(before.map((t) => t.table));
    for (const t of ['users', 'responses', 'roster_members', 'grade_outbox', 'learners', 'accommodations', 'enrollments', 'launch_sessions', 'audit_people', 'student_goals', 'check_confidence']) expect(tables, t).toContain(t);

    const preview = await c.privacy.previewErasure({ userId: aishaId, contextId: null, actor: { kind: 'admin' } });
    expect(preview).toMatchObject({ name: 'Aisha Rahman', profileGoes: true, accommodations: 1, rosterRows: 1 });
    expect(preview.responses).toBeGreaterThanOrEqual(8);
    expect(preview.gradesInLms).toBeGreaterThan(0);

    const report = await c.privacy.eraseStudent({ userId: aishaId, contextId: null, actor: { kind: 'admin' } });
    expect(report.profileRemoved).toBe(true);
    expect(report.counts.responses).toBeGreaterThanOrEqual(8);

    expect(await findTraces(db, needles)).toEqual([]);

    // Ben keeps everything; item statistics now count his answers only.
    const benResponses = await db.kysely.selectFrom('responses').select('item_id').where('user_id', '=', benId).where('type', '=', 'response').execute();
    expect(benResponses).toHaveLength(8);
    expect(await db.kysely.selectFrom('learners').select('user_id').where('user_id', '=', benId).execute()).toHaveLength(1);
    const stats = await db.kysely.selectFrom('item_stats').select(({ fn }) => fn.sum<number>('n').as('n')).executeTakeFirstOrThrow();
    expect(Number(stats.n)).toBe(8);
    expect(await findTraces(db, { contains: ['Ben Carter'] })).not.toEqual([]);
    expect(await c.studentGoals.confidence({ contextId, userId: benId, objectiveId: objectiveA, checkStartedAt: 1_700_000_000_000 })).toBe('a_bit_sure');
    expect(await db.kysely.selectFrom('student_goals').select('user_id').execute()).toEqual([{ user_id: benId }]);

    // The audit log: the accommodation record stays but leads to no one; the erasure names no one.
    const audit = await c.privacy.listAudit({ contextId, limit: 10 });
    expect(audit.find((a) => a.action === 'accommodations_set')).toMatchObject({ subjectErased: true, subjectUserId: null, actorName: 'Maria Okafor' });
    const erased = (await c.privacy.listAudit({ limit: 10 })).find((a) => a.action === 'student_erased');
    expect(erased).toMatchObject({ actorKind: 'admin', subjectUserId: null, details: expect.objectContaining({ receipt: report.receipt }) });
  });

  it('refuses to change or delete audit records (append-only at the database)', async () => {
    const db = rig.tool.db.kysely;
    expect((await db.selectFrom('audit_log').select('id').execute()).length).toBeGreaterThan(0);
    await expect(db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});
