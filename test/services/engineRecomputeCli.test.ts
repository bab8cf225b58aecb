import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFitCli } from '../../src/cli/fit.js';
import { runRecomputeCli } from '../../src/cli/recompute.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { migrate, openDb, type Db } from '../../src/store/db.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { openTestDb, onPostgres } from '../support/db.js';
import { aContext, aCourseFile, aLearner } from '../factories.engine.js';

describe('npm run recompute', () => {
  let db: Db & { close(): Promise<void> };
  let url: string;
  let file: string | undefined;
  beforeAll(async () => {
    if (onPostgres()) {
      const t = await openTestDb();
      db = t;
      url = `${t.url}${t.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`;
    } else {
      file = path.join(os.tmpdir(), `masterly-recompute-${randomUUID()}.db`);
      url = `sqlite:${file}`;
      db = await openDb({ url });
      await migrate(db);
    }
  });
  afterAll(async () => {
    await db?.close();
    if (file) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  });

  it('rebuilds one context (or all) from the log and leaves the projection as it was', async () => {
    const clock = { now: () => 1_700_000_000_000 };
    const ctx = await aContext(db.kysely);
    await importCourse({ courses: courseRepo(db.kysely), clock }, { contextId: ctx, file: aCourseFile() });
    const user = await aLearner(db.kysely, ctx);
    const items = (await courseRepo(db.kysely).listItems(ctx)).filter((i) => i.key.startsWith('A-'));
    const deps = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock };
    for (const [i, it] of items.slice(0, 4).entries()) {
      await submitResponse(deps, { contextId: ctx, userId: user, itemId: it.id, attemptId: `cli-attempt-${i}`, answer: i % 2 ? 'x' : 'b' });
    }
    const before = await db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'state', 'data']).where('user_id', '=', user).orderBy('objective_id').execute();
    const out: string[] = [];
    const errs: string[] = [];
    const env = { DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'test' as const, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-recompute-')) };
    expect(await runRecomputeCli(['--context', ctx], env, (l) => out.push(l), (l) => errs.push(l))).toBe(0);
    expect(errs).toEqual([]);
    expect(out.join('\n')).toMatch(new RegExp(`${ctx}: 4 events, 1 learners`));
    expect(out.join('\n')).toContain('0 grades queued');
    expect(await db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'state', 'data']).where('user_id', '=', user).orderBy('objective_id').execute()).toEqual(before);
    expect(await runRecomputeCli([], env, (l) => out.push(l), (l) => errs.push(l))).toBe(0);
    expect(await runRecomputeCli(['--bogus'], env, () => undefined, (l) => errs.push(l))).toBe(1);
  });

  it('recompute and fit print their usage for --help and refuse an unknown option, touching no database', async () => {
    for (const run of [runRecomputeCli, runFitCli]) {
      const out: string[] = [];
      const errs: string[] = [];
      expect(await run(['--help'], {}, (l) => out.push(l), (l) => errs.push(l))).toBe(0);
      expect(out.join('\n')).toMatch(/^Usage: npm run (recompute|fit) \[-- --context <context-id>\]$/);
      expect(await run(['--context'], {}, (l) => out.push(l), (l) => errs.push(l))).toBe(1);
      expect(errs.join('\n')).toMatch(/--context/);
    }
  });
});
