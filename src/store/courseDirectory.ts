import type { Kysely } from 'kysely';
import type { CourseDirectory, KnownCourse } from '../services/courseSetupPorts.js';
import type { Database } from './schema.js';

type ContextRow = { id: string; context_id: string; title: string | null; label: string | null };

/** Courses Masterly has seen launches from, with their amount of active content (src/services/courseSetup.ts). */
export const courseDirectory = (db: Kysely<Database>): CourseDirectory => {
  const withCounts = async <R extends ContextRow>(rows: R[]): Promise<Array<R & { objectives: number; items: number }>> => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [objectives, items] = await Promise.all(
      (['objectives', 'items'] as const).map((table) =>
        db
          .selectFrom(table)
          .select(['context_id', (eb) => eb.fn.countAll().as('n')])
          .where('context_id', 'in', ids)
          .where('active', '=', 1)
          .groupBy('context_id')
          .execute(),
      ),
    );
    const count = (list: typeof objectives, id: string) => Number(list?.find((r) => r.context_id === id)?.n ?? 0);
    return rows.map((r) => ({ ...r, objectives: count(objectives, r.id), items: count(items, r.id) }));
  };
  const known = (r: ContextRow & { objectives: number; items: number }): KnownCourse => ({
    contextId: r.id,
    ltiContextId: r.context_id,
    title: r.title,
    label: r.label,
    objectives: r.objectives,
    items: r.items,
  });
  return {
    coursesOf: async (platformId, userId) => {
      const rows = await db
        .selectFrom('enrollments as e')
        .innerJoin('contexts as c', 'c.id', 'e.context_id')
        .select(['c.id', 'c.context_id', 'c.title', 'c.label', 'e.roles', 'e.last_launch_at'])
        .where('e.user_id', '=', userId)
        .where('c.platform_id', '=', platformId)
        .orderBy('e.last_launch_at', 'desc')
        .limit(200)
        .execute();
      return (await withCounts(rows)).map((r) => ({ ...known(r), roles: JSON.parse(r.roles) as string[], lastLaunchAt: Number(r.last_launch_at) }));
    },
    byLtiIds: async (platformId, ltiContextIds) => {
      if (ltiContextIds.length === 0) return [];
      const rows = await db
        .selectFrom('contexts')
        .select(['id', 'context_id', 'title', 'label'])
        .where('platform_id', '=', platformId)
        .where('context_id', 'in', [...ltiContextIds])
        .execute();
      return (await withCounts(rows)).map(known);
    },
  };
};
