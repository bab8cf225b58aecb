import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelCli } from '../../src/cli/model.js';
import { parseCsv, toCsv } from '../../src/cli/csv.js';
import { clampBktParams } from '../../src/domain/bkt.js';
import { predictMixture, priorAbility, startNodes } from '../../src/domain/learnerAbility.js';
import { simulateBkt } from '../../src/domain/fitBkt.js';
import { mulberry32 } from '../../src/domain/random.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { migrate, openDb, type Db } from '../../src/store/db.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { openTestDb, onPostgres } from '../support/db.js';
import { aContext, aCourseFile, aLearner } from '../factories.engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-model-'));
const at = (f: string) => path.join(dir, f);
const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [], err: string[] = [];
  const code = await runModelCli(argv, env, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const records = (file: string) => parseCsv(fs.readFileSync(file, 'utf8')).map((r) => r.fields);

/** 150 simulated learners on two skills (one name needs quoting), written with a BOM and CRLF line ends. */
function writeData(file: string): number {
  const rows: (string | number)[][] = [];
  let order = 0;
  const truth = { prior: 0.2, learn: 0.25, guess: 0.15, slip: 0.08, forget: 0 };
  for (const [s, skill] of ['fractions, adding', 'say "ratio"'].entries()) {
    simulateBkt(truth, 150, 10, mulberry32(7 + s)).forEach((seq, u) =>
      seq.forEach((c, t) => rows.push([`u${u}`, skill, c ? 1 : 0, ++order, `p${t % 4}`, 1_767_000_000 + order * 60])),
    );
  }
  fs.writeFileSync(file, '\uFEFF' + toCsv(['user_id', 'skill_name', 'correct', 'order_id', 'problem_id', 'timestamp'], rows).replace(/\n/g, '\r\n'));
  return rows.length;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run model', () => {

  it('fits, predicts and replays pyBKT-style CSV with the product\'s model, round-tripping every row', async () => {
    const n = writeData(at('responses.csv'));
    const fit = await run(['fit', '--data', at('responses.csv'), '--out', at('params.json')]);
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    const params = JSON.parse(fs.readFileSync(at('params.json'), 'utf8'));
    expect(Object.keys(params.skills).sort()).toEqual(['fractions, adding', 'say "ratio"']);
    const p = params.skills['fractions, adding'];
    expect(p.status).toBe('fitted');
    expect(Math.abs(p.params.learn - 0.25)).toBeLessThan(0.1);

    expect((await run(['predict', '--params', at('params.json'), '--data', at('responses.csv'), '--out', at('pred.csv')])).code).toBe(0);
    const pred = records(at('pred.csv'));
    expect(pred[0]).toEqual(['order_id', 'user_id', 'skill_name', 'p_correct']);
    expect(pred).toHaveLength(n + 1);
    expect(pred[1]?.slice(0, 3)).toEqual(['1', 'u0', 'fractions, adding']);
    // The product's course model (ADR 0028) is fitted too: the first answer of a learner is predicted from its prior
    // alone, mixed over ability, with the problem's own guess/slip.
    const cm = params.courseModel;
    expect(Object.keys(cm.skills).sort()).toEqual(['fractions, adding', 'say "ratio"']);
    expect(Object.keys(cm.items['fractions, adding']).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    const k = clampBktParams(cm.skills['fractions, adding'], 'multiple_choice');
    expect(Number(pred[1]?.[3])).toBeCloseTo(predictMixture(priorAbility(), startNodes(k, cm.coef), k, cm.items['fractions, adding'].p0, cm.coef), 5);

    expect((await run(['replay', '--params', at('params.json'), '--data', at('responses.csv'), '--out', at('states.csv')])).code).toBe(0);
    const states = records(at('states.csv'));
    expect(states[0]).toEqual(['order_id', 'user_id', 'skill_name', 'p_mastery', 'state']);
    expect(states).toHaveLength(n + 1);
    const names = new Set(states.slice(1).map((r) => r[4]));
    expect(names.has('mastered')).toBe(true);
    expect([...names].every((s) => ['practising', 'checking', 'reteaching', 'mastered', 'not_mastered', 'needs_review'].includes(s as string))).toBe(true);
  });

  it('reports a malformed file with its line and column, and bad usage, as one line and exit code 1', async () => {
    fs.writeFileSync(at('bad.csv'), 'user_id,skill_name,correct,order_id\nu1,s,1,1\nu1,"s,2,1,2\n');
    const bad = await run(['fit', '--data', at('bad.csv'), '--out', at('x.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.csv: line 3, column 4: a quoted field is never closed/);
    fs.writeFileSync(at('bad2.csv'), 'user_id,skill_name,correct,order_id\nu1,s,yes,1\n');
    expect((await run(['fit', '--data', at('bad2.csv'), '--out', at('x.json')])).err).toMatch(/line 2, column 6: correct must be 1 or 0/);
    fs.writeFileSync(at('bad3.csv'), 'user,skill_name,correct,order_id\n');
    expect((await run(['fit', '--data', at('bad3.csv'), '--out', at('x.json')])).err).toMatch(/missing column "user_id"/);
    expect((await run(['predict', '--data', at('bad.csv'), '--out', at('x.csv')])).err).toMatch(/missing --params/);
    expect((await run(['frobnicate'])).code).toBe(1);
    expect(fs.existsSync(at('x.json'))).toBe(false);
  });
});

describe('npm run model -- export', () => {
  let db: Db & { close(): Promise<void> };
  let url: string;
  let file: string | undefined;
  beforeAll(async () => {
    if (onPostgres()) {
      const t = await openTestDb();
      db = t;
      url = `${t.url}${t.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`;
    } else {
      file = path.join(os.tmpdir(), `masterly-export-${randomUUID()}.db`);
      url = `sqlite:${file}`;
      db = await openDb({ url });
      await migrate(db);
    }
  });
  afterAll(async () => {
    await db?.close();
    if (file) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  });

  it('writes a course\'s responses in the same format, which fit and replay read back', async () => {
    const clock = { now: () => 1_700_000_000_000 };
    const ctx = await aContext(db.kysely);
    await importCourse({ courses: courseRepo(db.kysely), clock }, { contextId: ctx, file: aCourseFile() });
    const user = await aLearner(db.kysely, ctx);
    const items = (await courseRepo(db.kysely).listItems(ctx)).filter((i) => i.key.startsWith('A-'));
    const deps = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock };
    for (const [i, it] of items.slice(0, 4).entries()) {
      await submitResponse(deps, { contextId: ctx, userId: user, itemId: it.id, attemptId: `export-${i}`, answer: i % 2 ? 'x' : 'b' });
    }
    const env = { DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'test' as const, DATA_DIR: os.tmpdir() };
    const r = await run(['export', '--context', ctx, '--out', at('export.csv')], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = records(at('export.csv'));
    expect(rows[0]).toEqual(['order_id', 'user_id', 'skill_name', 'correct', 'problem_id', 'timestamp']);
    const logged = await db.kysely.selectFrom('responses').select(['correct']).where('context_id', '=', ctx).orderBy('id').execute();
    expect(rows.slice(1).map((x) => [x[1], x[3], x[4]])).toEqual(items.slice(0, 4).map((it, i) => [user, String(logged[i]?.correct), it.key]));
    expect(rows.slice(1).every((x) => x[5] === new Date(1_700_000_000_000).toISOString())).toBe(true);
    expect((await run(['fit', '--data', at('export.csv'), '--out', at('exp.json')])).code).toBe(0);
    expect((await run(['replay', '--params', at('exp.json'), '--data', at('export.csv'), '--out', at('exp-states.csv')])).code).toBe(0);
    expect(records(at('exp-states.csv'))).toHaveLength(5);
  });
});
