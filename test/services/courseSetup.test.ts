import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCourseSetupServices, previousContextIdsOf } from '../../src/services/courseSetup.js';
import { exportCourse } from '../../src/services/exportCourse.js';
import { courseDirectory } from '../../src/store/courseDirectory.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { sampleUnits } from '../../src/store/sampleUnits.js';
import { summariseRoles } from '../../src/lti/roles.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext } from '../factories.engine.js';

describe('course set-up', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const services = () =>
    buildCourseSetupServices({ courses: courseRepo(db.kysely), samples: sampleUnits(), directory: courseDirectory(db.kysely), classifyRoles: summariseRoles, clock: { now: () => 1_700_000_000_000 } });
  const actorIn = async (contextId: string) => {
    const ctx = await db.kysely.selectFrom('contexts').select('platform_id').where('id', '=', contextId).executeTakeFirstOrThrow();
    return { contextId, platformId: ctx.platform_id, userId: 'nobody', previousContextIds: [] };
  };

  it('reads Canvas previousContextIds: comma-separated, trimmed, deduplicated; nothing when absent or not substituted', () => {
    expect(previousContextIdsOf({ canvas_previous_context_ids: 'abc, xyz,abc,,' })).toEqual(['abc', 'xyz']);
    expect(previousContextIdsOf({ canvas_previous_context_ids: '' })).toEqual([]);
    expect(previousContextIdsOf({ canvas_previous_context_ids: '$Canvas.course.previousContextIds' })).toEqual([]);
    expect(previousContextIdsOf({ canvas_previous_context_ids: 42 })).toEqual([]);
    expect(previousContextIdsOf(undefined)).toEqual([]);
    expect(previousContextIdsOf({ canvas_previous_context_ids: Array.from({ length: 30 }, (_, i) => `c${i}`).join(',') })).toHaveLength(20);
  });

  it('lets only one of two simultaneous first set-ups land; the other is a conflict and changes nothing', async () => {
    const ctx = await aContext(db.kysely);
    const actor = await actorIn(ctx);
    const s = services();
    const results = await Promise.allSettled([s.setUpCourse(actor, { kind: 'sample', id: 'statistics' }), s.setUpCourse(actor, { kind: 'sample', id: 'forces-motion' })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => (r.reason as { code?: string }).code)).toEqual(['ERR_CONFLICT']);
    const content = await exportCourse({ courses: courseRepo(db.kysely) }, ctx);
    const winner = (ok[0] as PromiseFulfilledResult<{ title: string }>).value.title;
    expect(content?.course.title).toBe(winner);
    expect(new Set(content?.objectives.map((o) => o.key.split('-')[0]))).toHaveProperty('size', 1);
    expect(await s.hasCourse(ctx)).toBe(true);
  });
});
