/**
 * `npm run privacy`: find, export (CSV to a file), erase (only with --yes), the audit log as CSV, and the retention
 * purge — a dry run that changes nothing, then the purge of a course inactive for longer than the period, after
 * which no trace of its students is left in any table. Same database as a running tool (SQLite file or PostgreSQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrivacyCli } from '../../src/cli/privacy.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { onPostgres } from '../support/db.js';
import { launchAs } from '../support/devplatform.js';
import { findTraces } from '../support/scan.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const DAY = 86_400_000;

describe('privacy CLI', () => {
  let rig: LaunchRig;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let contextId: string;
  const ids = new Map<string, string>();
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPrivacyCli(argv, env, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-privacy-'));
    const file = path.join(dir, 'tool.db');
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false, ...(onPostgres() ? {} : { env: { DATABASE_URL: `sqlite:${file}` } }) } as never);
    const c = rig.tool.config;
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: c.DATABASE_URL,
      COOKIE_SECRET: c.COOKIE_SECRET,
      KEY_ENCRYPTION_KEY: c.KEY_ENCRYPTION_KEY,
      ADMIN_TOKEN: c.ADMIN_TOKEN,
      DATA_DIR: c.DATA_DIR,
      LOG_LEVEL: 'silent',
      ...(rig.tool.db.pgSchema ? { PG_SCHEMA: rig.tool.db.pgSchema } : {}),
    };
    const db = rig.tool.db;
    const people = rig.lms.devplatform.users;
    for (const name of ['Emily Nguyen', 'Farah Haddad']) {
      const u = people.find((p) => p.name === name)!;
      await launchAs(rig.lms, rig.toolUrl, { userId: u.id });
      ids.set(name, (await db.kysely.selectFrom('users').select('id').where('sub', '=', u.id).executeTakeFirstOrThrow()).id);
    }
    await launchAs(rig.lms, rig.toolUrl, { userId: people.find((u) => u.roles.includes(`${LIS}Instructor`))!.id });
    contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock };
    await importCourse(engine, { contextId, file: aCourseFile() });
    const items = (await courseRepo(db.kysely).listItems(contextId)).filter((i) => i.key.startsWith('A-'));
    let n = 0;
    for (const userId of ids.values()) {
      await submitResponse(engine, { contextId, userId, itemId: items.find((i) => i.kind === 'short')!.id, attemptId: `cli-attempt-${++n}`, answer: `walrus-${n}` });
      for (const item of items.slice(0, 4)) await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `cli-attempt-${++n}`, answer: rightAnswerFor(item.kind) });
    }
    await rig.tool.composition.advantage.syncRoster({ contextId });
  });
  afterAll(async () => {
    await rig?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds, exports and erases one student (only with --yes); the audit log is a CSV', async () => {
    const emily = ids.get('Emily Nguyen')!;
    const found = await run('find', 'nguyen');
    expect(found.code).toBe(0);
    expect(found.out).toContain(`${emily}  Emily Nguyen <emily.nguyen@students.fractions.example>`);
    const file = path.join(dir, `export-${randomBytes(3).toString('hex')}.csv`);
    const exported = await run('export', '--user', emily, '--format', 'csv', '--out', file);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^section,course,at,objective,item,answer,correct,state,value,detail\n/);
    expect(fs.readFileSync(file, 'utf8')).toContain('walrus-1');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');

    const dry = await run('erase', '--user', emily);
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('5 answers');
    expect(dry.err).toContain('run again with --yes');
    expect(await rig.tool.db.kysely.selectFrom('users').select('id').where('id', '=', emily).execute()).toHaveLength(1);
    const erased = await run('erase', '--user', emily, '--yes');
    expect(erased.code).toBe(0);
    expect(erased.out).toMatch(/Erased\. Receipt [0-9a-f-]{36}/);
    expect(await findTraces(rig.tool.db, { contains: ['Emily Nguyen', 'emily.nguyen', emily, 'walrus-1'] })).toEqual([]);

    const audit = await run('audit');
    expect(audit.code).toBe(0);
    expect(audit.out).toMatch(/^id,when,who,course,action,student,details\n/);
    expect(audit.out).toMatch(/Operator \(command line\),[^,]*,Student data erased,,receipt=/);
    expect(audit.out).toMatch(/Operator \(command line\),[^,]*,Student data exported,\(erased\),format=csv/);
    expect((await run('export')).code).toBe(1);
    expect((await run('export', '--user', 'no-such-user')).err).toContain('ERR_NOT_FOUND');
  });

  it('purges a course inactive for longer than the retention period: a dry run first, then for real (audited)', async () => {
    const db = rig.tool.db.kysely;
    expect((await run('purge')).err).toContain('retention is off');
    expect((await run('purge', '--dry-run', '--days', '30')).out).toContain('nothing to purge');
    // The course's last activity becomes 400 days old.
    const old = Date.now() - 400 * DAY;
    await db.updateTable('responses').set({ occurred_at: old }).where('context_id', '=', contextId).execute();
    await db.updateTable('enrollments').set({ last_launch_at: old }).where('context_id', '=', contextId).execute();

    const dry = await run('purge', '--dry-run', '--days', '365');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(new RegExp(`would purge ${contextId} "[^"]*" \\(last activity [^)]+\\): 2 people`));
    expect(await db.selectFrom('responses').select('id').where('context_id', '=', contextId).where('user_id', 'is not', null).execute()).not.toEqual([]);

    const purged = await run('purge', '--days', '365');
    expect(purged.code).toBe(0);
    expect(purged.out).toMatch(new RegExp(`purged ${contextId} .*2 people, 2 profiles removed, \\d+ roster members`));
    const farah = rig.lms.devplatform.users.find((u) => u.name === 'Farah Haddad')!;
    expect(await findTraces(rig.tool.db, { contains: ['Farah Haddad', farah.email!, ids.get('Farah Haddad')!, 'walrus-6', 'Maria Okafor'] })).toEqual([]);
    expect(await db.selectFrom('roster_members').select('user_sub').execute()).toEqual([]);
    expect((await db.selectFrom('contexts').select('nrps_json').where('id', '=', contextId).executeTakeFirstOrThrow()).nrps_json).toBeNull();
    // The course content stays; a second purge finds nothing.
    expect(await db.selectFrom('objectives').select('id').where('context_id', '=', contextId).execute()).not.toEqual([]);
    expect((await run('purge', '--days', '365')).out).toContain('nothing to purge');
    expect((await run('audit')).out).toMatch(/Operator \(command line\),[^,]*,Course data deleted \(retention\),,days=365/);
  });
});
