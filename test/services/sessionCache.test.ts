import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedSessions } from '../../src/services/getSession.js';
import type { LaunchRepo } from '../../src/services/ports.js';
import { launchRepo } from '../../src/store/launchRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aLaunchSession, aPlatform } from '../factories.js';

describe('launch sessions read by pages', () => {
  let db: TestDb;
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  let reads = 0;
  let launches: LaunchRepo;
  beforeAll(async () => {
    db = await openTestDb();
    const repo = launchRepo(db.kysely, db.dialect);
    // The real repository, counting its session reads.
    launches = { ...repo, findSession: (id, at) => (reads++, repo.findSession(id, at)) };
  });
  afterAll(async () => db.close());

  it('reads a session once for a student\'s pages, as stored', async () => {
    const p = await aPlatform(db.kysely);
    const id = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 3600_000 });
    const sessions = cachedSessions({ launches, clock });
    reads = 0;
    const first = await sessions.get(id);
    now += 5_000;
    const again = await sessions.get(id);
    expect(reads).toBe(1);
    // The read says the course has no content yet; the kept copy does not (content may come at any moment).
    const { courseHasContent, ...stored } = (await launchRepo(db.kysely, db.dialect).findSession(id, now)) ?? {};
    expect(courseHasContent).toBe(false);
    expect(again).toEqual(stored);
    expect(first?.id).toBe(id);
    expect(first?.courseHasContent).toBe(false);
  });

  it('serves a kept session without its lookup to a caller that checks it with its own statements', async () => {
    const p = await aPlatform(db.kysely);
    const id = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 3600_000 });
    let lookups = 0;
    const sessions = cachedSessions({ launches: { ...launches, sessionState: (i, u) => (lookups++, launches.sessionState(i, u)) }, clock });
    const { courseHasContent: _fresh, ...first } = (await sessions.get(id)) ?? {};
    expect(await sessions.get(id, { checkedByCaller: true })).toEqual(first);
    expect(lookups).toBe(0);
    await sessions.get(id);
    expect(lookups).toBe(1);
  });

  it('refuses a kept session once it expired, and reads a kept one again after a minute', async () => {
    const p = await aPlatform(db.kysely);
    const id = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 90_000 });
    const sessions = cachedSessions({ launches, clock });
    expect(await sessions.get(id)).toBeDefined();
    reads = 0;
    now += 61_000;
    expect(await sessions.get(id)).toBeDefined();
    expect(reads).toBe(1);
    now += 30_000;
    expect(await sessions.get(id)).toBeUndefined();
  });

  it('forgets kept sessions when told (a platform was removed)', async () => {
    const p = await aPlatform(db.kysely);
    const id = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 3600_000 });
    const sessions = cachedSessions({ launches, clock });
    await sessions.get(id);
    await db.kysely.deleteFrom('launch_sessions').where('id', '=', id).execute();
    sessions.clear();
    expect(await sessions.get(id)).toBeUndefined();
  });

  it('drops a kept session another process deleted, and says so when its person was erased', async () => {
    const p = await aPlatform(db.kysely);
    const ended = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 3600_000 });
    const erased = await aLaunchSession(db, p.id, { at: now, expiresAt: now + 3600_000 });
    const sessions = cachedSessions({ launches, clock });
    await sessions.get(ended);
    const person = (await sessions.get(erased))!.userId;
    // Another process (the database only): one session deleted, the other with its person.
    await db.kysely.deleteFrom('launch_sessions').where('id', 'in', [ended, erased]).execute();
    await db.kysely.deleteFrom('enrollments').where('user_id', '=', person).execute();
    await db.kysely.deleteFrom('users').where('id', '=', person).execute();
    expect(await sessions.get(ended)).toBeUndefined();
    await expect(sessions.get(erased)).rejects.toMatchObject({ code: 'ERR_SESSION_REQUIRED', said: { key: 'outage.sessionErased' } });
    await expect(sessions.get(erased)).rejects.toMatchObject({ said: { key: 'outage.sessionErased' } });
  });
});
