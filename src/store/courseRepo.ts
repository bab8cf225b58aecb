import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { BktParams, ObjectiveResponseKind } from '../domain/bkt.js';
import type { CourseModelJson } from '../domain/fitItems.js';
import type { CalculationMethod } from '../domain/aggregation.js';
import type { ContentKind, Item } from '../domain/items.js';
import type {
  CourseItemKind,
  CoursePlan,
  CourseRepo,
  CourseSnapshot,
  CourseVersion,
  ImportSummary,
  ItemPayload,
  StoredContent,
  StoredItem,
  StoredObjective,
} from '../services/enginePorts.js';
import { Conflict } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import { prepare } from './prepared.js';
import type { Database } from './schema.js';
import type { ContentTable, ItemsTable, ObjectivesTable } from './tables/engine.js';

const CHUNK = 100;
const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

/**
 * Whether the course with row id `contextId` (a value, a parameter or a column reference) has content, as an SQL
 * boolean (PostgreSQL true/false, SQLite 1/0): it has an active objective. The one definition of a course that is set
 * up, for course set-up, the launch's record and the session's read.
 */
export const courseHasContentSql = (contextId: unknown): RawBuilder<boolean | number> =>
  sql<boolean | number>`exists (select 1 from objectives where objectives.context_id = ${contextId} and objectives.active = 1)`;

/** items.payload → the domain item (answer included) and what pages may show. */
export function toStoredItem(row: Selectable<ItemsTable>): StoredItem {
  const payload = JSON.parse(row.payload) as ItemPayload;
  const kind = row.kind as CourseItemKind;
  const base = { id: row.id, objectiveIds: [row.objective_id], stem: row.prompt };
  const choices = (payload.choices ?? []).map((c) => ({ id: c.key, text: c.text }));
  let item: Item;
  const a = payload.answer;
  switch (kind) {
    case 'mc_single':
      item = { ...base, kind: 'single_choice', choices, correctChoiceId: (a as string[])[0] ?? '' };
      break;
    case 'mc_multi':
      item = { ...base, kind: 'multiple_choice', choices, correctChoiceIds: a as string[] };
      break;
    case 'numeric': {
      const n = a as { value: number; tolerance: number };
      item = { ...base, kind: 'numeric', answer: n.value, tolerance: n.tolerance };
      break;
    }
    case 'short': {
      const s = a as { accepted: string[]; caseSensitive: boolean };
      item = { ...base, kind: 'short_answer', acceptedAnswers: s.accepted, caseSensitive: s.caseSensitive };
      break;
    }
    case 'fraction': {
      const f = a as { numerator: number; denominator: number; simplest: boolean };
      item = { ...base, kind: 'fraction', numerator: f.numerator, denominator: f.denominator, simplest: f.simplest };
      break;
    }
  }
  return {
    id: row.id,
    key: row.key,
    contextId: row.context_id,
    objectiveId: row.objective_id,
    kind,
    prompt: row.prompt,
    choices,
    item,
    feedback: payload.feedback,
    hint: payload.hint ?? null,
    position: row.position,
  };
}

const toObjective = (row: Selectable<ObjectivesTable>, prerequisites: string[]): StoredObjective => {
  const bkt: BktParams = { prior: row.bkt_prior, learn: row.bkt_learn, guess: row.bkt_guess, slip: row.bkt_slip, forget: row.bkt_forget };
  return {
  id: row.id,
  contextId: row.context_id,
  key: row.key,
  title: row.title,
  description: row.description,
  position: row.position,
  prerequisites,
  responseKind: row.response_kind as ObjectiveResponseKind,
  bkt,
  bktAuthored: row.bkt_authored === null ? bkt : (JSON.parse(row.bkt_authored) as BktParams),
  bktFitted: row.bkt_fitted === 1,
  releaseAt: row.release_at,
  releasedOverride: row.released_override === 1,
  gradeDueAt: row.grade_due_at,
  };
};

const toContent = (row: Selectable<ContentTable>): StoredContent => ({
  id: row.id,
  key: row.key,
  objectiveId: row.objective_id,
  kind: row.kind as ContentKind,
  title: row.title,
  markdown: row.body,
  position: row.position,
});

/** The course's content version and its latest `params_fitted` event: what a cached compiled course is checked against. */
const versionStatement = (db: Kysely<Database>) =>
  prepare<'contextId', { content_version: number; course_version: number | string | null }>((p) =>
    db
      .selectFrom('engine_courses as c')
      .select('c.content_version')
      .select((eb) =>
        eb
          .selectFrom('responses as r')
          .select('r.id')
          .whereRef('r.context_id', '=', 'c.context_id')
          .where('r.user_id', 'is', null)
          .orderBy('r.id', 'desc')
          .limit(1)
          .as('course_version'),
      )
      .where('c.context_id', '=', p('contextId'))
      .compile(),
  );

