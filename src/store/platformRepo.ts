import type { Kysely } from 'kysely';
import { Conflict } from '../domain/errors.js';
import type { AgsEndpoint, CourseAcrossRegistrations, NewDeploymentPolicy, Platform, PlatformRepo, PlatformStatus, RegistrationRecord, Vendor } from '../services/ports.js';
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
      db.selectFrom('deployments').select(['platform_id', 'deployment_id', 'status', 'created_at']).orderBy('created_at').execute(),
    ]);
    return platforms.map(
      (p): Platform => ({
        status: p.status as PlatformStatus,
        registeredVia: p.registered_via === 'dynamic' ? 'dynamic' : 'admin',
        newDeployments: p.new_deployments as NewDeploymentPolicy,
        otherDeployments: deployments
          .filter((d) => d.platform_id === p.id && d.status !== 'active')
          .map((d) => ({ id: d.deployment_id, status: d.status as 'pending' | 'disabled', createdAt: Number(d.created_at) })),
        ...(p.registration_json ? { registration: JSON.parse(p.registration_json) as RegistrationRecord } : {}),
        id: p.id,
        issuer: p.issuer,
        clientId: p.client_id,
        authUrl: p.auth_url,
        tokenUrl: p.token_url,
        jwksUrl: p.jwks_url,
        name: p.name,
        vendor: p.vendor as Vendor,
        createdAt: p.created_at,
        deploymentIds: deployments.filter((d) => d.platform_id === p.id && d.status === 'active').map((d) => d.deployment_id),
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
            ...(p.status ? { status: p.status } : {}),
            ...(p.newDeployments ? { new_deployments: p.newDeployments } : {}),
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
      // An administrator adding a held or disabled deployment approves it.
      .onConflict((oc) => oc.columns(['platform_id', 'deployment_id']).doUpdateSet({ status: 'active' }))
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
  saveDynamic: async (p, newId, at) =>
    db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('platforms')
        .select(['id', 'auth_url', 'token_url', 'jwks_url', 'status'])
        .where('issuer', '=', p.issuer)
        .where('client_id', '=', p.clientId)
        .executeTakeFirst();
      const registration = JSON.stringify(p.registration);
      let id: string;
      let active = false;
      if (existing) {
        id = existing.id;
        // New endpoints need a new approval: an unauthenticated registration must never redirect an approved platform.
        const moved = existing.auth_url !== p.authUrl || existing.token_url !== p.tokenUrl || existing.jwks_url !== p.jwksUrl;
        active = existing.status === 'active' && !moved;
        await tx
          .updateTable('platforms')
          .set({
            auth_url: p.authUrl,
            token_url: p.tokenUrl,
            jwks_url: p.jwksUrl,
            registration_json: registration,
            ...(moved && existing.status === 'active' ? { status: 'pending' } : {}),
          })
          .where('id', '=', id)
          .execute();
      } else {
        id = newId;
        await tx
          .insertInto('platforms')
          .values({
            id,
            issuer: p.issuer,
            client_id: p.clientId,
            auth_url: p.authUrl,
            token_url: p.tokenUrl,
            jwks_url: p.jwksUrl,
            name: p.name,
            vendor: p.vendor,
            created_at: at,
            lms_url: null,
            status: 'pending',
            registered_via: 'dynamic',
            new_deployments: p.newDeployments,
            registration_json: registration,
          })
          .execute();
      }
      if (p.deploymentId) {
        // On a pending platform the approval covers the deployment; on an approved one it follows the platform's policy.
        const policy = existing
          ? (await tx.selectFrom('platforms').select('new_deployments').where('id', '=', id).executeTakeFirstOrThrow()).new_deployments
          : p.newDeployments;
        const status = !active || policy === 'accept' ? 'active' : 'pending';
        await tx
          .insertInto('deployments')
          .values({ platform_id: id, deployment_id: p.deploymentId, created_at: at, status })
          .onConflict((oc) => oc.columns(['platform_id', 'deployment_id']).doNothing())
          .execute();
      }
      return { id, created: !existing };
    }),
  setStatus: async (id, status) => {
    const res = await db.updateTable('platforms').set({ status }).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },
  setNewDeployments: async (id, policy) => {
    const res = await db.updateTable('platforms').set({ new_deployments: policy }).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },
  noteDeployment: async (platformId, deploymentId, status, at) => {
    await db
      .insertInto('deployments')
      .values({ platform_id: platformId, deployment_id: deploymentId, created_at: at, status })
      .onConflict((oc) => oc.columns(['platform_id', 'deployment_id']).doNothing())
      .execute();
  },
  listCourses: async (limit) => {
    const rows = await db
      .selectFrom('contexts as c')
      .innerJoin('platforms as p', 'p.id', 'c.platform_id')
      .select(['p.issuer', 'c.context_id', 'c.title', 'c.label', 'c.platform_id', 'c.updated_at'])
      .orderBy('c.updated_at', 'desc')
      .limit(limit * 4)
      .execute();
    const courses = new Map<string, CourseAcrossRegistrations>();
    for (const r of rows) {
      const key = JSON.stringify([r.issuer, r.context_id]);
      const c = courses.get(key);
      if (c) {
        if (!c.platformIds.includes(r.platform_id)) c.platformIds.push(r.platform_id);
      } else if (courses.size < limit) {
        courses.set(key, { issuer: r.issuer, contextId: r.context_id, title: r.title, label: r.label, platformIds: [r.platform_id], lastLaunchAt: Number(r.updated_at) });
      }
    }
    return [...courses.values()];
  },
  recentLaunches: async (platformId, limit) => {
    const rows = await db
      .selectFrom('launch_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('contexts as c', 'c.id', 's.context_id')
      .select(['s.deployment_id', 's.claims', 's.created_at', 'u.name', 'u.given_name', 'c.ags_json', 'c.nrps_json'])
      .where('s.platform_id', '=', platformId)
      .orderBy('s.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      deploymentId: r.deployment_id,
      messageType: String((JSON.parse(r.claims) as { messageType?: unknown }).messageType ?? ''),
      at: Number(r.created_at),
      named: Boolean(r.name || r.given_name),
      ags: r.ags_json ? (JSON.parse(r.ags_json) as AgsEndpoint) : null,
      nrps: Boolean(r.nrps_json),
    }));
  },
  setDeploymentStatus: async (platformId, deploymentId, status) => {
    const q = db.selectFrom('deployments').select('deployment_id').where('platform_id', '=', platformId).where('deployment_id', '=', deploymentId);
    if (!(await q.executeTakeFirst())) return false;
    if (status === null) await db.deleteFrom('deployments').where('platform_id', '=', platformId).where('deployment_id', '=', deploymentId).execute();
    else await db.updateTable('deployments').set({ status }).where('platform_id', '=', platformId).where('deployment_id', '=', deploymentId).execute();
    return true;
  },
});
