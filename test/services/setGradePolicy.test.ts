import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type GradePolicy } from '../../src/domain/gradePolicy.js';
import { setGradePolicy } from '../../src/services/setGradePolicy.js';
import { gradebookRepo } from '../../src/store/gradebookRepo.js';
import { aContext } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';

describe('setGradePolicy', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const deps = () => ({ lineItems: gradebookRepo(db.kysely), clock: { now: () => 1_700_000_000_000 } });
  const aggregation = (contextId: string, calculation: GradePolicy['calculation']): GradePolicy => ({ ...defaultPolicy(contextId), policy: 'aggregation', calculation });

  it('saves a roll-up with Canvas calculation settings in range', async () => {
    const c = await aContext(db.kysely);
    const saved = await setGradePolicy(deps(), aggregation(c, { method: 'standard_decaying_average', weight: 80, n: 3 }));
    expect(saved.calculation).toEqual({ method: 'standard_decaying_average', weight: 80, n: 3 });
    expect((await deps().lineItems.getPolicy(c)).calculation).toEqual({ method: 'standard_decaying_average', weight: 80, n: 3 });
  });

  it('refuses calculation settings out of Canvas ranges with ERR_VALIDATION, and saves nothing', async () => {
    const c = await aContext(db.kysely);
    await expect(setGradePolicy(deps(), aggregation(c, { method: 'decaying_average', weight: 150, n: 3 }))).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [{ path: 'weight' }],
    });
    await expect(setGradePolicy(deps(), aggregation(c, { method: 'n_mastery', weight: 65, n: 0 }))).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [{ path: 'n' }],
    });
    expect(await deps().lineItems.getPolicy(c)).toEqual(defaultPolicy(c));
  });

  it('gives a roll-up without settings the default weighted average, and other policies none', async () => {
    const c = await aContext(db.kysely);
    expect((await setGradePolicy(deps(), aggregation(c, null))).calculation).toEqual({ method: 'decaying_average', weight: 65, n: 3 });
    const p = await setGradePolicy(deps(), { ...defaultPolicy(c), policy: 'p_mastery', calculation: { method: 'highest', weight: 65, n: 3 } });
    expect(p.calculation).toBeNull();
  });
});
