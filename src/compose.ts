/**
 * The composition root: config → store → lti → services → jobs. Builds every repository and service ONCE; the web
 * process (src/main.ts), the stand-alone worker (src/worker.ts), the CLIs (src/cli/*), the tests and the benches all
 * start from {@link compose}. It also derives the background settings from the config (one function for every
 * process, so each README setting applies in-process and in the worker alike).
 */
import { openSubmissionReview } from './services/submissionReview.js';
import { fillColumn, rememberPlacement } from './services/rememberPlacement.js';
import { randomUUID } from 'node:crypto';
import type { LogEvent } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { resolveSecrets, type Secrets } from '../config/secrets.js';
import { configWarnings } from '../config/warnings.js';
import { threadFits } from './jobs/fitThread.js';
import { startSchedules, DEFAULT_EVERY, SCHEDULES, type RunningSchedules, type ScheduleName, type ScheduleServices } from './jobs/schedules.js';
import { createToolKeyring } from './lti/keys.js';
import { deepLinkingMessages } from './lti/deepLinking.js';
import { isLmsAdministrator, summariseRoles } from './lti/roles.js';
import { createLtiTool } from './lti/tool.js';
import type { AfterLaunchStep } from './services/completeLaunch.js';
import { buildDeepLinkingServices } from './services/deepLinking.js';
import { DEFAULT_RETRY, type RetryPolicy } from './services/drainOutbox.js';
import type { AfterMasteryChange } from './services/enginePorts.js';
import { buildEngineServices } from './services/engineServices.js';
import { checkConfidence, saveCheckConfidence } from './services/checkConfidence.js';
import { getStudentGoals, removeStudentGoal, setStudentGoal } from './services/studentGoals.js';
import { listStudentHistory } from './services/studentHistory.js';
import { studentGoalRepo } from './store/studentGoalRepo.js';
import type { StudentGoalServices } from './web/routes/student.js';
import { fitObjectiveParams } from './services/fitObjectiveParams.js';
import { buildFoundationServices } from './services/index.js';
import { buildInstructorServices } from './services/instructorServices.js';
import { listGradeLedger } from './services/listGradeLedger.js';
import { buildLmsEvidenceServices } from './services/lmsEvidence.js';
import { createPlatformRegistry } from './services/platformRegistry.js';
import { systemClock, type Clock, type LaunchSession } from './services/ports.js';
import { resendGrades } from './services/resendGrades.js';
import { setGradePolicy } from './services/setGradePolicy.js';
import { closeDueGrades, finaliseGrades } from './services/finalGrades.js';
import { regradeFromLog } from './services/regradeFromLog.js';
import { courseRepo } from './store/courseRepo.js';
import { migrate, openDb, type Db } from './store/db.js';
import { deepLinkingRequests } from './store/deepLinkingRepo.js';
import { readDemoCourseFile } from './store/engineSeed.js';
import { fitStore, instructorStore } from './store/instructorRepo.js';
import { launchRepo } from './store/launchRepo.js';
import { learnerStore } from './store/learnerRepo.js';
import { lmsEvidenceRepo } from './store/lmsEvidenceRepo.js';
import { loginStateRepo } from './store/loginStateRepo.js';
import { platformRepo } from './store/platformRepo.js';
import { toolKeyRepo } from './store/toolKeyRepo.js';
import { frameOriginRepo } from './store/frameOriginRepo.js';
import { createFrameAncestors } from './services/frameAncestors.js';
import { adminAuthFailureRepo } from './store/adminAuthFailureRepo.js';
import { sameToken } from './web/cookies.js';
import { verifyAdminToken } from './services/verifyAdminToken.js';
import { buildAdvantage } from './advantage.js';
import { alertRepo } from './store/alertRepo.js';
import { listAlerts, markAlertsRead, sendAlertDigests } from './services/instructorAlerts.js';
import { smtpMailer } from './mail/smtpMailer.js';
import { composeDigest } from './web/presenters/alerts.js';
import { translator } from './i18n/index.js';
import { buildCourseSetupServices } from './services/courseSetup.js';
import { courseDirectory } from './store/courseDirectory.js';
import { sampleUnits } from './store/sampleUnits.js';
import { buildCourseImportServices } from './services/courseImport.js';
import { courseImportRepo } from './store/courseImportRepo.js';
import { createRegistrationClient } from './lti/registrationClient.js';
import { registerDynamically } from './services/registerDynamically.js';
import { limitRegistrations } from './services/limitRegistrations.js';
import { setDeploymentStatus, setNewDeployments, setPlatformStatus } from './services/managePlatforms.js';
import { listCourses } from './services/listPlatforms.js';
import { selfTestPlatform } from './services/selfTestPlatform.js';
import { AGS_SCOPES } from './lti/ags.js';
import { NRPS_SCOPE } from './lti/nrps.js';
import { authoringRepo } from './store/authoringRepo.js';
import { buildAuthoringServices } from './services/authoringServices.js';
import { AppError } from './domain/errors.js';
import type { AuditActor } from './services/privacyPorts.js';
import { eraseStudent, exportStudent, previewErasure, type PrivacyRequest, type StudentPrivacyDeps } from './services/studentPrivacy.js';
import { purgeInactiveCourses } from './services/purgeInactiveCourses.js';
import { auditRepo, privacyRepo } from './store/privacyRepo.js';
import { createMetrics } from './metrics.js';
import { outboxStats } from './store/opsRepo.js';

