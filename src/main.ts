import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../config/schema.js';
import { resolveSecrets } from '../config/secrets.js';
import { migrate, openDb, type Db } from './store/db.js';
import { createApp } from './web/app.js';
import { sql, type LogEvent } from 'kysely';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type ToolKeyring } from './services/ports.js';
import { buildFoundationServices, type FoundationServices } from './services/index.js';
import { createPlatformRegistry } from './services/platformRegistry.js';
import { platformRepo } from './store/platformRepo.js';
import { loginStateRepo } from './store/loginStateRepo.js';
import { launchRepo } from './store/launchRepo.js';
import { toolKeyRepo } from './store/toolKeyRepo.js';
import { createLtiTool } from './lti/tool.js';
import { createToolKeyring } from './lti/keys.js';
import { ltiRouter } from './web/routes/lti.js';
import { homeRouter } from './web/routes/home.js';
import { adminRouter } from './web/routes/admin.js';
import { startDemo } from './demo.js';
import { buildAdvantage, scheduleServices, type Advantage } from './worker.js';
import { startSchedules } from './jobs/schedules.js';
import { instructorGradesRouter } from './web/instructorGrades.js';
import { listGradeLedger } from './services/listGradeLedger.js';
import { resendGrades } from './services/resendGrades.js';
import { setGradePolicy } from './services/setGradePolicy.js';
import { buildEngineServices } from './services/engineServices.js';
import { courseRepo } from './store/courseRepo.js';
import { kyselyOfEngineTx, learnerStore } from './store/learnerRepo.js';
import { readDemoCourseFile } from './store/engineSeed.js';
import { studentRouter } from './web/studentRoutes.js';
import { buildDeepLinkingServices } from './services/deepLinking.js';
import { deepLinkingMessages } from './lti/deepLinking.js';
import { deepLinkingRequests } from './store/deepLinkingRepo.js';
import { deepLinkingRouter } from './web/deepLinking.js';
import { buildLmsEvidenceServices } from './services/lmsEvidence.js';
import { lmsEvidenceRepo } from './store/lmsEvidenceRepo.js';
import { instructorEvidenceRouter } from './web/instructorEvidence.js';
import { buildInstructorServices } from './services/instructorServices.js';
import { instructorStore } from './store/instructorRepo.js';
import { summariseRoles } from './lti/roles.js';
import { instructorDashboardRouter } from './web/instructorDashboard.js';

/** A running Masterly: its HTTP server and how to stop it. */
export interface Running {
  server: Server;
  url: string;
  db: Db;
  /** The foundation use-cases (platform registration, sessions, signing with the tool key). */
  services: FoundationServices;
  /** The tool's signing keys. */
  keys: ToolKeyring;
  /** LTI Advantage services (grade outbox, roster, AGS/NRPS); `afterMasteryChange` is the engine's hook. */
  advantage: Advantage;
  close(): Promise<void>;
}

/** Optional hooks for tests and benchmarks. */
export interface StartOptions {
  /** Called for every database statement (the launch benchmark counts them). */
  onQuery?: (event: LogEvent) => void;
  /** HTTP client for calls to platforms (JWKS); defaults to global fetch. */
  fetch?: typeof fetch;
  clock?: Clock;
  /** PostgreSQL schema to use instead of `public` (tests). */
  pgSchema?: string;
  /** Run the in-process grade outbox worker (default true; tests that drain by hand turn it off). */
  gradeWorker?: boolean;
  /** How often expired login states and sessions are purged (default 10 minutes). */
  purgeEveryMs?: number;
  /** How often mapped LMS grade columns are imported as evidence (default 15 minutes; 0 = never). */
  lmsEvidenceEveryMs?: number;
  /** Fit BKT parameters in the background (default true; tests turn it off and run the job by hand). */
  bktFitting?: boolean;
  /** How often the BKT fit runs (default 1 hour). */
  fitEveryMs?: number;
  /** How often stale rosters are synced (default 15 minutes; 0 = never). */
  rosterEveryMs?: number;
}

