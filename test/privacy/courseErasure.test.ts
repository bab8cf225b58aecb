/**
 * An instructor's erasure covers their course only: a student in two courses loses everything in the first (answers
 * included, as a scan of every table shows) and keeps their profile and the second course; erasing them from the
 * second course too removes the profile. An instructor cannot erase themselves.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { summariseRoles } from '../../src/lti/roles.js';
import { eraseStudent, previewErasure, type StudentPrivacyDeps } from '../../src/services/studentPrivacy.js';
import { systemClock } from '../../src/services/ports.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { auditRepo, privacyRepo } from '../../src/store/privacyRepo.js';
import { aContext, aCourseFile, aLearner } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { findTraces } from '../support/scan.js';

describe('erasure by an instructor (one course)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('removes the course’s data, keeps the other course and the profile until nothing is left', async () => {
    const k = db.kysely;
    const ctx1 = await aContext(k, { title: 'Course one' });
    const { platform_id } = await k.selectFrom('contexts').select('platform_id').where('id', '=', ctx1).executeTakeFirstOrThrow();
    const ctx2 = randomUUID();
    await k.insertInto('contexts').values({ id: ctx2, platform_id, context_id: `course-${ctx2}`, label: 'C2', title: 'Course two', ags_json: null, nrps_json: null, updated_at: 1 }).execute();
    const grace = await aLearner(k, ctx1, 'Grace Hopper');
    await k.updateTable('users').set({ email: 'grace.hopper@school.example' }).where('id', '=', grace).execute();
    const teacher = await aLearner(k, ctx1, 'Ada Teacher');
    const engine = { courses: courseRepo(k), learners: learnerStore(k, db.dialect), clock: systemClock };
    const answers: Record<string, string> = { [ctx1]: 'alpha-secret-answer', [ctx2]: 'beta-secret-answer' };
    for (const ctx of [ctx1, ctx2]) {
      await k.insertInto('enrollments').values({ user_id: grace, context_id: ctx, roles: '[]', last_launch_at: Date.now() }).execute();
      await importCourse(engine, { contextId: ctx, file: aCourseFile() });
      const item = (await courseRepo(k).listItems(ctx)).find((i) => i.key === 'A-2')!;
      await submitResponse(engine, { contextId: ctx, userId: grace, itemId: item.id, attemptId: `course-erase-${ctx.slice(0, 8)}`, answer: answers[ctx]! });
    }
    const deps: StudentPrivacyDeps = {
      privacy: privacyRepo(k),
      audit: auditRepo(k),
      clock: systemClock,
      newId: randomUUID,
      classifyRoles: summariseRoles,
      recompute: async (contextId) => void (await recomputeMastery(engine, { contextId })),
    };
    const byTeacher = { kind: 'instructor' as const, userId: teacher };

    expect(await previewErasure(deps, { userId: grace, contextId: ctx1, actor: byTeacher })).toMatchObject({ responses: 1, profileGoes: false, courses: [{ contextId: ctx1 }] });
    const first = await eraseStudent(deps, { userId: grace, contextId: ctx1, actor: byTeacher });
    expect(first.profileRemoved).toBe(false);
    expect(await findTraces(db, { contains: ['alpha-secret-answer'] })).toEqual([]);
    expect(await findTraces(db, { contains: ['beta-secret-answer'] })).toHaveLength(1);
    expect(await k.selectFrom('learners').select('context_id').where('user_id', '=', grace).execute()).toEqual([{ context_id: ctx2 }]);
    expect(await k.selectFrom('users').select('name').where('id', '=', grace).execute()).toEqual([{ name: 'Grace Hopper' }]);
    // Not in course one any more: a second request there finds no one.
    await expect(eraseStudent(deps, { userId: grace, contextId: ctx1, actor: byTeacher })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(eraseStudent(deps, { userId: teacher, contextId: ctx1, actor: byTeacher })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });

    const second = await eraseStudent(deps, { userId: grace, contextId: ctx2, actor: byTeacher });
    expect(second.profileRemoved).toBe(true);
    expect(await findTraces(db, { contains: ['Grace Hopper', 'grace.hopper', grace, 'secret-answer'] })).toEqual([]);
  });
});
