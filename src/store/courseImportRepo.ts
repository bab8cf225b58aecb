import { sql, type Kysely } from 'kysely';
import type { CourseImportRepo, ImportStatus, StagedImport } from '../services/courseImport.js';
import type { CourseFormat, ItemReport } from '../services/courseFormats/index.js';
import type { CourseFile } from '../services/importCourse.js';
import type { Database } from './schema.js';
import type { CourseImportsTable } from './tables/courseImports.js';

/** How long a staged or finished import is kept (its report stays visible on the import page until then). */
const KEEP_MS = 14 * 24 * 3600_000;

const head = (r: Omit<CourseImportsTable, 'draft' | 'report'>): Omit<StagedImport, 'draft' | 'report'> => ({
  id: r.id,
  contextId: r.context_id,
  format: r.format as CourseFormat,
  filename: r.filename,
  status: r.status as ImportStatus,
  progress: Number(r.progress),
  outcome: r.outcome ? (JSON.parse(r.outcome) as StagedImport['outcome']) : undefined,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Staged course imports on PostgreSQL or SQLite (drafts and reports as JSON text). */
export const courseImportRepo = (db: Kysely<Database>): CourseImportRepo => ({
  create: async (r) => {
    // Housekeeping on each upload: a course's imports older than two weeks go (not one being committed).
    await db.deleteFrom('course_imports').where('context_id', '=', r.contextId).where('updated_at', '<', r.at - KEEP_MS).where('status', '!=', 'committing').execute();
    await db
      .insertInto('course_imports')
      .values({ id: r.id, context_id: r.contextId, format: r.format, filename: r.filename, status: 'reading', progress: 0, draft: null, report: null, outcome: null, created_at: r.at, updated_at: r.at })
      .execute();
  },
  setProgress: async (id, progress, at) => {
    await db.updateTable('course_imports').set({ progress, updated_at: at }).where('id', '=', id).where('status', '=', 'reading').execute();
  },
  stage: async (id, draft, report, at) => {
    await db
      .updateTable('course_imports')
      .set({ status: 'ready', draft: JSON.stringify(draft), report: JSON.stringify(report), progress: report.length, updated_at: at })
      .where('id', '=', id)
      .execute();
  },
  get: async (contextId, id, draft = 'always') => {
    const r = await db
      .selectFrom('course_imports')
      .select(['id', 'context_id', 'format', 'filename', 'status', 'progress', 'outcome', 'created_at', 'updated_at', 'report'])
      .where('id', '=', id)
      .where('context_id', '=', contextId)
      .executeTakeFirst();
    if (!r) return undefined;
    // The draft (megabytes for a large bank) can be left unread by pages that only show progress.
    const withDraft = draft === 'always' || r.status === 'ready' || r.status === 'failed';
    const d = withDraft ? await db.selectFrom('course_imports').select('draft').where('id', '=', id).executeTakeFirst() : undefined;
    return { ...head(r), draft: d?.draft ? (JSON.parse(d.draft) as CourseFile) : undefined, report: r.report ? (JSON.parse(r.report) as ItemReport[]) : [] };
  },
  recent: async (contextId, limit) => {
    const rows = await db
      .selectFrom('course_imports')
      .select(['id', 'context_id', 'format', 'filename', 'status', 'progress', 'outcome', 'created_at', 'updated_at'])
      .where('context_id', '=', contextId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(head);
  },
  updateDraft: async (id, draft, report, at) => {
    const r = await db
      .updateTable('course_imports')
      .set({ draft: JSON.stringify(draft), report: JSON.stringify(report), updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'ready')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  claim: async (id, at, staleBefore) => {
    // One conditional UPDATE: of two concurrent commits (two clicks, two processes) exactly one sees a row change.
    const r = await db
      .updateTable('course_imports')
      .set({ status: 'committing', updated_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', 'in', ['ready', 'failed']), eb.and([eb('status', '=', 'committing'), eb('updated_at', '<', staleBefore)])]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  finish: async (id, status, outcome, at) => {
    await db
      .updateTable('course_imports')
      .set({ status, outcome: outcome ? JSON.stringify(outcome) : null, updated_at: at, ...(status === 'committed' ? { draft: sql<string>`null` } : {}) })
      .where('id', '=', id)
      .execute();
  },
  remove: async (id) => {
    await db.deleteFrom('course_imports').where('id', '=', id).execute();
  },
});
