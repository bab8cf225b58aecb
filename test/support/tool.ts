/**
 * The shared test harness: a real tool (start()) on its own database, the LMS emulator registered with it, and
 * helpers to log in, read error pages and count sessions. Every layer's HTTP tests use it.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../config/schema.js';
import { start, type Running, type StartOptions } from '../../src/main.js';
import { browser, startTestLms, type TestBrowser, type TestLms } from './devplatform.js';
import { dropSchema, onPostgres } from './db.js';
import { dialectOf } from '../../src/store/db.js';

/** A free TCP port on localhost (the tool must know its BASE_URL before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The admin token every test tool uses. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Config for a test tool on `port`, on the suite's dialect. */
export function testConfig(port: number, extra: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: `http://localhost:${port}`,
    DATABASE_URL: onPostgres() ? (process.env.DATABASE_URL as string) : 'sqlite::memory:',
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN,
    DATA_DIR: path.join(os.tmpdir(), `masterly-test-${randomBytes(4).toString('hex')}`),
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

/** A running tool (real start()) on its own database: SQLite in memory or a fresh PostgreSQL schema. */
export interface TestTool extends Running {
  config: Config;
  close(): Promise<void>;
}

/**
 * Starts the tool with the real composition root. `env` overrides settings (a `DATABASE_URL` there picks another
 * database, e.g. a throwaway PostgreSQL cluster or a SQLite file); `logger` receives the tool's log.
 */
export async function startTestTool(opts: StartOptions & { env?: Record<string, string>; logger?: Logger } = {}): Promise<TestTool> {
  const { env, logger, ...startOptions } = opts;
  const port = await freePort();
  const config = testConfig(port, env);
  const pgSchema = dialectOf(config.DATABASE_URL) === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const running = await start(config, logger ?? pino({ level: 'silent' }), { ...startOptions, ...(pgSchema ? { pgSchema } : {}) });
  return {
    ...running,
    config,
    close: async () => {
      await running.close();
      if (pgSchema) await dropSchema(config.DATABASE_URL, pgSchema);
    },
  };
}

/** One app process of {@link startTwoProcesses}: what start() returned, and its base URL. */
export interface AppProcess {
  running: Running;
  url: string;
}

/** What {@link startTwoProcesses} started. */
export interface TwoProcesses {
  processes: [AppProcess, AppProcess];
  close(): Promise<void>;
}

/**
 * Two app processes (as two replicas) on one database: a SQLite file in a fresh temporary folder (also their DATA_DIR),
 * or a fresh schema of DATABASE_URL's PostgreSQL. They share `env` and their cookie and key secrets. `first` runs
 * once the first process is up and before the second starts: register a platform there, as each process caches the
 * registry for a minute. `close` closes both and removes the folder and the schema.
 */
export async function startTwoProcesses(opts: { env?: Record<string, string>; first?: (p: AppProcess) => Promise<unknown> } = {}): Promise<TwoProcesses> {
  const dir = path.join(os.tmpdir(), `masterly-two-${randomBytes(4).toString('hex')}`);
  const pgSchema = onPostgres() ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const shared = {
    ...opts.env,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...(onPostgres() ? {} : { DATABASE_URL: `sqlite:${dir}/shared.db` }),
  };
  const processes: AppProcess[] = [];
  const close = async () => {
    for (const p of processes) await p.running.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (pgSchema) await dropSchema(process.env.DATABASE_URL as string, pgSchema);
  };
  try {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = testConfig(port, { ...shared, DATA_DIR: dir });
      const running = await start(config, pino({ level: 'silent' }), { gradeWorker: false, bktFitting: false, ...(pgSchema ? { pgSchema } : {}) });
      processes.push({ running, url: `http://localhost:${port}` });
      if (i === 0) await opts.first?.(processes[0]!);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { processes: processes as [AppProcess, AppProcess], close };
}

/** The tool plus an LMS emulator registered with it. */
export interface LaunchRig {
  tool: TestTool;
  lms: TestLms;
  toolUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a tool and an emulator and registers the emulator through the registerPlatform service. `lmsNow` sets the
 * emulator's clock (epoch ms); pass the same time source as `clock` to move both together.
 */
export async function startRig(
  mode: 'generic' | 'canvas' | 'moodle' = 'generic',
  opts: StartOptions & { lmsNow?: () => number; env?: Record<string, string> } = {},
): Promise<LaunchRig> {
  const { lmsNow, ...startOptions } = opts;
  const tool = await startTestTool(startOptions);
  const toolUrl = tool.config.BASE_URL;
  const lms = await startTestLms({ toolUrl, mode, ...(lmsNow ? { now: lmsNow } : {}) });
  await tool.services.registerPlatform(lms.registration());
  return {
    tool,
    lms,
    toolUrl,
    close: async () => {
      await lms.close();
      await tool.close();
    },
  };
}

/** Starts a login at the tool as the LMS iframe would; returns state, nonce and the browser holding the binding cookie. */
export async function loginAt(
  rig: LaunchRig,
  userId: string,
  b: TestBrowser = browser(),
): Promise<{ state: string; nonce: string; browser: TestBrowser; location: URL }> {
  const q = new URLSearchParams({
    iss: rig.lms.issuer,
    login_hint: userId,
    target_link_uri: `${rig.toolUrl}/lti/launch`,
    lti_message_hint: 'hint-123',
    client_id: rig.lms.clientId,
    lti_deployment_id: rig.lms.deploymentId,
  });
  const res = await b.get(`${rig.toolUrl}/lti/login?${q.toString()}`);
  if (res.status !== 302) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location') as string);
  return { state: location.searchParams.get('state') as string, nonce: location.searchParams.get('nonce') as string, browser: b, location };
}

/** Reads `code` and `reason` from the error page. */
export function errorOf(html: string): { code?: string; reason?: string } {
  const m = /<code>(ERR_[A-Z_]+)<\/code>(?: \(<code>([a-z_]+)<\/code>\))?/.exec(html);
  return { ...(m?.[1] ? { code: m[1] } : {}), ...(m?.[2] ? { reason: m[2] } : {}) };
}

/** A clock for a tool and its emulator that tests move forward by hand (starts at the wall clock). */
export interface TestClock {
  /** Epoch ms, like the app's Clock. */
  now(): number;
  advance(ms: number): void;
}

/** Creates a {@link TestClock}: wall time plus an offset the test advances. */
export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (by) => {
      offset += by;
    },
  };
}

/** Rows in launch_sessions. */
export async function sessionCount(tool: TestTool): Promise<number> {
  const r = await tool.db.kysely.selectFrom('launch_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
