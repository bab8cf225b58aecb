/**
 * Storage failures named: a full SQLite database (a real SQLITE_FULL from `PRAGMA max_page_count` on a file
 * database), a data folder SQLite cannot write at start, and a PostgreSQL that never comes up at start. Runs once,
 * whatever the suite's dialect (the tools here pick their own DATABASE_URL).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pino } from 'pino';
import { launchAs, startTestLms, type TestLms } from '../support/devplatform.js';
import { errorOf, freePort, startTestTool, type TestTool } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

describe('a full SQLite database', () => {
  let dir: string;
  let tool: TestTool;
  let lms: TestLms;
  const logLines: string[] = [];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-full-'));
    tool = await startTestTool({
      env: { DATABASE_URL: `sqlite:${path.join(dir, 'masterly.db')}`, DEMO: 'true', LOG_LEVEL: 'info' },
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
      gradeWorker: false,
      bktFitting: false,
    });
    lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers launches with ERR_STORAGE_FULL (507) and the original SQLITE_FULL in the log, and /readyz fails', async () => {
    const toolUrl = tool.config.BASE_URL;
    const students = lms.devplatform.users.filter((u) => u.roles.includes(LEARNER) && u.name);
    expect((await launchAs(lms, toolUrl, { userId: students[0]!.id })).response.status).toBe(200);
    expect((await fetch(`${toolUrl}/readyz`)).status).toBe(200);

    // The database may not grow past its current size: the next write that needs a new page fails with SQLITE_FULL,
    // exactly as on a full disk. Launches write login states and sessions, so one of the next launches needs a page.
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(tool.db.kysely);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(tool.db.kysely);
    let refused: Response | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const { response } = await launchAs(lms, toolUrl, { userId: students[i % students.length]!.id });
      if (response.status !== 200) refused = response;
    }
    expect(refused, 'no launch met the size limit').toBeDefined();
    expect(refused!.status).toBe(507);
    const html = await refused!.text();
    expect(errorOf(html).code).toBe('ERR_STORAGE_FULL');
    expect(html).toContain('storage is full');

    const log = logLines.join('');
    expect(log).toMatch(/"driverCode":"SQLITE_FULL"/);
    expect(log).not.toContain('cannot rollback');

    const ready = await fetch(`${toolUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: 'full', cause: 'SQLITE_FULL' });
    const health = await fetch(`${toolUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'full' });
  });
});

describe('a data folder SQLite cannot write, at start', () => {
  const expectNamedPath = async (dbFile: string) => {
    const err = (await startTestTool({ env: { DATABASE_URL: `sqlite:${dbFile}` } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; message?: string } | undefined;
    expect(err, 'the tool started on an unwritable path').toBeDefined();
    expect(err).toMatchObject({ code: 'ERR_STORAGE_READONLY' });
    expect(err!.message).toContain(dbFile);
    expect(err!.message).toMatch(/must exist and be writable/);
  };

  // chmod does not stop root (this suite runs as root in CI), so the folder is a read-only tmpfs mount: SQLite then
  // really fails with SQLITE_CANTOPEN ("unable to open database file"), as on a read-only volume.
  it('names the path and what to do when the folder is read-only (SQLITE_CANTOPEN)', async (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-ro-'));
    try {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'ignore' });
      } catch {
        ctx.skip('mounting a read-only tmpfs needs root (CAP_SYS_ADMIN); the not-a-folder case below still runs');
        return;
      }
      await expectNamedPath(path.join(dir, 'masterly.db'));
    } finally {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        // not mounted
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the path when the data folder is not a folder at all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-nodir-'));
    try {
      fs.writeFileSync(path.join(dir, 'data'), 'a file where the data folder should be');
      await expectNamedPath(path.join(dir, 'data', 'masterly.db'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL that never comes up, at start', () => {
  it('retries with a log line, then gives up with a plain message naming the address', async () => {
    const port = await freePort(); // nothing listens there
    const lines: string[] = [];
    const err = (await startTestTool({
      env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/masterly`, DB_STARTUP_TIMEOUT_SECONDS: '2' },
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(err, 'the tool started without a database').toBeDefined();
    expect(lines.join('')).toContain(`database not reachable at 127.0.0.1:${port}, retrying in 1s`);
    expect(err!.message).toContain(`database not reachable at 127.0.0.1:${port} (ECONNREFUSED) after waiting 2 s`);
    expect(err!.message).toContain('DB_STARTUP_TIMEOUT_SECONDS');
  });
});
