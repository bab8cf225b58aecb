/**
 * Fault rounds: the LMS failing (503), rate-limiting (429 / Canvas 403 with Retry-After), dropping
 * connections and expiring tokens; the worker process killed with SIGKILL mid-drain; the database pool
 * closed mid-drain. Afterwards the emulator's gradebook must equal the expected grades: none lost,
 * none out of order. No timed assertions: loops wait for the outbox to empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/devplatform/index.js';
import { openDb } from '../../src/store/db.js';
import { buildAdvantage } from '../../src/advantage.js';
import { startOutboxSchedule } from '../../src/jobs/schedules.js';
import { onPostgres } from '../support/db.js';
import { FAST_RETRY, expectOrderedHistory, gradebook, masteryChange, startPassbackRig, type PassbackRig } from './passbackSupport.js';

const OBJECTIVES = ['obj-1', 'obj-2', 'obj-3', 'obj-4'];
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Each student gets a rising sequence per objective; the last event decides the grade (P(mastery) policy). */
async function playScript(rig: PassbackRig, rounds: number): Promise<Record<string, number>> {
  await rig.adv.lineItems.savePolicy(
    { contextId: rig.contextId, policy: 'p_mastery', calculation: null, perObjective: true, perActivity: false, activityGrade: 'objective_grade', scoreMaximum: 10 },
    Date.now(),
  );
  const expected: Record<string, number> = {};
  let t = Date.UTC(2026, 1, 1);
  for (let r = 0; r < rounds; r++) {
    for (const sub of rig.students) {
      for (const obj of OBJECTIVES) {
        const p = Math.round((0.3 + (0.6 * (r + 1)) / rounds) * 1000) / 1000;
        await masteryChange(rig, sub, obj, p, p > 0.85 ? 'mastered' : 'practising', (t += 10));
        expected[`masterly:objective:${obj}|${sub}`] = Math.round(p * 10 * 10_000) / 10_000;
      }
    }
  }
  return expected;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('passback fault rounds', () => {
  let rig: PassbackRig | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await rig?.close();
    rig = undefined;
  });

  it.each<[Mode, string]>([
    ['generic', '503 for a while'],
    ['moodle', '503 for a while'],
    ['generic', '429 with Retry-After'],
    ['canvas', '403 Rate Limit Exceeded with Retry-After'],
    ['canvas', 'dropped connections and expired tokens'],
  ])('%s LMS: %s — every grade arrives, in order', async (mode, fault) => {
    rig = await startPassbackRig(mode, { students: 3 });
    const expected = await playScript(rig, 3);
    if (fault.startsWith('503')) rig.lms.faults.set({ status: 503, count: 25 });
    else if (fault.includes('Retry-After')) rig.lms.faults.set({ rateLimit: { count: 6, retryAfterSeconds: 1 } });
    else rig.lms.faults.set({ dropConnections: 4, expireTokens: true });
    const report = await rig.adv.drainUntilIdle();
    expect(report.retried).toBeGreaterThan(0);
    expect(report.failed).toBe(0);
    expect(await gradebook(rig)).toEqual(expected);
    await expectOrderedHistory(rig);
  });

  it('survives the worker process being killed with SIGKILL mid-drain', async () => {
    const file = path.join(os.tmpdir(), `masterly-kill-${randomBytes(4).toString('hex')}.db`);
    rig = await startPassbackRig('generic', { students: 4, env: onPostgres() ? {} : { DATABASE_URL: `sqlite:${file}` } });
    const schema = onPostgres() ? (await sql<{ s: string }>`select current_schema() as s`.execute(rig.tool.db.kysely)).rows[0]!.s : undefined;
    const expected = await playScript(rig, 4);
    rig.lms.faults.set({ delayMs: 40 });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        BASE_URL: rig.tool.config.BASE_URL,
        DATABASE_URL: rig.tool.config.DATABASE_URL,
        ...(schema ? { PG_SCHEMA: schema } : {}),
        KEY_ENCRYPTION_KEY: rig.tool.config.KEY_ENCRYPTION_KEY as string,
        COOKIE_SECRET: rig.tool.config.COOKIE_SECRET as string,
        ADMIN_TOKEN: rig.tool.config.ADMIN_TOKEN as string,
        DATA_DIR: rig.tool.config.DATA_DIR,
        LOG_LEVEL: 'silent',
        OUTBOX_LEASE_MS: '1500',
        OUTBOX_RETRY_BASE_MS: '20',
        OUTBOX_BATCH: '8',
        OUTBOX_CONCURRENCY: '4',
        OUTBOX_IDLE_MS: '50',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the child has delivered some scores, then kill it without warning.
    while ((await rig.lms.devplatform.scoreHistory()).length < 5) {
      if (child.exitCode !== null) throw new Error(`worker exited early with ${child.exitCode}: ${stderr}`);
      await sleep(20);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const delivered = (await rig.lms.devplatform.scoreHistory()).length;
    expect(delivered).toBeLessThan(Object.keys(expected).length);
    rig.lms.faults.clear();
    // Restart: a fresh worker takes over once the dead worker's leases expire.
    await rig.adv.drainUntilIdle();
    expect(await gradebook(rig)).toEqual(expected);
    await expectOrderedHistory(rig);
    // A crash between sending and marking may only repeat the same score with the same timestamp.
    const seen = new Map<string, string>();
    for (const s of await rig.lms.devplatform.scoreHistory()) {
      const key = `${s.lineItemId}|${s.userId}|${s.timestamp}`;
      const body = `${s.scoreGiven}`;
      if (seen.has(key)) expect(seen.get(key)).toBe(body);
      seen.set(key, body);
    }
    if (!onPostgres()) fs.rmSync(file, { force: true });
  });

  it('survives the database pool being closed mid-drain and reopened', async () => {
    const file = path.join(os.tmpdir(), `masterly-db-${randomBytes(4).toString('hex')}.db`);
    rig = await startPassbackRig('generic', { students: 4, env: onPostgres() ? {} : { DATABASE_URL: `sqlite:${file}` } });
    const schema = onPostgres() ? (await sql<{ s: string }>`select current_schema() as s`.execute(rig.tool.db.kysely)).rows[0]!.s : undefined;
    const expected = await playScript(rig, 3);
    rig.lms.faults.set({ delayMs: 30 });
    const open = () => openDb({ url: rig!.tool.config.DATABASE_URL, ...(schema ? { pgSchema: schema } : {}) });
    const first = await open();
    const advA = buildAdvantage({ db: first, signer: rig.tool.keys, retry: FAST_RETRY, leaseMs: 1500, batch: 8, concurrency: 4 });
    const errors: unknown[] = [];
    const workerA = startOutboxSchedule({ drainOutbox: (p) => advA.drainOnce(p) }, { idleMs: 50, batch: 8 });
    while ((await rig.lms.devplatform.scoreHistory()).length < 5) await sleep(20);
    await first.close(); // the database "goes away" under the running worker
    await sleep(200);
    await workerA.stop().catch((err: unknown) => errors.push(err));
    rig.lms.faults.clear();
    const second = await open(); // ... and comes back
    const advB = buildAdvantage({ db: second, signer: rig.tool.keys, retry: FAST_RETRY, leaseMs: 1500 });
    await advB.drainUntilIdle();
    await second.close();
    expect(await gradebook(rig)).toEqual(expected);
    await expectOrderedHistory(rig);
    if (!onPostgres()) fs.rmSync(file, { force: true });
  });
});
