import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredJob } from '../../src/jobs/purgeExpired.job.js';
import { startSchedules, type ScheduleServices } from '../../src/jobs/schedules.js';
import { CONSUMED_STATE_KEEP_MS, OPEN_STATE_GRACE_MS, purgeExpired, type PurgeExpiredDeps } from '../../src/services/purgeExpired.js';
import type { LaunchRepo, LoginStateRepo } from '../../src/services/ports.js';
import { launchRepo } from '../../src/store/launchRepo.js';
import { loginStateRepo } from '../../src/store/loginStateRepo.js';
import { aLaunchSession, aLoginState, aPlatform } from '../factories.js';
import { onPostgres, openTestDb, type TestDb } from '../support/db.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

describe(`purging expired login states and sessions (${onPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let db: TestDb;
  let deps: PurgeExpiredDeps & { loginStates: LoginStateRepo; launches: LaunchRepo };
  beforeAll(async () => {
    db = await openTestDb();
    deps = { loginStates: loginStateRepo(db.kysely), launches: launchRepo(db.kysely, db.dialect) };
  });
  afterAll(async () => db?.close());

  const states = async () => (await db.kysely.selectFrom('login_states').select('state').execute()).map((r) => r.state).sort();
  const sessions = async () => (await db.kysely.selectFrom('launch_sessions').select('id').execute()).map((r) => r.id).sort();

  it('deletes unconsumed login states minutes after expiry, consumed ones after the replay window, sessions past expiry, and nothing else', async () => {
    const p = await aPlatform(db.kysely);
    const now = T0 + 2 * CONSUMED_STATE_KEEP_MS;
    const exp = (msBeforeNow: number) => ({ createdAt: now - msBeforeNow - 10 * MIN, expiresAt: now - msBeforeNow });
    const consumed = async (msBeforeNow: number) => {
      const s = await aLoginState(db.kysely, p.id, exp(msBeforeNow));
      expect(await deps.loginStates.consume(s.state, now - msBeforeNow - 9 * MIN)).toBeDefined();
      return s;
    };
    await aLoginState(db.kysely, p.id, exp(OPEN_STATE_GRACE_MS + MIN)); // abandoned (or flooded) login: gone within minutes
    await consumed(CONSUMED_STATE_KEEP_MS + MIN);
    const inGraceConsumed = await consumed(CONSUMED_STATE_KEEP_MS - MIN); // a replay still meets it
    const justExpired = await aLoginState(db.kysely, p.id, exp(OPEN_STATE_GRACE_MS - MIN));
    const live = await aLoginState(db.kysely, p.id, { createdAt: now - MIN, expiresAt: now + 9 * MIN });
    await aLaunchSession(db, p.id, { at: now - 2 * 3600_000, expiresAt: now - 3600_000 });
    await aLaunchSession(db, p.id, { at: now - 3600_000, expiresAt: now });
    const liveSession = await aLaunchSession(db, p.id, { at: now - MIN, expiresAt: now + 59 * MIN });

    expect(await purgeExpired(deps, { now })).toEqual({ loginStates: 2, sessions: 2 });
    expect(await states()).toEqual([inGraceConsumed.state, justExpired.state, live.state].sort());
    expect(await sessions()).toEqual([liveSession].sort());
    expect(await deps.launches.findSession(liveSession, now)).toBeDefined();

    // Idempotent: a second run finds nothing.
    expect(await purgeExpired(deps, { now })).toEqual({ loginStates: 0, sessions: 0 });
  });

  it('runs as a job through its service, and on a schedule that stops cleanly', async () => {
    const p = await aPlatform(db.kysely);
    const stale = await aLoginState(db.kysely, p.id, { createdAt: T0, expiresAt: T0 + 10 * MIN });
    const calls: (number | undefined)[] = [];
    const services = {
      purgeExpired: (now?: number) => {
        calls.push(now);
        return purgeExpired(deps, { now: now ?? T0 + 10 * MIN + OPEN_STATE_GRACE_MS + 1 });
      },
    };
    expect(purgeExpiredJob.key({})).toBe('purge-expired');
    const report = await purgeExpiredJob.run(services, {});
    expect(report).toMatchObject({ loginStates: 1 });
    expect(await deps.loginStates.find(stale.state)).toBeUndefined();
    expect(() => purgeExpiredJob.run(services, { now: -1 })).toThrow(); // payload validated before perform
    expect(calls).toEqual([undefined]);

    const reports: unknown[] = [];
    const counted = { purgeExpired: async (now?: number) => (reports.push(now), services.purgeExpired(now)) };
    const schedule = startSchedules(counted as ScheduleServices, { every: { purge: 20, outbox: 0, roster: 0, lmsEvidence: 0, bktFitting: 0, retention: 0 } });
    await new Promise((r) => setTimeout(r, 120));
    await schedule.stop();
    const seen = reports.length;
    expect(seen).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(reports.length).toBe(seen);
  });
});
