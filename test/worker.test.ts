/**
 * The stand-alone worker (src/worker.ts): its entry point starts every schedule of src/jobs/schedules.ts against
 * DATABASE_URL (SQLite file or a PostgreSQL schema), reports ready over IPC, does its work, and stops cleanly
 * (exit code 0) on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULES } from '../src/jobs/schedules.js';
import { migrate, openDb, type Db } from '../src/store/db.js';
import { aContext } from './factories.engine.js';
import { onPostgres, openTestDb, type TestDb } from './support/db.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('stand-alone worker entry', () => {
  const children: ChildProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const f of cleanup) await f();
  });

  it('starts every schedule (outbox, roster, LMS evidence, BKT fitting, purge), purges, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-worker-'));
    cleanup.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    let db: Db | TestDb;
    let env: Record<string, string>;
    if (onPostgres()) {
      const t = await openTestDb();
      db = t;
      env = { DATABASE_URL: t.url, PG_SCHEMA: t.pgSchema as string };
    } else {
      const url = `sqlite:${path.join(dataDir, 'masterly.db')}`;
      db = await openDb({ url });
      await migrate(db);
      env = { DATABASE_URL: url };
    }
    cleanup.push(() => db.close());
    // An expired login state, long past its grace period: the purge schedule deletes it.
    const contextId = await aContext(db.kysely);
    const { platform_id } = await db.kysely.selectFrom('contexts').select('platform_id').where('id', '=', contextId).executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('login_states')
      .values({ state: `s-${randomBytes(6).toString('hex')}`, nonce: `n-${randomBytes(6).toString('hex')}`, platform_id, browser_hash: 'h', target_link_uri: 'https://tool.example/lti/launch', created_at: 1, expires_at: 2 })
      .execute();

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', BASE_URL: 'http://localhost:3999', DATA_DIR: dataDir, PURGE_EVERY_MS: '50', OUTBOX_IDLE_MS: '50', RETENTION_DAYS: '3650', SMTP_URL: 'smtp://127.0.0.1:2525', ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await Promise.race([
      new Promise<{ ready: boolean; schedules: string[] }>((resolve) => child.once('message', (m) => resolve(m as { ready: boolean; schedules: string[] }))),
      exited.then((code) => {
        throw new Error(`worker exited early with ${code}: ${stderr}`);
      }),
    ]);
    expect(ready).toEqual({ ready: true, schedules: [...SCHEDULES] });

    const deadline = Date.now() + 10_000;
    while ((await db.kysely.selectFrom('login_states').select('state').execute()).length > 0) {
      if (Date.now() > deadline) throw new Error(`the worker did not purge: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, stderr).toBe(0);
  }, 30_000);
});
