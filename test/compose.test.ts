/**
 * One composition root (src/compose.ts) for the web process and the worker: every background setting of the
 * README table (OUTBOX_*, *_EVERY_MS) takes effect in-process exactly as in the stand-alone worker, and the steps
 * after a launch are the injected list the launch service runs.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { backgroundSettings } from '../src/compose.js';
import { DEFAULT_EVERY } from '../src/jobs/schedules.js';
import { DEFAULT_RETRY } from '../src/services/drainOutbox.js';
import { runWorker } from '../src/worker.js';
import { aContext } from './factories.engine.js';
import { openTestDb } from './support/db.js';
import { launchAs } from './support/devplatform.js';
import { startRig, startTestTool, testConfig, type LaunchRig, type TestTool } from './support/tool.js';
import { masteryChange, startPassbackRig, type PassbackRig } from './e2e/passbackSupport.js';

const SETTINGS = {
  OUTBOX_IDLE_MS: '250',
  ROSTER_EVERY_MS: '0',
  LMS_EVIDENCE_EVERY_MS: '70000',
  FIT_EVERY_MS: '0',
  PURGE_EVERY_MS: '40',
  GRADE_DUE_EVERY_MS: '0',
  OUTBOX_RETRY_BASE_MS: '20',
  OUTBOX_RETRY_MAX_MS: '400',
  OUTBOX_LEASE_MS: '1500',
  OUTBOX_BATCH: '3',
  OUTBOX_CONCURRENCY: '2',
};

describe('background settings from the config, in-process and in the worker', () => {
  let tool: TestTool | undefined;
  let rig: PassbackRig | LaunchRig | undefined;
  afterEach(async () => {
    await tool?.close();
    await rig?.close();
    tool = rig = undefined;
  });

  it('the web process runs its schedules with the same settings as the worker', async () => {
    tool = await startTestTool({ env: SETTINGS });
    const expected = {
      every: { outbox: 250, roster: 0, lmsEvidence: 70_000, bktFitting: 0, purge: 40, retention: 0, alertDigest: 0, gradeDue: 0 },
      outbox: { retry: { baseMs: 20, maxMs: 400, maxAttempts: 12 }, leaseMs: 1500, batch: 3, concurrency: 2 },
    };
    expect(tool.background).toEqual(expected);
    expect(tool.schedules.started).toEqual(['outbox', 'lmsEvidence', 'purge']);

    const db = await openTestDb();
    const worker = await runWorker(testConfig(0, SETTINGS), pino({ level: 'silent' }), db.pgSchema ? { pgSchema: db.pgSchema } : {});
    try {
      expect(worker.composition.background).toEqual(expected);
      expect(worker.schedules.started).toEqual(['outbox', 'lmsEvidence', 'purge']);
    } finally {
      await worker.stop();
      await db.close();
    }
  });

  it("unset settings are each schedule's default; IN_PROCESS_WORKER=false and the CLIs run none", () => {
    // Retention runs only when RETENTION_DAYS is set; e-mail digests only where an SMTP server is configured.
    expect(backgroundSettings(testConfig(0), 'web')).toEqual({ every: { ...DEFAULT_EVERY, retention: 0, alertDigest: 0 }, outbox: { retry: DEFAULT_RETRY } });
    expect(backgroundSettings(testConfig(0, { RETENTION_DAYS: '365' }), 'web').every.retention).toBe(DEFAULT_EVERY.retention);
    expect(backgroundSettings(testConfig(0, { SMTP_URL: 'smtp://127.0.0.1:2525' }), 'web').every.alertDigest).toBe(DEFAULT_EVERY.alertDigest);
    expect(backgroundSettings(testConfig(0, { SMTP_URL: 'smtp://127.0.0.1:2525', DIGEST_EVERY_MS: '500' }), 'worker').every.alertDigest).toBe(500);
    expect(backgroundSettings(testConfig(0, { IN_PROCESS_WORKER: 'false', PURGE_EVERY_MS: '40' }), 'worker').every.purge).toBe(40);
    const off = { outbox: 0, roster: 0, lmsEvidence: 0, bktFitting: 0, purge: 0, retention: 0, alertDigest: 0, gradeDue: 0 };
    expect(backgroundSettings(testConfig(0, { IN_PROCESS_WORKER: 'false', PURGE_EVERY_MS: '40' }), 'web').every).toEqual(off);
    expect(backgroundSettings(testConfig(0, SETTINGS), 'cli').every).toEqual(off);
  });

  it('PURGE_EVERY_MS applies in-process: an expired login state is purged', async () => {
    tool = await startTestTool({ env: { PURGE_EVERY_MS: '40' } });
    const contextId = await aContext(tool.db.kysely);
    const { platform_id } = await tool.db.kysely.selectFrom('contexts').select('platform_id').where('id', '=', contextId).executeTakeFirstOrThrow();
    await tool.db.kysely
      .insertInto('login_states')
      .values({ state: `s-${randomBytes(6).toString('hex')}`, nonce: 'n', platform_id, browser_hash: 'h', target_link_uri: 'https://tool.example/lti/launch', created_at: 1, expires_at: 2 })
      .execute();
    for (let i = 0; i < 400 && (await tool.db.kysely.selectFrom('login_states').select('state').execute()).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await tool.db.kysely.selectFrom('login_states').select('state').execute()).toEqual([]);
  });

  it('OUTBOX_BATCH applies to the in-process grade outbox', async () => {
    const r = await startPassbackRig('generic', { students: 2, env: { OUTBOX_BATCH: '3' } });
    rig = r;
    let t = Date.UTC(2026, 0, 5);
    for (const sub of r.students) for (const obj of ['obj-a', 'obj-b', 'obj-c']) await masteryChange(r, sub, obj, 0.6, 'practising', (t += 1000));
    expect((await r.tool.advantage.outbox.counts(r.contextId)).pending).toBe(6);
    const pass = await r.tool.advantage.drainOnce();
    expect(pass.claimed).toBe(3);
  });

  it("runs the steps after a launch: an instructor's launch syncs the stale roster (no roster schedule)", async () => {
    const r = await startRig('generic', { rosterEveryMs: 0, gradeWorker: false, bktFitting: false });
    rig = r;
    const members = () => r.tool.db.kysely.selectFrom('roster_members').select('user_sub').execute();
    const learner = r.lms.users.find((u) => !u.roles.some((role) => role.includes('Instructor')))!;
    expect((await launchAs(r.lms, r.toolUrl, { userId: learner.id })).response.status).toBe(200);
    expect(await members()).toEqual([]); // a learner's launch does not sync
    const instructor = r.lms.users.find((u) => u.roles.some((role) => role.endsWith('#Instructor')))!;
    expect((await launchAs(r.lms, r.toolUrl, { userId: instructor.id })).response.status).toBe(200);
    for (let i = 0; i < 200 && (await members()).length === 0; i++) await new Promise((res) => setTimeout(res, 25));
    expect((await members()).map((m) => m.user_sub)).toContain(learner.id);
  });
});
