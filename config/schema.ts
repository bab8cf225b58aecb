import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every setting Masterly reads, parsed once at start (see README "Configuration").
 * Only src/main.ts and the CLIs read process.env; everything else receives the frozen Config.
 */
export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /**
     * Address the HTTP server listens on (an IP address or host name). Unset: 127.0.0.1 (this machine only) outside
     * production, 0.0.0.0 (every interface) in production and in the image.
     */
    HOST: z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0' }).optional(),
    /** Public base URL of the tool: LTI URLs (login, launch, JWKS) are built from it. */
    BASE_URL: z.url().default('http://localhost:3000').transform((u) => u.replace(/\/+$/, '')),
    /** `postgres://…` for PostgreSQL; `sqlite:<path>` (or `sqlite::memory:`) for the embedded store. */
    DATABASE_URL: z.string().min(1).default('sqlite:./data/masterly.db'),
    /** Signs session and login cookies. Generated into ./data on first start when unset outside production. */
    COOKIE_SECRET: z.string().min(32).optional(),
    /** 32 bytes, base64: encrypts the tool's private keys at rest. Generated like COOKIE_SECRET when unset. */
    KEY_ENCRYPTION_KEY: z.string().min(43).optional(),
    /** Bearer token for admin pages and APIs (platform registration). Generated and logged when unset outside production. */
    ADMIN_TOKEN: z.string().min(24).optional(),
    /** Where generated secrets are kept when the variables above are unset (never used in production). */
    DATA_DIR: z.string().default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `json` lines for log shippers, `pretty` readable lines; default: pretty in development and the demo, else json. */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    /** Extra origins allowed to frame the tool (space separated); registered platforms are always allowed. */
    FRAME_ANCESTORS: z.string().default(''),
    /** Host names whose private addresses dynamic registration may call in production (an LMS on the school network). */
    REGISTRATION_PRIVATE_HOSTS: z.string().default(''),
    /** Express `trust proxy` setting (hops or a list), for deployments behind a TLS-terminating proxy. */
    TRUST_PROXY: z.string().default('loopback'),
    /** Session lifetime after a launch, in seconds (at most an hour). */
    SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(3600),
    /** Oldest id_token `iat` accepted, in seconds. */
    LAUNCH_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
    /**
     * Most open (started, not yet completed, unexpired) LTI logins one client address may hold; beyond it a login
     * gets 429. A school behind one NAT address launches a class of 300 at once (docs/decisions/0007-abuse-limits.md).
     */
    LOGIN_OPEN_STATES_PER_ADDRESS: z.coerce.number().int().min(1).default(1000),
    /** Allowed clock difference with platforms, in seconds. */
    CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
    /**
     * Run the background schedules (grade outbox, roster, LMS evidence, BKT fitting, purge) inside the web process.
     * Set to false when they run in stand-alone workers (`node dist/src/worker.js`).
     */
    IN_PROCESS_WORKER: bool.default(true),
    /** Milliseconds between schedule runs (0 turns one off); unset means each schedule's default. */
    OUTBOX_IDLE_MS: z.coerce.number().int().min(0).optional(),
    ROSTER_EVERY_MS: z.coerce.number().int().min(0).optional(),
    LMS_EVIDENCE_EVERY_MS: z.coerce.number().int().min(0).optional(),
    FIT_EVERY_MS: z.coerce.number().int().min(0).optional(),
    PURGE_EVERY_MS: z.coerce.number().int().min(0).optional(),
    /** How often grades whose due date passed are made final in the LMS (ms; default one minute). */
    GRADE_DUE_EVERY_MS: z.coerce.number().int().min(0).optional(),
    /** E-mail digests of instructor alerts: off unless an SMTP server is given (`smtp://user:pass@host:587`). */
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('Masterly <no-reply@localhost>'),
    /** How often digests go out (ms; default one day). */
    DIGEST_EVERY_MS: z.coerce.number().int().min(0).optional(),
    /**
     * Retention: delete the learner data of a course this many days after its last activity (an answer or a launch);
     * 0 (the default) keeps it until erased by hand. RETENTION_EVERY_MS: how often the purge runs (6 h).
     */
    RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
    RETENTION_EVERY_MS: z.coerce.number().int().min(0).optional(),
    /** Bearer token Prometheus sends to scrape `/metrics`; unset, `/metrics` does not exist (404). */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Grade outbox tuning: first retry delay and its cap, lease length, rows per claim, concurrent sends. */
    OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(1).optional(),
    OUTBOX_RETRY_MAX_MS: z.coerce.number().int().min(1).optional(),
    OUTBOX_LEASE_MS: z.coerce.number().int().min(100).optional(),
    OUTBOX_BATCH: z.coerce.number().int().min(1).max(1000).optional(),
    OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    /** How long start-up waits for an unreachable PostgreSQL (retrying with a log line) before exiting; 0 = try once. */
    DB_STARTUP_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    /** PostgreSQL schema instead of `public` (test isolation for stand-alone workers). */
    PG_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
    /** Start the built-in LMS emulator beside the tool (also `--demo`). */
    DEMO: bool.default(false),
    /** Port of the built-in LMS emulator in demo mode. */
    DEVPLATFORM_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** Public base URL of the emulator (same host name as BASE_URL so cookies behave as in a real LMS). */
    DEVPLATFORM_URL: z.url().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production') {
      for (const key of ['COOKIE_SECRET', 'KEY_ENCRYPTION_KEY', 'ADMIN_TOKEN'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required in production` });
      }
      if (!c.DATABASE_URL.startsWith('postgres')) {
        // Allowed, but worth knowing: SQLite supports one process only.
      }
    }
  })
  .transform((c) => ({
    ...c,
    HOST: c.HOST ?? (c.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    LOG_FORMAT: c.LOG_FORMAT ?? (c.NODE_ENV === 'development' ? ('pretty' as const) : ('json' as const)),
  }));

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses the environment once; throws a readable error naming each bad setting (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
