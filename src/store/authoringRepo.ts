import type { Kysely } from 'kysely';
import type { AuthoringRepo } from '../services/authoringPorts.js';
import type { Database } from './schema.js';

/** Drafts, uploaded images and the log reads of authoring (migration 0017). */
export const authoringRepo = (db: Kysely<Database>): AuthoringRepo => ({
  getDraft: async (contextId) => {
    const row = await db.selectFrom('course_drafts').select(['document', 'updated_at', 'revision']).where('context_id', '=', contextId).executeTakeFirst();
    return row ? { document: JSON.parse(row.document) as unknown, updatedAt: Number(row.updated_at), revision: Number(row.revision) } : undefined;
  },
  saveDraft: async (contextId, document, at, by, read) => {
    const text = JSON.stringify(document);
    if (read === null) {
      const r = await db
        .insertInto('course_drafts')
        .values({ context_id: contextId, document: text, updated_at: at, updated_by: by, revision: 1 })
        .onConflict((oc) => oc.column('context_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const r = await db
      .updateTable('course_drafts')
      .set({ document: text, updated_at: at, updated_by: by, revision: read + 1 })
      .where('context_id', '=', contextId)
      .where('revision', '=', read)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  deleteDraft: async (contextId, revision) => {
    let q = db.deleteFrom('course_drafts').where('context_id', '=', contextId);
    if (revision !== undefined) q = q.where('revision', '=', revision);
    await q.execute();
  },
  putMedia: async (m) => {
    await db
      .insertInto('media')
      .values({ id: m.id, context_id: m.contextId, name: m.name, content_type: m.contentType, size: m.bytes.length, bytes: m.bytes, created_at: m.createdAt })
      .execute();
  },
  getMedia: async (contextId, id) => {
    const row = await db.selectFrom('media').selectAll().where('id', '=', id).where('context_id', '=', contextId).executeTakeFirst();
    return row
      ? { id: row.id, contextId: row.context_id, name: row.name, contentType: row.content_type, bytes: Buffer.from(row.bytes), createdAt: Number(row.created_at) }
      : undefined;
  },
  pastAnswers: async (contextId, itemIds) => {
    if (itemIds.length === 0) return [];
    const rows = await db
      .selectFrom('responses')
      .select(['attempt_id', 'item_id', 'user_id', 'objective_id', 'answer', 'correct'])
      .where('context_id', '=', contextId)
      .where('type', '=', 'response')
      .where('item_id', 'in', [...itemIds])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      attemptId: r.attempt_id,
      itemId: r.item_id as string,
      userId: r.user_id as string,
      objectiveId: r.objective_id,
      answer: r.answer === null ? null : (JSON.parse(r.answer) as unknown),
      correct: r.correct === 1,
    }));
  },
});
