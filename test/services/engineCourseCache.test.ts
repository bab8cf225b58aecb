import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/domain/random.js';
import { buildEngineServices, type EngineServices } from '../../src/services/engineServices.js';
import type { Activity } from '../../src/services/nextActivity.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { migrate, openDb, type Db } from '../../src/store/db.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor } from '../factories.engine.js';
import { onPostgres } from '../support/db.js';

type ItemActivity = Extract<Activity, { kind: 'item' }>;

/** Every statement the services send, by SQL text. */
const sent: string[] = [];
/** Statements that read the course's content tables (what a cached compiled course saves). */
const courseReads = () => sent.filter((s) => /\bfrom "(objectives|items|content|objective_prerequisites)"/i.test(s));

describe('compiled course cache (pages and answers)', () => {
  let db: Db;
  let pgSchema: string | undefined;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1000) };
  // Each "process" has its own engine services, hence its own cache, on the same database.
  const processOf = (): EngineServices =>
    buildEngineServices({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock, rng: mulberry32(7), ids: { newId: randomUUID } });

  beforeAll(async () => {
    if (onPostgres()) pgSchema = `t_${randomBytes(6).toString('hex')}`;
    db = await openDb({
      url: onPostgres() ? (process.env.DATABASE_URL as string) : 'sqlite::memory:',
      ...(pgSchema ? { pgSchema } : {}),
      onQuery: (e) => void sent.push(e.query.sql),
    });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    if (pgSchema) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
      await c.end();
    }
  });

  async function aStudentIn(app: EngineServices) {
    const ctx = await aContext(db.kysely);
    await app.importCourse({ contextId: ctx, file: aCourseFile() });
    const user = await aLearner(db.kysely, ctx);
    return { ctx, user };
  }
  const itemFor = async (app: EngineServices, ctx: string, user: string): Promise<ItemActivity> => {
    const a = await app.nextActivity({ contextId: ctx, userId: user, skipIntro: true });
    if (a.kind !== 'item') throw new Error(`expected an item, got ${a.kind}`);
    return a;
  };

  it('serves practice pages and answers without re-reading an unchanged course', async () => {
    const app = processOf();
    const { ctx, user } = await aStudentIn(app);
    await itemFor(app, ctx, user); // compiles the course once

    sent.length = 0;
    for (let i = 0; i < 3; i++) {
      const a = await itemFor(app, ctx, user);
      const r = await app.submitResponse({ contextId: ctx, userId: user, itemId: a.item.id, attemptId: a.attemptId, answer: rightAnswerFor(a.item.kind) });
      expect(r.correct).toBe(true);
    }
    await app.getMasteryMap({ contextId: ctx, userId: user });
    expect(sent.length).toBeGreaterThan(0);
    expect(courseReads()).toEqual([]);
  });

  it('shows another process\'s re-import at the next page', async () => {
    const web1 = processOf();
    const web2 = processOf();
    const { ctx, user } = await aStudentIn(web1);
    expect((await web1.getMasteryMap({ contextId: ctx, userId: user })).objectives[0]?.title).toBe('Objective A');

    const file = aCourseFile();
    (file.objectives[0] as { title: string }).title = 'Objective A, revised';
    for (const it of file.items) (it as { prompt: string }).prompt = `Revised: ${String((it as { prompt: string }).prompt)}`;
    await web2.importCourse({ contextId: ctx, file });

    expect((await web1.getMasteryMap({ contextId: ctx, userId: user })).objectives[0]?.title).toBe('Objective A, revised');
    const a = await itemFor(web1, ctx, user);
    expect(a.item.prompt).toMatch(/^Revised: /);
    const r = await web1.submitResponse({ contextId: ctx, userId: user, itemId: a.item.id, attemptId: a.attemptId, answer: rightAnswerFor(a.item.kind) });
    expect(r.objectiveTitle).toBe('Objective A, revised');
  });

  it('accepts an answer to an item another process\'s re-import added', async () => {
    const web1 = processOf();
    const web2 = processOf();
    const { ctx, user } = await aStudentIn(web1);
    await itemFor(web1, ctx, user); // web1 caches the course
    const file = aCourseFile();
    file.items.push({ key: 'A-new', objective: 'A', kind: 'numeric', prompt: 'A brand new question?', answer: { value: 42, tolerance: 0 }, feedback: { correct: 'Right.', incorrect: 'No.' } });
    await web2.importCourse({ contextId: ctx, file });
    const added = await db.kysely.selectFrom('items').select('id').where('context_id', '=', ctx).where('key', '=', 'A-new').executeTakeFirstOrThrow();
    const r = await web1.submitResponse({ contextId: ctx, userId: user, itemId: added.id, attemptId: randomUUID(), answer: '42' });
    expect(r).toMatchObject({ itemId: added.id, correct: true });
  });
});
