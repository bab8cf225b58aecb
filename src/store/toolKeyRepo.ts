import type { Kysely } from 'kysely';
import type { PublicJwk, StoredToolKey, ToolKeyRepo } from '../services/ports.js';
import type { Database } from './schema.js';

const toRow = (k: StoredToolKey) => ({
  kid: k.kid,
  public_jwk: JSON.stringify(k.publicJwk),
  private_key_enc: k.privateKeyEnc,
  status: k.status,
  created_at: k.createdAt,
});

/** The tool's keys; private halves are stored as the ciphertext the keyring hands us. */
export const toolKeyRepo = (db: Kysely<Database>): ToolKeyRepo => ({
  list: async () =>
    (await db.selectFrom('tool_keys').selectAll().orderBy('created_at').execute()).map((r) => ({
      kid: r.kid,
      publicJwk: JSON.parse(r.public_jwk) as PublicJwk,
      privateKeyEnc: r.private_key_enc,
      status: r.status,
      createdAt: Number(r.created_at),
    })),
  insert: async (keys) => {
    if (keys.length) await db.insertInto('tool_keys').values(keys.map(toRow)).execute();
  },
  rotate: async (next) => {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('tool_keys').set({ status: 'retired' }).where('status', '=', 'current').execute();
      await tx.updateTable('tool_keys').set({ status: 'current' }).where('status', '=', 'next').execute();
      await tx.insertInto('tool_keys').values(toRow({ ...next, status: 'next' })).execute();
    });
  },
});
