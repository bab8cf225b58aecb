import type { Kysely } from 'kysely';
import { Conflict } from '../domain/errors.js';
import type { Platform, PlatformRepo, Vendor } from '../services/ports.js';
import type { Database } from './schema.js';
import { msg } from '../domain/message.js';

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '23505' || (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'));
};

/** Registrations and deployments on PostgreSQL or SQLite. */
export const platformRepo = (db: Kysely<Database>): PlatformRepo => ({
  listAll: async () => {
    const [platforms, deployments] = await Promise.all([
      db.selectFrom('platforms').selectAll().orderBy('created_at').orderBy('id').execute(),
      db.selectFrom('deployments').select(['platform_id', 'deployment_id']).orderBy('created_at').execute(),
    ]);
    return platforms.map(
      (p): Platform => ({
        id: p.id,
        issuer: p.issuer,
        clientId: p.client_id,
        authUrl: p.auth_url,
        tokenUrl: p.token_url,
        jwksUrl: p.jwks_url,
        name: p.name,
        vendor: p.vendor as Vendor,
        createdAt: p.created_at,
        deploymentIds: deployments.filter((d) => d.platform_id === p.id).map((d) => d.deployment_id),
        ...(p.lms_url ? { lmsUrl: p.lms_url } : {}),
      }),
    );
  },
  create: async (p) => {
    try {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('platforms')
          .values({
            id: p.id,
            issuer: p.issuer,
            client_id: p.clientId,
            auth_url: p.authUrl,
            token_url: p.tokenUrl,
            jwks_url: p.jwksUrl,
            name: p.name,
            vendor: p.vendor,
            created_at: p.createdAt,
            lms_url: p.lmsUrl ?? null,
          })
          .execute();
        if (p.deploymentIds.length) {
          await tx
            .insertInto('deployments')
            .values(p.deploymentIds.map((d) => ({ platform_id: p.id, deployment_id: d, created_at: p.createdAt })))
            .execute();
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('A platform with this issuer and client ID is already registered.', msg('errors.platformExists'));
      throw err;
    }
  },
  addDeployment: async (platformId, deploymentId, at) => {
    await db
      .insertInto('deployments')
      .values({ platform_id: platformId, deployment_id: deploymentId, created_at: at })
      .onConflict((oc) => oc.columns(['platform_id', 'deployment_id']).doNothing())
      .execute();
  },
  remove: async (id) => {
    const res = await db.deleteFrom('platforms').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  },
  setLmsUrl: async (id, lmsUrl) => {
    const res = await db.updateTable('platforms').set({ lms_url: lmsUrl }).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },
});