/** Course content storage (objectives, prerequisites, items, content, settings). */
export const courseRepo = (db: Kysely<Database>): CourseRepo => {
  const versionQuery = versionStatement(db);
  const versionOf = async (contextId: string): Promise<CourseVersion | undefined> => {
    const row = (await versionQuery.run(db, { contextId })).rows[0];
    return row ? { contentVersion: Number(row.content_version), courseVersion: row.course_version === null ? 0 : Number(row.course_version) } : undefined;
  };
  return {
    versionOf,

    applyImport: (plan: CoursePlan, at: number, opts?: { onlyIntoEmpty?: boolean }): Promise<ImportSummary> =>
      db.transaction().execute(async (trx) => {
        const ctx = plan.contextId;
        await trx
          .insertInto('engine_courses')
          .values({ context_id: ctx, title: plan.course.title, description: plan.course.description, check_time_limit_minutes: plan.course.checkTimeLimitMinutes || null, format: plan.format, imported_at: at, updated_at: at })
          .onConflict((oc) =>
            oc.column('context_id').doUpdateSet((eb) => ({
              title: plan.course.title,
              description: plan.course.description,
              ...(plan.course.checkTimeLimitMinutes === undefined ? {} : { check_time_limit_minutes: plan.course.checkTimeLimitMinutes || null }),
              format: plan.format,
              updated_at: at,
              // Processes that cached the compiled course reload it when they see a new version.
              content_version: eb(eb.ref('engine_courses.content_version'), '+', 1),
            })),
          )
          .execute();
        // After the upsert above (which waits for a concurrent import's course row), so a second first import sees the first.
        if (opts?.onlyIntoEmpty) {
          const any = await trx.selectFrom('objectives').select('id').where('context_id', '=', ctx).where('active', '=', 1).limit(1).executeTakeFirst();
          if (any) throw new Conflict('This course already has content.', msg('setup.errors.alreadySetUp'));
        }

        // Objectives: upsert by key; fitted BKT parameters survive a re-import.
        const before = await trx.selectFrom('objectives').select(['id', 'key', 'bkt_fitted']).where('context_id', '=', ctx).execute();
        const existing = new Map(before.map((o) => [o.key, o]));
        const listed = new Set(plan.objectives.map((o) => o.key));
        const summary: ImportSummary = {
          contextId: ctx,
          objectives: { created: 0, updated: 0, deactivated: 0 },
          items: { created: 0, updated: 0, deactivated: 0 },
          content: { created: 0, updated: 0, removed: 0 },
        };
        for (const [i, o] of plan.objectives.entries()) {
          const old = existing.get(o.key);
          const common = { title: o.title, description: o.description, position: i, response_kind: o.responseKind, active: 1, updated_at: at };
          const bkt = { bkt_prior: o.bkt.prior, bkt_learn: o.bkt.learn, bkt_guess: o.bkt.guess, bkt_slip: o.bkt.slip, bkt_forget: o.bkt.forget };
          const authored = { bkt_authored: JSON.stringify({ prior: o.bkt.prior, learn: o.bkt.learn, guess: o.bkt.guess, slip: o.bkt.slip, forget: o.bkt.forget }) };
          if (old) {
            // Fitted parameters stay in force; the file's go on being where a replay starts.
            await trx.updateTable('objectives').set(old.bkt_fitted === 1 ? { ...common, ...authored } : { ...common, ...bkt, ...authored }).where('id', '=', old.id).execute();
            summary.objectives.updated++;
          } else {
            await trx
              .insertInto('objectives')
              .values({ id: randomUUID(), context_id: ctx, key: o.key, ...common, ...bkt, ...authored })
              .onConflict((oc) => oc.columns(['context_id', 'key']).doUpdateSet(common))
              .execute();
            summary.objectives.created++;
          }
        }
        const gone = before.filter((o) => !listed.has(o.key)).map((o) => o.id);
        if (gone.length) {
          await trx.updateTable('objectives').set({ active: 0, updated_at: at }).where('id', 'in', gone).execute();
          summary.objectives.deactivated = gone.length;
        }
        const ids = new Map(
          (await trx.selectFrom('objectives').select(['id', 'key']).where('context_id', '=', ctx).execute()).map((o) => [o.key, o.id]),
        );
        const idOf = (k: string): string => {
          const id = ids.get(k);
          if (!id) throw new Error(`objective ${k} vanished during import`);
          return id;
        };

        const allIds = [...ids.values()];
        for (const part of chunks(allIds)) await trx.deleteFrom('objective_prerequisites').where('objective_id', 'in', part).execute();
        const edges = plan.objectives.flatMap((o) => o.prerequisiteKeys.map((p) => ({ objective_id: idOf(o.key), prerequisite_id: idOf(p) })));
        for (const part of chunks(edges)) await trx.insertInto('objective_prerequisites').values(part).execute();

        // Items: upsert by key; unlisted items are deactivated (responses keep pointing at them).
        const oldItems = new Map(
          (await trx.selectFrom('items').select(['id', 'key']).where('context_id', '=', ctx).execute()).map((r) => [r.key, r.id]),
        );
        const positionIn = new Map<string, number>();
        const itemRows = plan.items.map((it) => {
          const position = positionIn.get(it.objectiveKey) ?? 0;
          positionIn.set(it.objectiveKey, position + 1);
          const id = oldItems.get(it.key) ?? randomUUID();
          if (oldItems.has(it.key)) summary.items.updated++;
          else summary.items.created++;
          return {
            id,
            context_id: ctx,
            objective_id: idOf(it.objectiveKey),
            key: it.key,
            kind: it.kind,
            prompt: it.prompt,
            payload: JSON.stringify(it.payload),
            position,
            active: 1,
            updated_at: at,
            difficulty: it.difficulty,
          };
        });
        for (const part of chunks(itemRows)) {
          await trx
            .insertInto('items')
            .values(part.map(({ difficulty: _d, ...r }) => r))
            .onConflict((oc) =>
              oc.columns(['context_id', 'key']).doUpdateSet((eb) => ({
                objective_id: eb.ref('excluded.objective_id'),
                kind: eb.ref('excluded.kind'),
                prompt: eb.ref('excluded.prompt'),
                payload: eb.ref('excluded.payload'),
                position: eb.ref('excluded.position'),
                active: 1,
                updated_at: at,
              })),
            )
            .execute();
          await trx
            .insertInto('item_stats')
            .values(part.map((r) => ({ item_id: r.id, difficulty: r.difficulty, initial_difficulty: r.difficulty, updated_at: at })))
            .onConflict((oc) => oc.column('item_id').doNothing())
            .execute();
        }
        const listedItems = new Set(plan.items.map((i) => i.key));
        const goneItems = [...oldItems].filter(([k]) => !listedItems.has(k)).map(([, id]) => id);
        for (const part of chunks(goneItems)) await trx.updateTable('items').set({ active: 0, updated_at: at }).where('id', 'in', part).execute();
        summary.items.deactivated = goneItems.length;

        // Content: nothing references it, so unlisted pages are removed.
        const oldContent = new Map(
          (await trx.selectFrom('content').select(['id', 'key']).where('context_id', '=', ctx).execute()).map((r) => [r.key, r.id]),
        );
        const contentPos = new Map<string, number>();
        const contentRows = plan.content.map((c) => {
          const k = `${c.objectiveKey}/${c.kind}`;
          const position = contentPos.get(k) ?? 0;
          contentPos.set(k, position + 1);
          if (oldContent.has(c.key)) summary.content.updated++;
          else summary.content.created++;
          return {
            id: oldContent.get(c.key) ?? randomUUID(),
            context_id: ctx,
            objective_id: idOf(c.objectiveKey),
            key: c.key,
            kind: c.kind,
            title: c.title,
            body: c.body,
            position,
            updated_at: at,
          };
        });
        for (const part of chunks(contentRows)) {
          await trx
            .insertInto('content')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['context_id', 'key']).doUpdateSet((eb) => ({
                objective_id: eb.ref('excluded.objective_id'),
                kind: eb.ref('excluded.kind'),
                title: eb.ref('excluded.title'),
                body: eb.ref('excluded.body'),
                position: eb.ref('excluded.position'),
                updated_at: at,
              })),
            )
            .execute();
        }
        const listedContent = new Set(plan.content.map((c) => c.key));
        const goneContent = [...oldContent].filter(([k]) => !listedContent.has(k)).map(([, id]) => id);
        for (const part of chunks(goneContent)) await trx.deleteFrom('content').where('id', 'in', part).execute();
        summary.content.removed = goneContent.length;

        // Content-change events, in the same transaction as the change (ADR 0016).
        const logRows = (plan.log ?? []).map((e) => ({
          attempt_id: e.attemptId,
          context_id: ctx,
          user_id: e.userId,
          objective_id: e.objectiveId,
          type: e.type,
          item_id: e.itemId,
          correct: e.correct === null ? null : e.correct ? 1 : 0,
          answer: null,
          phase: null,
          data: JSON.stringify(e.data),
          occurred_at: at,
        }));
        for (const part of chunks(logRows)) await trx.insertInto('responses').values(part).onConflict((oc) => oc.column('attempt_id').doNothing()).execute();
        return summary;
      }),

    hasObjectives: async (contextId) => Boolean((await db.selectNoFrom(courseHasContentSql(contextId).as('has')).executeTakeFirst())?.has),

    snapshot: async (contextId): Promise<CourseSnapshot | undefined> => {
      // The versions are read BEFORE what they version: a fit or import committing between these statements
      // then leaves an old version on newer content, which the submission's check under the learner's lock
      // sees as stale and reloads — never new versions on old parameters, which it would trust.
      const version = await versionOf(contextId);
      if (!version) return undefined;
      const course = await db.selectFrom('engine_courses').selectAll().where('context_id', '=', contextId).executeTakeFirst();
      if (!course) return undefined;
      const rows = await db
        .selectFrom('objectives')
        .selectAll()
        .where('context_id', '=', contextId)
        .where('active', '=', 1)
        .orderBy('position')
        .orderBy('key')
        .execute();
      const edges = await db
        .selectFrom('objective_prerequisites as p')
        .innerJoin('objectives as o', 'o.id', 'p.objective_id')
        .innerJoin('objectives as q', 'q.id', 'p.prerequisite_id')
        .select(['p.objective_id', 'p.prerequisite_id', 'q.position'])
        .where('o.context_id', '=', contextId)
        .where('q.active', '=', 1)
        .orderBy('q.position')
        .execute();
      const prereqs = new Map<string, string[]>();
      for (const e of edges) prereqs.set(e.objective_id, [...(prereqs.get(e.objective_id) ?? []), e.prerequisite_id]);
      return {
        settings: {
          contextId,
          title: course.title,
          description: course.description,
          masteryThreshold: course.mastery_threshold,
          aggregation: { method: course.aggregation_method as CalculationMethod, weight: course.aggregation_weight, n: course.aggregation_n },
          checkTimeLimitMinutes: course.check_time_limit_minutes ?? null,
        },
        objectives: rows.map((r) => toObjective(r, prereqs.get(r.id) ?? [])),
        courseVersion: version.courseVersion,
        contentVersion: version.contentVersion,
        learnerModel: course.learner_model === null ? null : (JSON.parse(course.learner_model) as CourseModelJson),
      };
    },

    listItems: async (contextId, objectiveIds) => {
      if (objectiveIds && objectiveIds.length === 0) return [];
      let q = db.selectFrom('items').selectAll().where('context_id', '=', contextId).where('active', '=', 1);
      if (objectiveIds) q = q.where('objective_id', 'in', [...objectiveIds]);
      return (await q.orderBy('objective_id').orderBy('position').execute()).map(toStoredItem);
    },

    getItem: async (contextId, itemId) => {
      const row = await db.selectFrom('items').selectAll().where('id', '=', itemId).where('context_id', '=', contextId).executeTakeFirst();
      return row ? toStoredItem(row) : undefined;
    },

    listCourseContent: async (contextId) =>
      (await db.selectFrom('content').selectAll().where('context_id', '=', contextId).orderBy('objective_id').orderBy('kind').orderBy('position').execute()).map(toContent),

    listContent: async (objectiveId, kind) => {
      let q = db.selectFrom('content').selectAll().where('objective_id', '=', objectiveId);
      if (kind) q = q.where('kind', '=', kind);
      return (await q.orderBy('kind').orderBy('position').execute()).map(toContent);
    },

    listRetiredItems: async (contextId) =>
      (await db.selectFrom('items').select(['id', 'objective_id']).where('context_id', '=', contextId).where('active', '=', 0).orderBy('id').execute()).map((r) => ({
        id: r.id,
        objectiveId: r.objective_id,
      })),

    answerCorrections: async (contextId) => {
      const rows = await db
        .selectFrom('responses')
        .select(['data', 'correct'])
        .where('context_id', '=', contextId)
        .where('type', '=', 'response_regraded')
        .orderBy('id')
        .execute();
      const out = new Map<string, boolean>();
      for (const r of rows) {
        const of = (JSON.parse(r.data ?? '{}') as { of?: unknown }).of;
        if (typeof of === 'string') out.set(of, r.correct === 1);
      }
      return out;
    },

    getContent: async (contextId, contentId) => {
      const row = await db.selectFrom('content').selectAll().where('id', '=', contentId).where('context_id', '=', contextId).executeTakeFirst();
      return row ? toContent(row) : undefined;
    },

    initialDifficulties: async (contextId) =>
      new Map(
        (
          await db
            .selectFrom('item_stats as s')
            .innerJoin('items as i', 'i.id', 's.item_id')
            .select(['s.item_id', 's.initial_difficulty'])
            .where('i.context_id', '=', contextId)
            .execute()
        ).map((r) => [r.item_id, Number(r.initial_difficulty)]),
      ),
  };
};
