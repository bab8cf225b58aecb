/**
 * A tool (real start(), no in-process worker) and the LMS emulator for the services benchmarks, with
 * `n` students seeded in the emulator and mirrored as users of one context whose AGS/NRPS claims point at it
 * (as a launch would leave them), without running thousands of launches.
 */
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import pg from 'pg';
import { loadConfig } from '../../config/schema.js';
import { start, type Running } from '../../src/main.js';
import { fork } from 'node:child_process';
import type { PlatformRegistration, ReceivedScore, StoredResult } from '../../src/devplatform/index.js';
import { SCOPES, platformEndpoints } from '../../src/devplatform/context.js';
import { freePort } from './launchChild.js';
import { buildAdvantage, type Advantage, type AdvantageOptions } from '../../src/advantage.js';

/** The emulator in its child process, as the benches use it. */
export interface ChildLms {
  url: string;
  courseId: string;
  registration: PlatformRegistration;
  seedMembers(n: number): Promise<string[]>;
  setMemberStatus(userId: string, status: 'Active' | 'Inactive'): Promise<void>;
  results(): Promise<StoredResult[]>;
  scoreHistory(): Promise<ReceivedScore[]>;
  close(): Promise<void>;
}

async function startChildLms(toolUrl: string): Promise<ChildLms> {
  const child = fork(path.join(import.meta.dirname, 'servicesLmsChild.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m) => {
    const msg = m as { id: number; value?: unknown; error?: string };
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) w?.reject(new Error(msg.error));
    else w?.resolve(msg.value);
  });
  const call = <T>(req: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...req, id });
    });
  const started = await call<{ url: string; courseId: string; registration: PlatformRegistration }>({ cmd: 'start', toolUrl });
  return {
    ...started,
    seedMembers: (n) => call<string[]>({ cmd: 'seedMembers', n }),
    setMemberStatus: (userId, status) => call<void>({ cmd: 'setMemberStatus', userId, status }),
    results: () => call<StoredResult[]>({ cmd: 'results' }),
    scoreHistory: () => call<ReceivedScore[]>({ cmd: 'scoreHistory' }),
    close: async () => {
      await call<void>({ cmd: 'close' }).catch(() => undefined);
    },
  };
}

export interface ServicesRig {
  tool: Running;
  lms: ChildLms;
  contextId: string;
  /** Student subs (emulator ids) and our users.id for them. */
  students: { sub: string; userId: string }[];
  adv: Advantage;
  close(): Promise<void>;
}

/** Starts the rig on BENCH_DATABASE_URL (default a SQLite file in the temp directory). */
export async function startServicesRig(students: number, advantage: Partial<AdvantageOptions> = {}): Promise<ServicesRig> {
  const port = await freePort();
  const dbUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${path.join(os.tmpdir(), `masterly-bench-${randomBytes(4).toString('hex')}.db`)}`;
  const pgSchema = dbUrl.startsWith('postgres') ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: `http://localhost:${port}`,
    DATABASE_URL: dbUrl,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    DATA_DIR: path.join(os.tmpdir(), `masterly-bench-${randomBytes(4).toString('hex')}`),
    LOG_LEVEL: 'silent',
  });
  const tool = await start(config, pino({ level: 'silent' }), { gradeWorker: false, ...(pgSchema ? { pgSchema } : {}) });
  const lms = await startChildLms(config.BASE_URL);
  const platform = await tool.services.registerPlatform(lms.registration);
  const seeded = await lms.seedMembers(students);
  const ends = platformEndpoints(lms.url, lms.courseId);
  const db = tool.db.kysely;
  const now = Date.now();
  const contextId = randomUUID();
  await db
    .insertInto('contexts')
    .values({
      id: contextId,
      platform_id: platform.id,
      context_id: lms.courseId,
      label: 'BENCH',
      title: 'Bench course',
      ags_json: JSON.stringify({ scope: [SCOPES.lineItem, SCOPES.score, SCOPES.resultReadonly], lineitems: ends.lineItems }),
      nrps_json: JSON.stringify({ contextMembershipsUrl: ends.memberships, serviceVersions: ['2.0'] }),
      updated_at: now,
    })
    .execute();
  const users = seeded.map((sub) => ({ sub, userId: randomUUID() }));
  for (let i = 0; i < users.length; i += 500) {
    await db
      .insertInto('users')
      .values(users.slice(i, i + 500).map((u) => ({ id: u.userId, platform_id: platform.id, sub: u.sub, name: `Student ${u.sub}`, given_name: null, family_name: null, email: null, updated_at: now })))
      .execute();
  }
  const adv = buildAdvantage({ db: tool.db, signer: tool.keys, ...advantage });
  return {
    tool,
    lms,
    contextId,
    students: users,
    adv,
    close: async () => {
      await lms.close();
      await tool.close();
      if (pgSchema) {
        const c = new pg.Client({ connectionString: dbUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).finally(() => c.end());
      }
    },
  };
}