/** Composition root: config → store → lti → services → web. The only place that builds concrete classes. */
export async function start(
  config: Config,
  logger: Logger = pino({ level: config.LOG_LEVEL }),
  options: StartOptions = {},
): Promise<Running> {
  const secrets = resolveSecrets(config);
  const db = await openDb({
    url: config.DATABASE_URL,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
  });
  await migrate(db);

  // --- LTI tool wiring (store → lti → services → web) ---
  const clock = options.clock ?? systemClock;
  const platforms = platformRepo(db.kysely);
  const loginStates = loginStateRepo(db.kysely);
  const baseRegistry = createPlatformRegistry({ platforms, clock });
  let platformOrigins: string[] = [];
  const refreshOrigins = async () => {
    platformOrigins = [...new Set((await baseRegistry.all()).map((p) => new URL(p.authUrl).origin))];
  };
  const registry = {
    ...baseRegistry,
    invalidate: () => {
      baseRegistry.invalidate();
      refreshOrigins().catch((err: unknown) => logger.error({ err }, 'could not refresh platform origins'));
    },
  };
  const keys = createToolKeyring({ repo: toolKeyRepo(db.kysely), keyEncryptionKey: secrets.keyEncryptionKey, clock });
  await keys.ensureKeys();
  await refreshOrigins();
  const originTimer = setInterval(() => registry.invalidate(), 60_000);
  originTimer.unref();
  const lti = createLtiTool({
    registry,
    loginStates,
    clock,
    config: { baseUrl: config.BASE_URL, clockSkewSeconds: config.CLOCK_SKEW_SECONDS, launchMaxAgeSeconds: config.LAUNCH_MAX_AGE_SECONDS },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const services = buildFoundationServices({
    platforms,
    registry,
    loginStates,
    launches: launchRepo(db.kysely, db.dialect),
    lti,
    keys,
    clock,
    newId: randomUUID,
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
  });
  const advantage = buildAdvantage({ db, signer: keys, logger, clock, ...(options.fetch ? { fetch: options.fetch } : {}) });
  // Every background schedule (src/jobs/schedules.ts, the same list the stand-alone worker runs), in-process.
  const schedules = startSchedules(scheduleServices({ db, advantage, clock }), {
    every: !config.IN_PROCESS_WORKER ? { outbox: 0, roster: 0, lmsEvidence: 0, bktFitting: 0, purge: 0 } : {
      ...(options.gradeWorker === false ? { outbox: 0 } : {}),
      ...(options.rosterEveryMs !== undefined ? { roster: options.rosterEveryMs } : {}),
      ...(options.lmsEvidenceEveryMs !== undefined ? { lmsEvidence: options.lmsEvidenceEveryMs } : {}),
      ...(options.bktFitting === false ? { bktFitting: 0 } : options.fitEveryMs ? { bktFitting: options.fitEveryMs } : {}),
      ...(options.purgeEveryMs ? { purge: options.purgeEveryMs } : {}),
    },
    log: logger,
  });
  // An instructor's launch refreshes a stale roster in the background (the schedule covers the rest).
  const completeLaunch = services.completeLaunch;
  services.completeLaunch = async (input) => {
    const done = await completeLaunch(input);
    if (done.launch.isInstructor && done.launch.nrps) {
      void services
        .getSession(done.sessionId)
        .then((s) => (s?.contextId ? advantage.refreshRosterIfStale({ contextId: s.contextId, maxAgeMs: 3600_000 }) : undefined))
        .catch((err: unknown) => logger.warn({ err }, 'roster refresh after launch failed'));
    }
    return done;
  };
  // --- adaptive engine (issue 4): grade changes go to the outbox inside the submission's transaction ---
  const engine = buildEngineServices({
    courses: courseRepo(db.kysely),
    learners: learnerStore(db.kysely, db.dialect),
    clock,
    rng: { next: Math.random },
    ids: { newId: randomUUID },
    afterMasteryChange: (tx, change) => advantage.afterMasteryChange(kyselyOfEngineTx(tx), change),
    ...(config.DEMO ? { readDemoCourse: readDemoCourseFile } : {}),
  });
  const engineAfterChange = (tx: Parameters<typeof kyselyOfEngineTx>[0], change: Parameters<typeof advantage.afterMasteryChange>[1]) =>
    advantage.afterMasteryChange(kyselyOfEngineTx(tx), change);
  const instructorServices = buildInstructorServices({
    courses: courseRepo(db.kysely),
    learners: learnerStore(db.kysely, db.dialect),
    instructor: instructorStore(db.kysely),
    clock,
    ids: { newId: randomUUID },
    classifyRoles: summariseRoles,
    afterMasteryChange: engineAfterChange,
  });
  if (config.DEMO) {
    // Demo mode: the first launch into a course without objectives imports the demo course into it.
    const launchWithCourse = services.completeLaunch;
    services.completeLaunch = async (input) => {
      const done = await launchWithCourse(input);
      const s = await services.getSession(done.sessionId);
      if (s?.contextId) await engine.ensureDemoCourse(s.contextId);
      return done;
    };
  }
  // --- Deep Linking 2.0 and LMS grades as evidence (issue 5, items 6 and 7) ---
  const deepLinking = buildDeepLinkingServices({
    messages: deepLinkingMessages,
    requests: deepLinkingRequests(db.kysely),
    registry,
    courses: courseRepo(db.kysely),
    signJwt: (payload, o) => services.signJwt(payload, o),
    scoreMaximum: async (contextId) => (await advantage.lineItems.getPolicy(contextId)).scoreMaximum,
    saveActivity: (contextId, activity, now) => advantage.lineItems.saveActivity(contextId, activity, now),
    newNonce: randomUUID,
    launchUrl: `${config.BASE_URL.replace(/\/+$/, '')}/lti/launch`,
    clock,
  });
  const lmsEvidence = buildLmsEvidenceServices({
    evidence: lmsEvidenceRepo(db.kysely),
    contexts: advantage.contexts,
    lti: advantage.lti,
    courses: courseRepo(db.kysely),
    learners: learnerStore(db.kysely, db.dialect),
    clock,
    afterMasteryChange: (tx, change) => advantage.afterMasteryChange(kyselyOfEngineTx(tx), change),
  });
  const toolRouters = [
    deepLinkingRouter({ getSession: services.getSession, cookieSecret: secrets.cookieSecret, services: deepLinking }),
    instructorEvidenceRouter({ getSession: services.getSession, cookieSecret: secrets.cookieSecret, services: lmsEvidence }),
    instructorGradesRouter({
      getSession: services.getSession,
      cookieSecret: secrets.cookieSecret,
      services: {
        listGradeLedger: (i) => listGradeLedger(advantage, i),
        resendGrades: async (i) => {
          const n = await resendGrades({ outbox: advantage.outbox, clock }, i);
          schedules.outbox?.nudge();
          return n;
        },
        getGradePolicy: (contextId) => advantage.lineItems.getPolicy(contextId),
        setGradePolicy: (p) => setGradePolicy({ lineItems: advantage.lineItems, clock }, p),
      },
    }),
    instructorDashboardRouter({ getSession: services.getSession, cookieSecret: secrets.cookieSecret, services: instructorServices }),
    ltiRouter({ services, baseUrl: config.BASE_URL, cookieSecret: secrets.cookieSecret, sessionTtlSeconds: config.SESSION_TTL_SECONDS }),
    homeRouter({ getSession: services.getSession, cookieSecret: secrets.cookieSecret }),
    studentRouter({
      getSession: services.getSession,
      cookieSecret: secrets.cookieSecret,
      services: { ...engine, ...(config.DEMO ? { ensureCourse: async (contextId: string) => void (await engine.ensureDemoCourse(contextId)) } : {}) },
    }),
    adminRouter({
      services,
      baseUrl: config.BASE_URL,
      adminToken: secrets.adminToken,
      cookieSecret: secrets.cookieSecret,
      clock,
    }),
  ];
  const extraAncestors = config.FRAME_ANCESTORS.split(/\s+/).filter(Boolean);
  // One array per origin list (a new one only after a refresh), so the web layer can reuse its CSP by identity.
  let ancestors = { from: platformOrigins, list: [...platformOrigins, ...extraAncestors] };
  const frameAncestors = () => {
    if (ancestors.from !== platformOrigins) ancestors = { from: platformOrigins, list: [...platformOrigins, ...extraAncestors] };
    return ancestors.list;
  };

  const app = createApp({
    config,
    logger,
    health: async () => {
      await sql`select 1`.execute(db.kysely);
    },
    frameAncestors,
    routers: [...toolRouters],
  });

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://localhost:${address.port}` : config.BASE_URL;
  logger.info({ url: config.BASE_URL, host: config.HOST, dialect: db.dialect }, 'Masterly is listening');
  return {
    server,
    url,
    db,
    services,
    keys,
    advantage,
    close: async () => {
      clearInterval(originTimer);
      await schedules.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

const isEntryPoint = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isEntryPoint) {
  const env = { ...process.env, ...(process.argv.includes('--demo') ? { DEMO: 'true' } : {}) };
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = pino({ level: config.LOG_LEVEL });
  const running = await start(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'Masterly could not start');
    process.exit(1);
  });
  const demo = config.DEMO ? await startDemo(config, running.services, logger) : undefined;
  if (demo) {
    logger.info(`Demo ready: open ${demo.url} (the emulated LMS course page) and launch Masterly as anyone.`);
  }
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await demo?.close();
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
