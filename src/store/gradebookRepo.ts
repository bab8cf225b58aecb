import type { Kysely, Selectable } from 'kysely';
import { ACTIVITY_GRADES, defaultPolicy } from '../domain/gradePolicy.js';
import type { GradeActivity, GradeLineItemRepo, GradePolicy, ManagedLineItem, Placement, ServiceContext, ServiceContextRepo, Vendor } from '../services/servicePorts.js';
import { gradeTx } from './outboxRepo.js';
import type { Database } from './schema.js';

/** A context's grade policy, or the default when the instructor never chose one. */
export async function readPolicy(db: Kysely<Database>, contextId: string): Promise<GradePolicy> {
  const [r, c] = await Promise.all([
    db.selectFrom('grade_policies').selectAll().where('context_id', '=', contextId).executeTakeFirst(),
    db.selectFrom('contexts').select('language').where('id', '=', contextId).executeTakeFirst(),
  ]);
  return toPolicy(contextId, r, c?.language ?? null);
}

/** A grade_policies row (undefined: none chosen, the default) and the course's language as a GradePolicy. */
export function toPolicy(contextId: string, r: Omit<Selectable<Database['grade_policies']>, 'context_id'> | undefined, lang: string | null): GradePolicy {
  const language = lang ? { language: lang } : {};
  if (!r) return { ...defaultPolicy(contextId), ...language };
  return {
    ...language,
    contextId,
    policy: r.policy as GradePolicy['policy'],
    calculation: r.calculation_json ? (JSON.parse(r.calculation_json) as GradePolicy['calculation']) : null,
    perObjective: r.per_objective === 1,
    perActivity: r.per_activity === 1,
    activityGrade: (ACTIVITY_GRADES as readonly string[]).includes(r.activity_grade) ? (r.activity_grade as GradePolicy['activityGrade']) : 'objective_grade',
    scoreMaximum: Number(r.score_maximum),
    finalisedAt: r.finalised_at === null ? null : Number(r.finalised_at),
  };
}

const toItem = (r: Database['grade_line_items']): ManagedLineItem => ({
  contextId: r.context_id,
  itemKey: r.item_key,
  label: r.label,
  scoreMaximum: Number(r.score_maximum),
  resourceId: r.resource_id,
  tag: r.tag,
  url: r.line_item_url,
});

