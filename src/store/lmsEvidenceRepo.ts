import type { Kysely } from 'kysely';
import type { EvidenceMap, LmsEvidenceRepo, SeenResult } from '../services/lmsEvidencePorts.js';
import type { Database } from './schema.js';

const CHUNK = 500;

/** Records a fed result in the caller's transaction (the unit of work's `markEvidenceSeen`, see learnerRepo.ts). */
export async function markEvidenceSeen(trx: Kysely<Database>, s: SeenResult): Promise<void> {
  await trx
    .insertInto('lms_evidence_seen')
    .values({ context_id: s.contextId, line_item_url: s.lineItemUrl, user_sub: s.userSub, fingerprint: s.fingerprint, seen_at: s.seenAt })
    .onConflict((oc) => oc.columns(['context_id', 'line_item_url', 'user_sub']).doUpdateSet({ fingerprint: s.fingerprint, seen_at: s.seenAt }))
    .execute();
}

/** lms_evidence_maps / lms_evidence_seen (migration 0003), the same statements on both dialects. */
export const lmsEvidenceRepo = (db: Kysely<Database>): LmsEvidenceRepo => ({
  listMaps: async (contextId) =>
    (await db.selectFrom('lms_evidence_maps').selectAll().where('context_id', '=', contextId).orderBy('created_at').orderBy('line_item_url').execute()).map(
      (r): EvidenceMap => ({
        contextId: r.context_id,
        lineItemUrl: r.line_item_url,
        objectiveId: r.objective_id,
        label: r.label,
        threshold: Number(r.threshold),
        createdAt: Number(r.created_at),
      }),
    ),

  saveMap: async (m) => {
    await db
      .insertInto('lms_evidence_maps')
      .values({ context_id: m.contextId, line_item_url: m.lineItemUrl, objective_id: m.objectiveId, label: m.label, threshold: m.threshold, created_at: m.createdAt })
      .onConflict((oc) => oc.columns(['context_id', 'line_item_url']).doUpdateSet({ objective_id: m.objectiveId, label: m.label, threshold: m.threshold }))
      .execute();
  },

  removeMap: (contextId, lineItemUrl) =>
    db.transaction().execute(async (trx) => {
      await trx.deleteFrom('lms_evidence_seen').where('context_id', '=', contextId).where('line_item_url', '=', lineItemUrl).execute();
      const r = await trx.deleteFrom('lms_evidence_maps').where('context_id', '=', contextId).where('line_item_url', '=', lineItemUrl).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    }),

  seen: async (contextId, lineItemUrl) =>
    new Map(
      (
        await db
          .selectFrom('lms_evidence_seen')
          .select(['user_sub', 'fingerprint'])
          .where('context_id', '=', contextId)
          .where('line_item_url', '=', lineItemUrl)
          .execute()
      ).map((r) => [r.user_sub, r.fingerprint]),
    ),

  usersBySub: async (contextId, subs) => {
    const out = new Map<string, string>();
    for (let i = 0; i < subs.length; i += CHUNK) {
      const rows = await db
        .selectFrom('users')
        .innerJoin('contexts', 'contexts.platform_id', 'users.platform_id')
        .select(['users.id', 'users.sub'])
        .where('contexts.id', '=', contextId)
        .where('users.sub', 'in', subs.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.sub, r.id);
    }
    return out;
  },

  contextsWithMaps: async () =>
    (await db.selectFrom('lms_evidence_maps').select('context_id').distinct().orderBy('context_id').execute()).map((r) => r.context_id),
});
