import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, wrongAnswerFor } from '../factories.engine.js';
import { launchAs } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('item statistics for instructors', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
  });
  afterAll(async () => rig?.close());

  it('shows each question with its statistics once it has 30 answers, flagged ones first with the threshold named', async () => {
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`))!;
    const asLearner = await launchAs(rig.lms, rig.toolUrl, { userId: learner.id });
    const db = rig.tool.db;
    const ctx = await db.kysely.selectFrom('contexts').select(['id', 'platform_id']).executeTakeFirstOrThrow();
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock };
    await importCourse(engine, { contextId: ctx.id, file: aCourseFile() });
    const item = (await engine.courses.listItems(ctx.id)).find((it) => it.key === 'A-1')!;
    // 31 students miss A-1 once each (answers through the engine, as the practice page posts them).
    const ids = Array.from({ length: 31 }, () => randomUUID());
    await db.kysely
      .insertInto('users')
      .values(ids.map((id, i) => ({ id, platform_id: ctx.platform_id, sub: `stats-${i}`, name: `S ${i}`, given_name: null, family_name: null, email: null, updated_at: Date.now() })))
      .execute();
    for (const userId of ids) await submitResponse(engine, { contextId: ctx.id, userId, itemId: item.id, attemptId: randomUUID(), answer: wrongAnswerFor(item.kind) });

    const refused = await asLearner.browser.get(`${rig.toolUrl}/instructor/items`);
    expect(refused.status).toBe(403);
    expect(errorOf(await refused.text()).code).toBe('ERR_FORBIDDEN');

    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const { browser } = await launchAs(rig.lms, rig.toolUrl, { userId: instructor.id });
    const html = await (await browser.get(`${rig.toolUrl}/instructor/items`)).text();
    expect(html).toMatch(/<a href="\/instructor\/items" aria-current="page">Questions<\/a>/);
    const firstTable = /data-testid="items">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = firstTable.split('<tr').slice(2);
    expect(rows[0]).toContain('A-1');
    expect(rows[0]).toMatch(/<td>31<\/td><td>0%<\/td>/);
    expect(rows[0]).toContain('Very hard: 0% right (flagged below 20%)');
    // Too few answers: no figures, no judgement.
    expect(rows[1]).toMatch(/<td>0<\/td><td>—<\/td><td>—<\/td>/);
    expect(rows[1]).toContain('No flags');
  });
});
