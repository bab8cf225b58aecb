import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginStateRepo } from '../../src/store/loginStateRepo.js';
import { platformRepo } from '../../src/store/platformRepo.js';
import { aLoginState, aPlatform } from '../factories.js';
import { openTestDb, type TestDb } from '../support/db.js';

describe('foundation repositories', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('consumes a login state exactly once, at any later time', async () => {
    const p = await aPlatform(db.kysely);
    const s = await aLoginState(db.kysely, p.id);
    const repo = loginStateRepo(db.kysely);
    const [a, b] = await Promise.all([repo.consume(s.state, 1), repo.consume(s.state, 2)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await repo.consume(s.state, 10 * 365 * 86_400_000)).toBeUndefined();
    expect((await repo.find(s.state))?.consumedAt).toBeTypeOf('number');
    expect(await repo.consume('never-issued', 3)).toBeUndefined();
  });

  it('keeps nonces unique across logins', async () => {
    const p = await aPlatform(db.kysely);
    const s = await aLoginState(db.kysely, p.id);
    await expect(aLoginState(db.kysely, p.id, { nonce: s.nonce })).rejects.toThrow();
  });

  it('refuses a second registration with the same issuer and client id, and cascades removal', async () => {
    const p = await aPlatform(db.kysely);
    await expect(aPlatform(db.kysely, { issuer: p.issuer, clientId: p.clientId })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    const repo = platformRepo(db.kysely);
    await repo.addDeployment(p.id, '2', 1_800_000_000_000);
    await repo.addDeployment(p.id, '2', 1_800_000_000_001);
    expect((await repo.listAll()).find((x) => x.id === p.id)?.deploymentIds).toEqual(['1', '2']);
    await aLoginState(db.kysely, p.id);
    expect(await repo.remove(p.id)).toBe(true);
    expect(await repo.remove(p.id)).toBe(false);
  });
});
