import { sql, type Kysely } from 'kysely';
import type { FrameOriginRepo } from '../services/frameAncestors.js';
import type { Database } from './schema.js';

/** Learned frame origins on PostgreSQL or SQLite; the cap is enforced by the insert itself (one statement). */
export const frameOriginRepo = (db: Kysely<Database>): FrameOriginRepo => ({
  list: async () => {
    const rows = await db.selectFrom('platform_frame_origins').select(['platform_id', 'origin']).orderBy('created_at').execute();
    return rows.map((r) => ({ platformId: r.platform_id, origin: r.origin }));
  },
  add: async (platformId, origin, at, max) => {
    // INSERT … SELECT … WHERE count < max: concurrent launches of several processes cannot exceed the cap by much,
    // and never without bound. (SQLite needs the WHERE before ON CONFLICT, which it has.)
    await sql`insert into platform_frame_origins (platform_id, origin, created_at)
      select ${platformId}, ${origin}, ${at}
      where (select count(*) from platform_frame_origins where platform_id = ${platformId}) < ${max}
      on conflict (platform_id, origin) do nothing`.execute(db);
    const row = await db
      .selectFrom('platform_frame_origins')
      .select('origin')
      .where('platform_id', '=', platformId)
      .where('origin', '=', origin)
      .executeTakeFirst();
    return row !== undefined;
  },
});
