/**
 * The web process: config → composition (src/compose.ts) → web app → listen → signals. `start()` is also what the
 * tests (test/support/tool.ts) and the benches start.
 */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { createLogger } from './logging.js';
import { loadConfig, type Config } from '../config/schema.js';
import { isEntryPoint } from './entryPoint.js';
import { compose, type ComposeOptions, type Composition } from './compose.js';
import { startDemo } from './demo.js';
import type { RunningSchedules, ScheduleName } from './jobs/schedules.js';
import { createApp } from './web/app.js';
import { probeDb } from './store/db.js';
import { webRouters } from './web/routes/index.js';
import { launchAudience } from './lti/roles.js';

/** A running Masterly: its composition, its HTTP server and how to stop it. */
export interface Running extends Pick<Composition, 'db' | 'services' | 'keys' | 'advantage' | 'background'> {
  composition: Composition;
  schedules: RunningSchedules;
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Test-only overrides of the config's schedule intervals (the config is the source of truth; these switch
 * schedules off or speed them up in tests).
 */
export interface StartOptions extends Omit<ComposeOptions, 'every'> {
  /** false: no in-process grade outbox (tests that drain by hand). */
  gradeWorker?: boolean;
  /** false: no background BKT fitting (tests run the job by hand). */
  bktFitting?: boolean;
  purgeEveryMs?: number;
  lmsEvidenceEveryMs?: number;
  fitEveryMs?: number;
  rosterEveryMs?: number;
}

const overrides = (o: StartOptions): Partial<Record<ScheduleName, number>> => ({
  ...(o.gradeWorker === false ? { outbox: 0 } : {}),
  ...(o.bktFitting === false ? { bktFitting: 0 } : o.fitEveryMs !== undefined ? { bktFitting: o.fitEveryMs } : {}),
  ...(o.purgeEveryMs !== undefined ? { purge: o.purgeEveryMs } : {}),
  ...(o.lmsEvidenceEveryMs !== undefined ? { lmsEvidence: o.lmsEvidenceEveryMs } : {}),
  ...(o.rosterEveryMs !== undefined ? { roster: o.rosterEveryMs } : {}),
});

/** Composes the tool, serves it on PORT and runs the background schedules in-process (unless IN_PROCESS_WORKER=false). */
export async function start(config: Config, logger: Logger = pino({ level: config.LOG_LEVEL }), options: StartOptions = {}): Promise<Running> {
  const { gradeWorker: _g, bktFitting: _b, purgeEveryMs: _p, lmsEvidenceEveryMs: _l, fitEveryMs: _f, rosterEveryMs: _r, ...composeOptions } = options;
  const c = await compose(config, logger, 'web', { ...composeOptions, every: overrides(options) });
  try {
    await c.prepareWeb();
  } catch (err) {
    await c.close();
    throw err;
  }
  const schedules = c.startSchedules();
  const app = createApp({
    config,
    logger,
    health: () => probeDb(c.db),
    frameAncestors: c.frameAncestors,
    // The request timer and /metrics exist only when a scraper can read them (METRICS_TOKEN).
    ...(config.METRICS_TOKEN && c.metrics.served ? { metrics: { request: c.metrics.served, registry: c.metrics.served.registry, token: config.METRICS_TOKEN } } : {}),
    routers: webRouters({
      foundation: c.services,
      student: { ...c.engine, goals: c.studentGoals, ...(config.DEMO ? { ensureCourse: async (contextId: string) => void (await c.engine.ensureDemoCourse(contextId)) } : {}) },
      deepLinking: c.deepLinking,
      evidence: c.lmsEvidence,
      grades: c.grades,
      instructor: c.instructor,
      alerts: c.alerts,
      digests: config.SMTP_URL !== undefined,
      setup: c.setup,
      courseImport: c.courseImport,
      authoring: c.authoring,
      baseUrl: config.BASE_URL,
      cookieSecret: c.secrets.cookieSecret,
      sessionTtlSeconds: config.SESSION_TTL_SECONDS,
      clock: c.clock,
      checkAdminToken: c.checkAdminToken,
      registration: c.registration,
      privacy: c.privacy,
      audienceOf: launchAudience,
    }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://localhost:${address.port}` : config.BASE_URL;
  logger.info({ url: config.BASE_URL, host: config.HOST, dialect: c.db.dialect, schedules: schedules.started }, 'Masterly is listening');
  return {
    composition: c,
    db: c.db,
    services: c.services,
    keys: c.keys,
    advantage: c.advantage,
    background: c.background,
    schedules,
    server,
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await c.close();
    },
  };
}

if (isEntryPoint(import.meta.filename)) {
  const env = { ...process.env, ...(process.argv.includes('--demo') ? { DEMO: 'true' } : {}) };
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = createLogger(config);
  const running = await start(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'Masterly could not start');
    process.exit(1);
  });
  const demo = config.DEMO ? await startDemo(config, running.services, logger) : undefined;
  if (demo) logger.info(`Demo ready: open ${demo.url} (the emulated LMS course page) and launch Masterly as anyone.`);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await demo?.close();
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
