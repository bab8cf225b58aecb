import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteBehind } from '../../src/store/writeBehind.js';
import { openTestDb, type TestDb } from '../support/db.js';

describe('a unit of work\'s held-back writes', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('sends rows queued for one upsert as one statement, a row queued again under its key replacing the first', async () => {
    let sent = 0;
    const counting: KyselyPlugin = { transformQuery: (a) => (sent++, a.node), transformResult: async (a) => a.result };
    const key = (kid: string, status: 'next' | 'current') => ({ kid, public_jwk: '{}', private_key_enc: 'x', status, created_at: 1 });
    await db.kysely
      .withPlugin(counting)
      .transaction()
      .execute(async (trx) => {
        const unit = new WriteBehind(trx, db.dialect);
        const upsert = (rows: ReturnType<typeof key>[]) =>
          trx
            .insertInto('tool_keys')
            .values(rows)
            .onConflict((oc) => oc.column('kid').doUpdateSet((eb) => ({ status: eb.ref('excluded.status') })));
        await unit.upsertRow('tool_keys', 'a', key('wb-a', 'next'), upsert);
        await unit.upsertRow('tool_keys', 'b', key('wb-b', 'current'), upsert);
        await unit.upsertRow('tool_keys', 'a', key('wb-a', 'current'), upsert);
        expect(sent).toBe(0);
        await unit.flush();
      });
    expect(sent).toBe(1);
    const rows = await db.kysely.selectFrom('tool_keys').select(['kid', 'status']).where('kid', 'in', ['wb-a', 'wb-b']).orderBy('kid').execute();
    expect(rows).toEqual([
      { kid: 'wb-a', status: 'current' },
      { kid: 'wb-b', status: 'current' },
    ]);
  });
});
