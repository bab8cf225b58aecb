/**
 * Backups restore: a running tool's database is backed up online (`npm run backup`: SQLite's backup API, or
 * pg_dump for PostgreSQL), the tool stops, a fresh database is restored from the backup (a new SQLite file; a new
 * PostgreSQL database through pg_restore), and a tool started on it with the same secrets accepts a launch from the
 * same LMS and still has the student's answers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackupCli } from '../../src/cli/backup.js';
import { start, type Running } from '../../src/main.js';
import { onPostgres } from '../support/db.js';
import { launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { freePort, testConfig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const hasPgTools = () => spawnSync('pg_restore', ['--version']).status === 0;

describe.skipIf(onPostgres() && !hasPgTools())('backup and restore', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('a tool started on the restored backup accepts a launch and keeps what was there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-backup-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const pgSchema = onPostgres() ? `t_${randomBytes(6).toString('hex')}` : undefined;
    const config = testConfig(port, onPostgres() ? { PG_SCHEMA: pgSchema! } : { DATABASE_URL: `sqlite:${path.join(dir, 'live.db')}` });
    const adminUrl = config.DATABASE_URL;
    if (pgSchema) {
      cleanup.push(async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).finally(() => c.end());
      });
    }
    let tool: Running = await start(config, pino({ level: 'silent' }));
    cleanup.push(() => tool.close().catch(() => undefined));
    const lms: TestLms = await startTestLms({ toolUrl: config.BASE_URL });
    cleanup.push(() => lms.close());
    await tool.services.registerPlatform(lms.registration());
    const student = lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    const first = await launchAs(lms, config.BASE_URL, { userId: student.id });
    expect(first.response.status).toBe(200);
    const before = await tool.db.kysely.selectFrom('users').select(['id', 'name']).execute();

    // Online backup while the tool runs.
    const backup = path.join(dir, onPostgres() ? 'backup.dump' : 'backup.db');
    const out: string[] = [];
    const err: string[] = [];
    const env = { NODE_ENV: 'test', DATABASE_URL: config.DATABASE_URL, LOG_LEVEL: 'silent', DATA_DIR: dir, ...(pgSchema ? { PG_SCHEMA: pgSchema } : {}) };
    expect(await runBackupCli(['--out', backup], env, (l) => out.push(l), (l) => err.push(l)), err.join('\n')).toBe(0);
    expect(out.join('\n')).toContain('Backed up');
    expect(await runBackupCli(['--out', backup], env, () => undefined, (l) => err.push(l))).toBe(1); // never overwrites
    await tool.close();

    // Restore into a fresh database.
    let restoredUrl = `sqlite:${backup}`;
    if (onPostgres()) {
      const dbName = `masterly_restore_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      cleanup.push(async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).finally(() => c.end());
      });
      const u = new URL(adminUrl);
      u.pathname = `/${dbName}`;
      restoredUrl = u.toString();
      const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', restoredUrl, backup], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    tool = await start({ ...config, DATABASE_URL: restoredUrl }, pino({ level: 'silent' }), pgSchema ? { pgSchema } : {});
    // The first tool's keep-alive sockets may still sit in fetch's pool: a launch that meets one closed is retried once.
    const again = await launchAs(lms, config.BASE_URL, { userId: student.id }).catch(() => launchAs(lms, config.BASE_URL, { userId: student.id }));
    expect(again.response.status).toBe(200);
    // The student's page of the restored course (its title comes from the restored database's context row).
    const course = (await tool.db.kysely.selectFrom('contexts').select('title').executeTakeFirstOrThrow()).title;
    expect(course).toBeTruthy();
    expect(await again.response.text()).toContain(course!);
    expect(await tool.db.kysely.selectFrom('users').select(['id', 'name']).execute()).toEqual(before);
  }, 60_000);
});