/** Our line items, activities and grade policy per context. */
export function gradebookRepo(db: Kysely<Database>): GradeLineItemRepo {
  return {
    get: async (contextId, itemKey) => {
      const r = await db
        .selectFrom('grade_line_items')
        .selectAll()
        .where('context_id', '=', contextId)
        .where('item_key', '=', itemKey)
        .executeTakeFirst();
      return r ? toItem(r) : undefined;
    },
    definition: async (contextId, itemKey, scoreMaximum) => {
      const [kind, id = ''] = itemKey.split(/:(.*)/s) as [string, string | undefined];
      let label = itemKey;
      if (kind === 'objective') {
        const o = await db.selectFrom('objectives').select('title').where('id', '=', id).executeTakeFirst();
        label = o?.title ?? `Objective ${id}`;
      } else if (kind === 'activity') {
        const a = await db
          .selectFrom('grade_activities')
          .select(['title', 'placed'])
          .where('context_id', '=', contextId)
          .where('activity_id', '=', id)
          .executeTakeFirst();
        label = a?.title ?? `Activity ${id}`;
        if (a?.placed === 1) return { contextId, itemKey, label, scoreMaximum, resourceId: `masterly:${itemKey}`, tag: `masterly-${kind}`, placed: true };
      }
      return { contextId, itemKey, label, scoreMaximum, resourceId: `masterly:${itemKey}`, tag: `masterly-${kind}` };
    },
    claimCreation: async (def, now, until) => {
      const inserted = await db
        .insertInto('grade_line_items')
        .values({
          context_id: def.contextId,
          item_key: def.itemKey,
          label: def.label,
          score_maximum: def.scoreMaximum,
          resource_id: def.resourceId,
          tag: def.tag,
          line_item_url: null,
          claimed_until: until,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['context_id', 'item_key']).doNothing())
        .returning('item_key')
        .executeTakeFirst();
      if (inserted) return true;
      const res = await db
        .updateTable('grade_line_items')
        .set({ claimed_until: until, label: def.label, score_maximum: def.scoreMaximum, updated_at: now })
        .where('context_id', '=', def.contextId)
        .where('item_key', '=', def.itemKey)
        .where('line_item_url', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    setUrl: async (contextId, itemKey, url, now) => {
      await db
        .updateTable('grade_line_items')
        .set({ line_item_url: url, claimed_until: null, updated_at: now })
        .where('context_id', '=', contextId)
        .where('item_key', '=', itemKey)
        .execute();
    },
    forget: async (contextId, itemKey, now) => {
      await db
        .updateTable('grade_line_items')
        .set({ line_item_url: null, claimed_until: null, updated_at: now })
        .where('context_id', '=', contextId)
        .where('item_key', '=', itemKey)
        .execute();
    },
    saveActivity: async (contextId, a: GradeActivity, now) => {
      const placed = a.placed ? 1 : 0;
      await db
        .insertInto('grade_activities')
        .values({ context_id: contextId, activity_id: a.activityId, title: a.title, objective_ids_json: JSON.stringify(a.objectiveIds), created_at: now, placed, resource_link_id: null, line_item_url: null })
        .onConflict((oc) => oc.columns(['context_id', 'activity_id']).doUpdateSet({ title: a.title, objective_ids_json: JSON.stringify(a.objectiveIds), placed }))
        .execute();
    },
    activity: async (contextId, activityId) => {
      const r = await db.selectFrom('grade_activities').selectAll().where('context_id', '=', contextId).where('activity_id', '=', activityId).executeTakeFirst();
      return r ? { activityId: r.activity_id, title: r.title, objectiveIds: JSON.parse(r.objective_ids_json) as string[], placed: r.placed === 1 } : undefined;
    },
    place: async (contextId, p: Placement, now) => {
      const before = await db
        .selectFrom('grade_activities')
        .select(['line_item_url', 'objective_ids_json'])
        .where('context_id', '=', contextId)
        .where('activity_id', '=', p.activityId)
        .executeTakeFirst();
      const objectiveIdsJson = JSON.stringify(p.objectiveIds);
      const lineItemUrl = p.lineItemUrl ?? before?.line_item_url ?? null;
      if (before && before.line_item_url === lineItemUrl && before.objective_ids_json === objectiveIdsJson) return false;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('grade_activities')
          .values({ context_id: contextId, activity_id: p.activityId, title: p.title, objective_ids_json: objectiveIdsJson, created_at: now, placed: 1, resource_link_id: p.resourceLinkId, line_item_url: lineItemUrl })
          .onConflict((oc) =>
            oc.columns(['context_id', 'activity_id']).doUpdateSet({ objective_ids_json: objectiveIdsJson, placed: 1, resource_link_id: p.resourceLinkId, line_item_url: lineItemUrl }),
          )
          .execute();
        if (!lineItemUrl) return;
        const key = `activity:${p.activityId}`;
        await trx
          .insertInto('grade_line_items')
          .values({ context_id: contextId, item_key: key, label: p.title, score_maximum: 0, resource_id: `masterly:${key}`, tag: 'masterly-activity', line_item_url: lineItemUrl, claimed_until: null, updated_at: now })
          .onConflict((oc) => oc.columns(['context_id', 'item_key']).doUpdateSet({ line_item_url: lineItemUrl, claimed_until: null, updated_at: now }))
          .execute();
      });
      return !before || before.line_item_url !== lineItemUrl || before.objective_ids_json !== objectiveIdsJson;
    },
    listActivities: async (contextId) =>
      (await db.selectFrom('grade_activities').selectAll().where('context_id', '=', contextId).orderBy('created_at').execute()).map((r) => ({
        activityId: r.activity_id,
        title: r.title,
        objectiveIds: JSON.parse(r.objective_ids_json) as string[],
        placed: r.placed === 1,
      })),
    savePolicy: async (p, now) => {
      const row = {
        policy: p.policy,
        calculation_json: p.calculation ? JSON.stringify(p.calculation) : null,
        per_objective: p.perObjective ? 1 : 0,
        per_activity: p.perActivity ? 1 : 0,
        activity_grade: p.activityGrade,
        score_maximum: p.scoreMaximum,
        finalised_at: p.finalisedAt ?? null,
        updated_at: now,
      };
      await db
        .insertInto('grade_policies')
        .values({ context_id: p.contextId, ...row })
        .onConflict((oc) => oc.column('context_id').doUpdateSet(row))
        .execute();
      if (p.language) await db.updateTable('contexts').set({ language: p.language }).where('id', '=', p.contextId).execute();
    },
    getPolicy: (contextId) => readPolicy(db, contextId),
    standingUsers: async (contextId) => {
      const rows = await db.selectFrom('grade_objective_states').select(['user_id', 'objective_id']).where('context_id', '=', contextId).orderBy('user_id').execute();
      const byUser = new Map<string, string[]>();
      for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.objective_id]);
      return [...byUser].map(([userId, objectiveIds]) => ({ userId, objectiveIds }));
    },
    userIdOf: async (platformId, sub) =>
      (await db.selectFrom('users').select('id').where('platform_id', '=', platformId).where('sub', '=', sub).executeTakeFirst())?.id,
    withGrades: (fn) => db.transaction().execute((trx) => fn(gradeTx(trx))),
    standingsOf: async (contextId, userId) => {
      const ids = await db.selectFrom('grade_objective_states').select('objective_id').where('context_id', '=', contextId).where('user_id', '=', userId).execute();
      return gradeTx(db).standings(contextId, userId, ids.map((r) => r.objective_id));
    },
    dueStandings: async (now, limit) =>
      (
        await db
          .selectFrom('grade_objective_states as s')
          .innerJoin('objectives as o', 'o.id', 's.objective_id')
          .select(['s.context_id', 's.user_id', 's.objective_id'])
          .where('o.grade_due_at', '<=', now)
          .where('s.due_closed_at', 'is', null)
          .where('s.state', 'not in', ['locked', 'available'])
          .orderBy('s.context_id')
          .orderBy('s.user_id')
          .limit(limit)
          .execute()
      ).map((r) => ({ contextId: r.context_id, userId: r.user_id, objectiveId: r.objective_id })),
    markDueClosed: async (rows, now) => {
      for (const r of rows) {
        await db
          .updateTable('grade_objective_states')
          .set({ due_closed_at: now })
          .where('context_id', '=', r.contextId)
          .where('user_id', '=', r.userId)
          .where('objective_id', '=', r.objectiveId)
          .execute();
      }
    },
  };
}

/** Contexts with their registration and last-launch service endpoints (no live launch needed). */
export function serviceContextRepo(db: Kysely<Database>): ServiceContextRepo {
  return {
    get: async (contextId): Promise<ServiceContext | undefined> => {
      const r = await db
        .selectFrom('contexts as c')
        .innerJoin('platforms as p', 'p.id', 'c.platform_id')
        .select(['c.id', 'c.ags_json', 'c.nrps_json', 'p.id as platform_id', 'p.issuer', 'p.client_id', 'p.token_url', 'p.vendor'])
        .where('c.id', '=', contextId)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        contextId: r.id,
        target: { platformId: r.platform_id, issuer: r.issuer, clientId: r.client_id, tokenUrl: r.token_url, vendor: r.vendor as Vendor },
        ags: r.ags_json ? (JSON.parse(r.ags_json) as ServiceContext['ags']) : null,
        nrps: r.nrps_json ? (JSON.parse(r.nrps_json) as ServiceContext['nrps']) : null,
      };
    },
  };
}