/** Which process is being composed: it decides only whether the schedules run here. */
export type Role = 'web' | 'worker' | 'cli';

/** Hooks for tests and benchmarks; the config stays the source of truth for everything else. */
export interface ComposeOptions {
  /** Called for every database statement (the launch benchmark counts them). */
  onQuery?: (event: LogEvent) => void;
  /** HTTP client for calls to platforms (JWKS, services); defaults to global fetch. */
  fetch?: typeof fetch;
  clock?: Clock;
  /** PostgreSQL schema instead of `public` (tests); PG_SCHEMA in the config otherwise. */
  pgSchema?: string;
  /** Test-only: schedule intervals that override the config's (0 = not in this process). */
  every?: Partial<Record<ScheduleName, number>>;
}

/** What the background work of a process runs with, derived from the config by {@link backgroundSettings}. */
export interface BackgroundSettings {
  /** Interval of each schedule in this process (0 = not here). */
  every: Record<ScheduleName, number>;
  outbox: { retry: RetryPolicy; leaseMs?: number; batch?: number; concurrency?: number };
}

/**
 * The background settings of a process: every schedule at its `*_EVERY_MS` / `OUTBOX_IDLE_MS` (or its default),
 * none in a web process with IN_PROCESS_WORKER=false nor in a CLI; the grade outbox tuned by `OUTBOX_*`.
 */
export function backgroundSettings(config: Config, role: Role, override: ComposeOptions['every'] = {}): BackgroundSettings {
  const here = role === 'worker' || (role === 'web' && config.IN_PROCESS_WORKER);
  const fromConfig: Record<ScheduleName, number | undefined> = {
    outbox: config.OUTBOX_IDLE_MS,
    roster: config.ROSTER_EVERY_MS,
    lmsEvidence: config.LMS_EVIDENCE_EVERY_MS,
    bktFitting: config.FIT_EVERY_MS,
    purge: config.PURGE_EVERY_MS,
    // Digests only where there is an SMTP server to send them.
    alertDigest: config.SMTP_URL ? config.DIGEST_EVERY_MS : 0,
    retention: config.RETENTION_DAYS > 0 ? config.RETENTION_EVERY_MS : 0,
    gradeDue: config.GRADE_DUE_EVERY_MS,
  };
  const every = Object.fromEntries(
    SCHEDULES.map((name) => [name, here ? (override[name] ?? fromConfig[name] ?? DEFAULT_EVERY[name]) : 0]),
  ) as Record<ScheduleName, number>;
  return {
    every,
    outbox: {
      retry: {
        ...DEFAULT_RETRY,
        ...(config.OUTBOX_RETRY_BASE_MS ? { baseMs: config.OUTBOX_RETRY_BASE_MS } : {}),
        ...(config.OUTBOX_RETRY_MAX_MS ? { maxMs: config.OUTBOX_RETRY_MAX_MS } : {}),
      },
      ...(config.OUTBOX_LEASE_MS ? { leaseMs: config.OUTBOX_LEASE_MS } : {}),
      ...(config.OUTBOX_BATCH ? { batch: config.OUTBOX_BATCH } : {}),
      ...(config.OUTBOX_CONCURRENCY ? { concurrency: config.OUTBOX_CONCURRENCY } : {}),
    },
  };
}

/** Every repository and service of one process, built once. */
export type Composition = Awaited<ReturnType<typeof compose>>;

/**
 * Opens and migrates the database, then builds the store, the LTI core and every service over it. Starts nothing:
 * the entry points start the web server ({@link Composition.frameAncestors} feeds its CSP) and
 * {@link Composition.startSchedules}. `close()` stops what was started and closes the database.
 */
export async function compose(config: Config, logger: Logger, role: Role, options: ComposeOptions = {}) {
  if (role !== 'cli') for (const w of configWarnings(config)) logger.warn({ setting: w.setting }, w.message);
  const secrets: Secrets = resolveSecrets(config);
  const pgSchema = options.pgSchema ?? config.PG_SCHEMA;
  const db: Db = await openDb({
    url: config.DATABASE_URL,
    startupTimeoutMs: config.DB_STARTUP_TIMEOUT_SECONDS * 1000,
    log: logger,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    ...(pgSchema ? { pgSchema } : {}),
  });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const clock = options.clock ?? systemClock;
  const fetchOpt = options.fetch ? { fetch: options.fetch } : {};
  const background = backgroundSettings(config, role, options.every);

  // --- store ---
  const repos = {
    platforms: platformRepo(db.kysely),
    loginStates: loginStateRepo(db.kysely),
    launches: launchRepo(db.kysely, db.dialect),
    toolKeys: toolKeyRepo(db.kysely),
    courses: courseRepo(db.kysely),
    learners: learnerStore(db.kysely, db.dialect),
    instructor: instructorStore(db.kysely),
    fits: fitStore(db.kysely),
    evidence: lmsEvidenceRepo(db.kysely),
    deepLinking: deepLinkingRequests(db.kysely),
    adminAuthFailures: adminAuthFailureRepo(db.kysely),
    frameOrigins: frameOriginRepo(db.kysely),
    alerts: alertRepo(db.kysely),
    imports: courseImportRepo(db.kysely),
    authoring: authoringRepo(db.kysely),
    audit: auditRepo(db.kysely),
    privacy: privacyRepo(db.kysely),
    studentGoals: studentGoalRepo(db.kysely),
  };
  /** Who changes platforms and keys in this process, for the audit log: the admin pages, or an operator's CLI. */
  const operator: AuditActor = role === 'cli' ? { kind: 'cli' } : { kind: 'admin' };

  // --- platforms, and the origins that may frame us (src/services/frameAncestors.ts: configured, per-platform, learned) ---
  const baseRegistry = createPlatformRegistry({ platforms: repos.platforms, clock });
  const frameOrigins = createFrameAncestors({
    platforms: () => baseRegistry.all(),
    origins: repos.frameOrigins,
    extra: config.FRAME_ANCESTORS.split(/\s+/).filter(Boolean),
    clock,
    log: (level, msg, data) => logger[level](data, msg),
  });
  let servingWeb = false;
  const registry = {
    ...baseRegistry,
    invalidate: () => {
      baseRegistry.invalidate();
      if (servingWeb) frameOrigins.refresh().catch((err: unknown) => logger.error({ err }, 'could not refresh platform origins'));
    },
  };

  // --- metrics (README "Metrics"): the outbox gauges are read when Prometheus scrapes ---
  const metrics = await createMetrics({ enabled: Boolean(config.METRICS_TOKEN), outbox: () => outboxStats(db.kysely), now: () => clock.now() });

  // --- LTI core, keys, grade passback and roster (LTI Advantage) ---
  const keys = createToolKeyring({ repo: repos.toolKeys, keyEncryptionKey: secrets.keyEncryptionKey, clock });
  const lti = createLtiTool({
    registry,
    loginStates: repos.loginStates,
    clock,
    config: {
      baseUrl: config.BASE_URL,
      clockSkewSeconds: config.CLOCK_SKEW_SECONDS,
      launchMaxAgeSeconds: config.LAUNCH_MAX_AGE_SECONDS,
      openStatesPerClient: config.LOGIN_OPEN_STATES_PER_ADDRESS,
    },
    noteDeployment: async (platformId, deploymentId, status) => {
      await repos.platforms.noteDeployment(platformId, deploymentId, status, clock.now());
      registry.invalidate();
    },
    ...fetchOpt,
  });
  const advantage = buildAdvantage({
    db,
    signer: keys,
    logger,
    clock,
    requireHttps: config.NODE_ENV === 'production',
    observeLmsCall: metrics.observeLmsCall,
    ...fetchOpt,
    ...background.outbox,
  });
  /** The one grade hook: a mastery change writes its grade rows in the same transaction. */
  const afterMasteryChange: AfterMasteryChange = advantage.afterMasteryChange;

  // --- the engine, instructors' tools, deep linking, LMS grades as evidence ---
  const engine = buildEngineServices({
    courses: repos.courses,
    learners: repos.learners,
    clock,
    rng: { next: Math.random },
    ids: { newId: randomUUID },
    afterMasteryChange,
    ...(config.DEMO ? { readDemoCourse: readDemoCourseFile } : {}),
  });
  // --- students' goals, confidence before a check, badges and history (docs/decisions/0024-student-goals-confidence-badges.md) ---
  const goalDeps = { goals: repos.studentGoals, clock, masteryMap: engine.getMasteryMap };
  const studentGoals: StudentGoalServices = {
    now: () => clock.now(),
    get: (input, map) => getStudentGoals(goalDeps, input, map),
    set: (input) => setStudentGoal(goalDeps, input),
    remove: (input) => removeStudentGoal(goalDeps, input),
    history: (input, map) => listStudentHistory(goalDeps, input, map),
    saveConfidence: (input) => saveCheckConfidence(goalDeps, input),
    confidence: (input) => checkConfidence(goalDeps, input),
  };
  const instructor = buildInstructorServices({
    courses: repos.courses,
    learners: repos.learners,
    instructor: repos.instructor,
    clock,
    ids: { newId: randomUUID },
    classifyRoles: summariseRoles,
    afterMasteryChange,
    grades: advantage.lineItems,
    audit: repos.audit,
  });
  const alertDeps = {
    courses: repos.courses,
    learners: repos.learners,
    instructor: repos.instructor,
    classifyRoles: summariseRoles,
    alerts: repos.alerts,
    failedGrades: async (contextId: string) => (await advantage.outbox.counts(contextId)).failed,
    clock,
  };
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
  const alerts = {
    listAlerts: (i: { contextId: string; userId: string }) => listAlerts(alertDeps, i),
    markAlertsRead: (i: { contextId: string; userId: string }) => markAlertsRead(alertDeps, i),
    sendAlertDigests: async () =>
      mailer ? sendAlertDigests({ ...alertDeps, mailer, compose: async (d) => composeDigest(d, translator((await advantage.lineItems.getPolicy(d.contextId)).language)) }) : { sent: 0, failed: 0 },
  };
  const setup = buildCourseSetupServices({
    courses: repos.courses,
    samples: sampleUnits(),
    directory: courseDirectory(db.kysely),
    classifyRoles: summariseRoles,
    clock,
  });
  const importServices = buildCourseImportServices({ imports: repos.imports, courses: repos.courses, clock, ids: { newId: randomUUID } });
  const courseImport = {
    ...importServices,
    // A commit finishes after its request answered: its failure is recorded on the import and logged here.
    startCourseImport: async (i: Parameters<typeof importServices.startCourseImport>[0]) => {
      const run = await importServices.startCourseImport(i);
      run.done.catch((err: unknown) => logger.warn({ err, contextId: i.contextId, importId: i.id }, 'course import commit failed'));
      return run;
    },
  };
  const lmsEvidence = buildLmsEvidenceServices({
    evidence: repos.evidence,
    contexts: advantage.contexts,
    lti: advantage.lti,
    courses: repos.courses,
    learners: repos.learners,
    clock,
    afterMasteryChange,
  });

  // --- what runs after a launch, in order ---
  const afterLaunch: AfterLaunchStep[] = [
    {
      // Before answering: the page this launch redirects to must already allow the LMS page that frames it.
      name: 'learn the framing origin',
      run: (done) => frameOrigins.learnFromLaunch(done.launch),
    },
    {
      // An instructor's launch refreshes a stale roster (the roster schedule covers the rest).
      name: 'roster refresh when stale',
      background: true,
      run: async (done) => {
        if (!done.launch.isInstructor || !done.launch.nrps || !done.contextId) return;
        await advantage
          .refreshRosterIfStale({ contextId: done.contextId, maxAgeMs: 3600_000 })
          .catch((err: unknown) => logger.warn({ err, contextId: done.contextId }, 'roster refresh after launch failed'));
      },
    },
    ...(config.DEMO
      ? [
          {
            name: 'demo course',
            run: async (done: { contextId: string | null; courseHasContent: boolean }) => {
              if (!done.contextId) return;
              await engine.ensureDemoCourse(done.contextId);
              done.courseHasContent = true;
            },
          },
        ]
      : []),
    {
      // The placement's own column (AGS `lineitem`) receives the activity grade; a new one is filled at once (ADR 0014).
      name: 'remember the placement',
      run: async (done) => {
        const l = done.launch;
        if (l.messageType !== 'LtiResourceLinkRequest' || !done.contextId || !l.resourceLink) return;
        await rememberPlacement(
          { lineItems: advantage.lineItems, courses: repos.courses, clock },
          { contextId: done.contextId, resourceLink: l.resourceLink, custom: (l.extra.custom ?? {}) as Record<string, unknown>, lineItemUrl: l.ags?.lineitem ?? null },
        ).catch((err: unknown) => logger.warn({ err, contextId: done.contextId }, 'could not remember the placement\u2019s grade column'));
      },
    },
  ];
  const services = buildFoundationServices({
    platforms: repos.platforms,
    registry,
    loginStates: repos.loginStates,
    launches: repos.launches,
    lti,
    keys,
    clock,
    newId: randomUUID,
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    afterLaunch,
    audit: { log: repos.audit, actor: operator },
  });
  const deepLinking = buildDeepLinkingServices({
    messages: deepLinkingMessages,
    requests: repos.deepLinking,
    registry,
    courses: repos.courses,
    signJwt: (payload, o) => services.signJwt(payload, o),
    scoreMaximum: async (contextId) => (await advantage.lineItems.getPolicy(contextId)).scoreMaximum,
    saveActivity: (contextId, activity, at) => advantage.lineItems.saveActivity(contextId, activity, at),
    fillColumns: (contextId, objectiveIds, at) => fillColumn({ lineItems: advantage.lineItems }, contextId, objectiveIds, at),
    newNonce: randomUUID,
    launchUrl: `${config.BASE_URL}/lti/launch`,
    clock,
  });

  /**
   * Rebuilds a course's projection from its log, then the grade standings the LMS grades are computed from, and queues
   * the grades that change (regradeFromLog): what a re-graded answer key and `npm run recompute` both need.
   */
  const recomputeWithGrades = async (contextId: string) => {
    let summary: Awaited<ReturnType<typeof engine.recomputeMastery>> | undefined;
    const recompute = async (c: string) => void (summary = await engine.recomputeMastery({ contextId: c }));
    const gradesQueued = await regradeFromLog({ learners: repos.learners, lineItems: advantage.lineItems, clock, recompute }, contextId);
    return { ...(summary as NonNullable<typeof summary>), gradesQueued };
  };

  // --- authoring: drafts, publish, preview, images (docs/decisions/0016-authoring-drafts-and-content-events.md) ---
  const authoring = buildAuthoringServices({
    courses: repos.courses,
    authoring: repos.authoring,
    clock,
    ids: { newId: randomUUID },
    regrade: async (contextId) => void (await recomputeWithGrades(contextId)),
  });

  // --- background work ---
  let schedules: RunningSchedules | undefined;
  const grades = {
    listGradeLedger: (i: { contextId: string }) => listGradeLedger(advantage, i),
    resendGrades: async ({ actorUserId, ...i }: { contextId: string; ids?: readonly number[]; actorUserId?: string }) => {
      const n = await resendGrades({ outbox: advantage.outbox, clock }, i);
      schedules?.outbox?.nudge();
      const actor: AuditActor = actorUserId ? { kind: 'instructor', userId: actorUserId } : operator;
      if (n) await repos.audit.record({ action: 'grades_resent', actor, contextId: i.contextId, details: { grades: n } }, clock.now());
      return n;
    },
    getGradePolicy: (contextId: string) => advantage.lineItems.getPolicy(contextId),
    setGradePolicy: (p: Parameters<typeof setGradePolicy>[1], actorUserId?: string) =>
      setGradePolicy({ lineItems: advantage.lineItems, clock, audit: repos.audit }, p, actorUserId ? { kind: 'instructor', userId: actorUserId } : operator),
    openSubmissionReview: (s: LaunchSession) =>
      openSubmissionReview({ userIdOf: (p, sub) => advantage.lineItems.userIdOf(p, sub), objectiveIdForKey: (c, k) => deepLinking.objectiveIdForKey(c, k) }, s),
    finaliseGrades: async ({ actorUserId, ...i }: { contextId: string; finalise: boolean; actorUserId: string }) => {
      const n = await finaliseGrades({ lineItems: advantage.lineItems, clock, audit: repos.audit }, { ...i, actor: { kind: 'instructor', userId: actorUserId } });
      schedules?.outbox?.nudge();
      return n;
    },
    /** The due-date schedule's tick (src/services/finalGrades.ts). */
    closeDueGrades: () => closeDueGrades({ lineItems: advantage.lineItems, clock }),
  };

  // --- privacy: a student's export and erasure, retention (docs/decisions/0019-privacy-audit-erasure.md) ---
  const privacyDeps: StudentPrivacyDeps = {
    privacy: repos.privacy,
    audit: repos.audit,
    clock,
    newId: randomUUID,
    classifyRoles: summariseRoles,
    recompute: async (contextId) => {
      await engine.recomputeMastery({ contextId }).catch((err: unknown) => {
        if (!(err instanceof AppError && err.code === 'ERR_NOT_FOUND')) throw err;
      });
    },
  };
  const privacy = {
    findPeople: (query: string) => repos.privacy.findPeople(query, 50),
    exportStudent: (i: PrivacyRequest & { format: 'json' | 'csv' }) => exportStudent(privacyDeps, i),
    previewErasure: (i: PrivacyRequest) => previewErasure(privacyDeps, i),
    eraseStudent: (i: PrivacyRequest) => eraseStudent(privacyDeps, i),
    /** Purges courses inactive for RETENTION_DAYS (or `days`); nothing when retention is off and no `days` is given. */
    purgeInactiveCourses: async (i: { dryRun: boolean; days?: number; actor?: AuditActor }) => {
      const days = i.days ?? config.RETENTION_DAYS;
      if (days <= 0) return { dryRun: i.dryRun, before: 0, courses: [] };
      return purgeInactiveCourses(privacyDeps, { days, dryRun: i.dryRun, actor: i.actor ?? { kind: 'system' } });
    },
    listAudit: (q: { contextId?: string; limit: number; beforeId?: number }) => repos.audit.list(q),
  };
  const scheduleServices: ScheduleServices = {
    drainOutbox: (p) => advantage.drainOnce(p),
    syncRoster: async (input) => {
      try {
        const r = await advantage.syncRoster(input);
        metrics.observeRosterSync(true);
        return r;
      } catch (err) {
        metrics.observeRosterSync(false);
        throw err;
      }
    },
    staleRosters: (limit) => advantage.staleRosters(limit),
    importLmsEvidence: (input) => lmsEvidence.importLmsEvidence(input),
    contextsWithMaps: () => lmsEvidence.contextsWithMaps(),
    // On a worker thread: a web process running the schedule keeps answering while a course is fitted.
    fitObjectiveParams: (input) => fitObjectiveParams({ fits: repos.fits, clock, compute: threadFits }, input),
    purgeExpired: (at) => services.purgeExpired(at),
    sendAlertDigests: () => alerts.sendAlertDigests(),
    purgeInactiveCourses: (i) => privacy.purgeInactiveCourses(i),
    closeDueGrades: () => grades.closeDueGrades(),
  };
  /** Checks an admin token from a client address (hash), throttled per address (services/verifyAdminToken.ts). */
  const checkAdminToken = (clientHash: string, token: string) =>
    verifyAdminToken({ failures: repos.adminAuthFailures, clock, matches: (t) => sameToken(t, secrets.adminToken) }, { clientHash, token });
  let originTimer: NodeJS.Timeout | undefined;

  // --- dynamic registration and the console's platform controls (docs/decisions/0017-dynamic-registration.md) ---
  const registrationHttp = createRegistrationClient({
    production: config.NODE_ENV === 'production',
    privateHosts: config.REGISTRATION_PRIVATE_HOSTS.split(/[\s,]+/).filter(Boolean),
  });
  const manage = { platforms: repos.platforms, registry };
  const registration = {
    registerDynamically: (input: Parameters<typeof registerDynamically>[1]) =>
      registerDynamically({ ...manage, clock, newId: randomUUID, http: registrationHttp, baseUrl: config.BASE_URL, scopes: lti.scopes }, input),
    limit: (clientKey: string) => limitRegistrations({ attempts: repos.adminAuthFailures, clock }, clientKey),
    setPlatformStatus: (input: Parameters<typeof setPlatformStatus>[1]) => setPlatformStatus(manage, input),
    setNewDeployments: (input: Parameters<typeof setNewDeployments>[1]) => setNewDeployments(manage, input),
    setDeploymentStatus: (input: Parameters<typeof setDeploymentStatus>[1]) => setDeploymentStatus(manage, input),
    listCourses: () => listCourses(manage),
    /** The tool's keys (never private material): current signs, next is published ahead, retired is kept unpublished. */
    listKeys: async () => (await repos.toolKeys.list()).map((k) => ({ kid: k.kid, status: k.status, createdAt: k.createdAt })),
    rotateKeys: async () => void (await keys.rotate()),
    isLmsAdministrator,
    selfTest: (platformId: string) =>
      selfTestPlatform(
        {
          platforms: repos.platforms,
          probeToken: (p, scopes) => advantage.probeToken({ platformId: p.id, issuer: p.issuer, clientId: p.clientId, tokenUrl: p.tokenUrl, vendor: p.vendor }, scopes),
          scopes: { grades: [AGS_SCOPES.lineItem, AGS_SCOPES.score], roster: [NRPS_SCOPE] },
          gradesGranted: (ags) => advantage.lti.grants(ags, 'grades'),
        },
        platformId,
      ),
  };

  return {
    config,
    logger,
    secrets,
    db,
    clock,
    repos,
    registry,
    keys,
    services,
    advantage,
    engine,
    studentGoals,
    instructor,
    lmsEvidence,
    deepLinking,
    setup,
    grades,
    alerts,
    courseImport,
    authoring,
    privacy,
    recomputeWithGrades,
    /** Prometheus metrics of this process (src/metrics.ts). */
    metrics,
    /** The audit log (other features record their actions here: `audit.record(event, at)`). */
    audit: repos.audit,
    checkAdminToken,
    registration,
    scheduleServices,
    /** The background settings this process runs with (derived from the config). */
    background,
    /** Origins allowed to frame the tool (the same array until the list changes). */
    frameAncestors: (): readonly string[] => frameOrigins.current(),
    /** Web process: ensures the tool's keys and keeps the platform origins fresh (every minute). */
    prepareWeb: async () => {
      await keys.ensureKeys();
      await frameOrigins.refresh();
      servingWeb = true;
      originTimer ??= setInterval(() => registry.invalidate(), 60_000);
      originTimer.unref();
    },
    /** Starts the schedules this process runs (none when every interval is 0). */
    startSchedules: (): RunningSchedules => {
      schedules ??= startSchedules(scheduleServices, {
        every: background.every,
        ...(background.outbox.batch ? { outboxBatch: background.outbox.batch } : {}),
        log: logger,
        observe: metrics.observeJob,
      });
      return schedules;
    },
    /** Stops the schedules (waiting for work in flight) and closes the database. */
    close: async () => {
      clearInterval(originTimer);
      await registrationHttp.close();
      await schedules?.stop();
      mailer?.close();
      await db.close();
    },
  };
}
