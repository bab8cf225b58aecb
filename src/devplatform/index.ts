import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SignJWT, base64url, type JWK } from 'jose';
import { pino, type Logger } from 'pino';
import { agsRouter } from './ags.js';
import { authRouter } from './auth.js';
import { buildLaunchClaims } from './claims.js';
import { COURSE, DEFAULT_RESOURCE_LINK, SECTION_B_RESOURCE_LINK, platformEndpoints, toolEndpoints, type Ctx, type AgsMode, type Mode, type Quirks } from './context.js';
import { getMeta, openDpDb, setMeta } from './db.js';
import { deepLinkingRouter } from './deepLinking.js';
import { createFaults, type Faults } from './faults.js';
import { createToolKeys, loadPlatformKeySet, newRsaKey, rotatePlatformKey, type PlatformKey } from './keys.js';
import { createLaunch, signWithPlatformKey, type LaunchIntent } from './launches.js';
import { nrpsRouter } from './nrps.js';
import { pagesRouter } from './pages.js';
import { newRegistrationState, registrationRouter, type RegistrationState } from './registration.js';
import { isLearner, type DevUser, type MemberStatus } from './people.js';
import { openRoster } from './roster.js';
import { canvasApiQuirks, tokenRouter } from './token.js';
import { projectPath } from '../projectRoot.js';

export type { AgsMode, Mode, Quirks } from './context.js';
export type { FaultScope, FaultSpec, Faults } from './faults.js';
export type { DevUser, MemberStatus } from './people.js';
export { ROLES } from './people.js';
export { CLAIM } from './claims.js';

const VIEWS_DIR = projectPath('views');
const CLIENT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Options for {@link startDevPlatform}. */
export interface DevPlatformOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (the demo passes the tool's HOST); unset: every interface. */
  host?: string;
  /** Public URL (issuer); defaults to `http://localhost:<port>`. */
  baseUrl?: string;
  /** The tool's base URL, e.g. `http://localhost:3000`. */
  toolUrl: string;
  /** `sqlite::memory:` (default) or `sqlite:<file>`. */
  dbUrl?: string;
  mode?: Mode;
  /**
   * Canvas-like origins: the course page (and its return URLs) on a second listener, a different origin from the
   * issuer, auth, JWKS and token endpoints — as `school.instructure.com` frames tools whose auth is on
   * `sso.canvaslms.com`.
   */
  splitOrigins?: boolean;
  /** Port of the course-page listener when `splitOrigins` (0, the default, picks a free one). */
  pagePort?: number;
  logger?: Logger;
  /** Clock in epoch milliseconds (tests may freeze it). */
  now?: () => number;
  /**
   * The default "Masterly" link is an activity with its own grade column, as every Moodle activity is (the demo).
   * Off by default: tests that count columns start without it.
   */
  gradedActivity?: boolean;
}

/** What the tool must register for this platform. */
export interface PlatformRegistration {
  issuer: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  deploymentIds: string[];
  name: string;
  vendor: Mode;
}

/** Options for {@link DevPlatform.signIdToken}. */
export interface SignOptions {
  /** `null` omits the kid; a string overrides it. */
  kid?: string | null;
  alg?: 'RS256' | 'none' | 'HS256';
  /** `other` signs with an RSA key the platform JWKS does not publish. */
  key?: 'platform' | 'other';
}

/** A score as the emulator received it (the history keeps every accepted score, in arrival order). */
export interface ReceivedScore {
  seq: number;
  lineItemId: number;
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  comment?: string;
  activityProgress: string;
  gradingProgress: string;
  timestamp: string;
  /** False when an older timestamp than the stored result was ignored. */
  applied: boolean;
}

/** The latest result per line item and user. */
export interface StoredResult {
  lineItemId: number;
  lineItemUrl: string;
  label: string;
  resourceId: string | null;
  tag: string | null;
  userId: string;
  scoreGiven: number | null;
  scoreMaximum: number | null;
  /** Normalised to the line item's maximum. */
  resultScore: number | null;
  lineItemMaximum: number;
  comment: string | null;
  timestamp: string;
  /** Canvas mode: the score left a submitted, ungraded submission (the teacher's "needs grading" list). */
  needsGrading: boolean;
}

/** A running LMS emulator. */
export interface DevPlatform {
  url: string;
  /** The course page's origin: `url`, or the second listener's with `splitOrigins`. */
  pageUrl: string;
  issuer: string;
  /** The tool's client id (a registration by URL issues a new one). */
  readonly clientId: string;
  readonly deploymentId: string;
  /** The course hosted now (`context.id` of launches). */
  readonly courseId: string;
  readonly mode: Mode;
  /** Dynamic registration: the tool registered by URL, tokens issued, grants (src/devplatform/registration.ts). */
  readonly registrations: RegistrationState;
  registration(): PlatformRegistration;
  /** Everyone in the course (seed plus any bulk members), in roster order. */
  readonly users: DevUser[];
  setMode(mode: Mode): void;
  /** Moodle's AGS modes: 'sync_only' grants only the score scope and the link's own `lineitem` in launches and tokens. */
  setAgsMode(mode: AgsMode): void;
  /**
   * Adds an activity by hand, as a teacher does in the LMS (no deep linking): a resource link with custom parameters
   * and, with `lineItem`, its own grade column (Moodle: every activity's grade item; Canvas: an assignment). Returns the
   * resource link id and the column's id.
   */
  addResourceLink(input: { title: string; custom?: Record<string, string>; lineItem?: { label: string; scoreMaximum: number } }): Promise<{ id: string; lineItemId: number | null }>;
  /**
   * Hosts another course from now on (a new term): its `context.id`, names and the course ids it was copied from,
   * which Canvas mode sends as `$Canvas.course.previousContextIds` (custom `canvas_previous_context_ids`). Roster,
   * resource links and gradebook stay.
   */
  setCourse(course: { id: string; title?: string; label?: string; copiedFrom?: string[] }): void;
  /** Switches LMS-version behaviours on or off (e.g. Moodle's string booleans in deep linking settings). */
  setQuirks(quirks: Partial<Quirks>): void;
  faults: Faults;
  /** A valid id_token claim set (iss, aud, sub, iat, exp, nonce and the LTI claims) for tests to tamper with. */
  launchClaims(input: { userId: string; nonce: string; resourceLinkId?: string; messageType?: string }): Record<string, unknown>;
  signIdToken(claims: Record<string, unknown>, opts?: SignOptions): Promise<string>;
  /** Records a launch and returns the login initiation URL (what the course page puts in the iframe). */
  createLaunch(input: { userId: string; messageType?: LaunchIntent['messageType']; resourceLinkId?: string; forUserId?: string }): Promise<{ intentId: string; loginUrl: string; loginParams: Record<string, string> }>;
  /** Adds `n` students (benchmarks); returns them. */
  seedMembers(n: number): Promise<DevUser[]>;
  /** Changes a member's status (shows up in NRPS and its differences link). */
  setMemberStatus(userId: string, status: MemberStatus): Promise<void>;
  /** The language a member's launches ask for (`launch_presentation.locale`, e.g. 'es'); in memory only. */
  setMemberLocale(userId: string, locale: string): void;
  scoreHistory(): Promise<ReceivedScore[]>;
  results(): Promise<StoredResult[]>;
  /**
   * Rotates the platform's signing key: a new key (new kid) signs every id_token from now on, and the JWKS serves
   * the new key and every earlier one. Persisted like the first key; returns the new kid.
   */
  rotatePlatformKey(): Promise<string>;
  /** How many times the platform JWKS was requested since start (tests check the tool caches it). */
  readonly jwksRequests: number;
  /** Access token requests received since start (tests check no token is asked for a refused service URL). */
  readonly tokenRequests: number;
  /** Deep Linking responses received, newest last (their verified claims). */
  deepLinkResponses(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

const randomClientId = (): string => {
  const bytes = randomBytes(15);
  return Array.from(bytes, (b) => CLIENT_ID_ALPHABET[b % CLIENT_ID_ALPHABET.length]).join('');
};

/** Starts an LMS emulator: its own SQLite, keys, seeded course, HTTP server. Several may run in one process. */
export async function startDevPlatform(opts: DevPlatformOptions): Promise<DevPlatform> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const now = opts.now ?? Date.now;
  const toolUrl = opts.toolUrl.replace(/\/+$/, '');
  let mode: Mode = opts.mode ?? 'generic';
  let agsMode: AgsMode = 'full';
  const db = await openDpDb(opts.dbUrl ?? 'sqlite::memory:');

  let clientId = await getMeta(db, 'client_id');
  if (!clientId) {
    clientId = randomClientId();
    await setMeta(db, 'client_id', clientId);
  }
  const deploymentId = (await getMeta(db, 'deployment_id')) ?? '1';
  await setMeta(db, 'deployment_id', deploymentId);
  const courseId = '2';
  let keySet = await loadPlatformKeySet(db);
  let jwksRequests = 0;
  let tokenRequests = 0;
  const roster = await openRoster(db);
  await seedResourceLinks(db, roster.list(), now());
  if (opts.gradedActivity) await gradeDefaultLink(db, now());

  const app = express();
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ type: ['application/json', 'application/*+json'], limit: '1mb' }));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = opts.host ? app.listen(opts.port ?? 0, opts.host, () => resolve(s)) : app.listen(opts.port ?? 0, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = (opts.baseUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');

  // Canvas-like: a second listener for the course pages, on another origin than auth/JWKS/token.
  const pageApp = opts.splitOrigins ? express() : undefined;
  const pageServer = pageApp
    ? await new Promise<Server>((resolve, reject) => {
        const s = pageApp.listen(opts.pagePort ?? 0, () => resolve(s));
        s.once('error', reject);
      })
    : undefined;
  const pageUrl = pageServer ? `http://localhost:${(pageServer.address() as AddressInfo).port}` : url;

  const faults = createFaults();
  const registrations = newRegistrationState();
  const ctx: Ctx = {
    db,
    logger,
    url,
    pageUrl,
    toolUrl,
    clientId,
    deploymentId,
    courseId,
    course: { label: COURSE.label, title: COURSE.title, copiedFrom: [] },
    key: keySet.current,
    toolKeys: createToolKeys(toolEndpoints(toolUrl).jwks),
    faults,
    roster,
    mode: () => mode,
    agsMode: () => agsMode,
    quirks: { stringBooleans: false, platformStorage: 'auto' },
    now,
    randomId: (bytes = 16) => randomBytes(bytes).toString('base64url'),
    tool: () => ({ pending: registrations.tool?.status === 'pending', ...registrations.grants }),
  };

  // The JWKS counts its requests (tests check the tool caches it) and honours faults only when they opt in (scope 'jwks').
  app.get('/.well-known/jwks.json', (_req, _res, next) => {
    jwksRequests += 1;
    next();
  });
  app.use('/.well-known/jwks.json', faults.middleware(() => false, 'jwks'));
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.json({ keys: [ctx.key.publicJwk, ...keySet.previous] });
  });
  app.use(authRouter(ctx));
  app.use(deepLinkingRouter(ctx));
  // Service endpoints: Canvas quirks, then the fault switches, then the services.
  app.post('/token', (_req, _res, next) => {
    tokenRequests += 1;
    next();
  });
  const services = ['/token', '/api/lti'];
  app.use(services, canvasApiQuirks(ctx));
  app.use(services, faults.middleware(() => mode === 'canvas'));
  app.use(tokenRouter(ctx));
  app.use(nrpsRouter(ctx));
  app.use(agsRouter(ctx));
  app.use(pagesRouter(ctx));
  app.use(
    registrationRouter(ctx, registrations, async (cid, did) => {
      await setMeta(db, 'client_id', cid);
      await setMeta(db, 'deployment_id', did);
    }),
  );
  if (pageApp) {
    pageApp.disable('x-powered-by');
    pageApp.set('view engine', 'ejs');
    pageApp.set('views', VIEWS_DIR);
    pageApp.use(express.urlencoded({ extended: false, limit: '1mb' }));
    pageApp.use(deepLinkingRouter(ctx));
    pageApp.use(pagesRouter(ctx));
  }
  for (const a of pageApp ? [app, pageApp] : [app]) {
    a.use((_req, res) => {
      res.status(404).render('devplatform/error', { title: 'Not found', code: 'not_found', message: 'There is no such page.' });
    });
    a.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      logger.error({ err }, 'devplatform error');
      if (!res.headersSent) res.status(500).json({ error: 'server_error' });
    });
  }

  let otherKey: PlatformKey | undefined;
  const ep = platformEndpoints(url, courseId);
  logger.info({ url, clientId, deploymentId, mode }, 'LMS emulator is listening');

  return {
    url,
    pageUrl,
    issuer: url,
    get clientId() {
      return ctx.clientId;
    },
    get deploymentId() {
      return ctx.deploymentId;
    },
    registrations,
    get courseId() {
      return ctx.courseId;
    },
    get mode() {
      return mode;
    },
    registration: () => ({
      issuer: url,
      clientId: ctx.clientId,
      authUrl: ep.auth,
      tokenUrl: ep.token,
      jwksUrl: ep.jwks,
      deploymentIds: [ctx.deploymentId],
      name: 'Masterly emulator',
      vendor: mode,
    }),
    get users() {
      return roster.list();
    },
    setMode(m) {
      mode = m;
    },
    setAgsMode(m) {
      agsMode = m;
    },
    async addResourceLink(input) {
      const id = `rl-${ctx.randomId(6)}`;
      const at = ctx.now();
      let lineItemId: number | null = null;
      if (input.lineItem) {
        const row = await db
          .insertInto('dp_line_items')
          .values({ label: input.lineItem.label, score_maximum: input.lineItem.scoreMaximum, resource_id: null, tag: null, resource_link_id: id, start_date_time: null, end_date_time: null, extra: '{}', created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        lineItemId = row.id;
      }
      await db
        .insertInto('dp_resource_links')
        .values({ id, title: input.title, description: null, custom: JSON.stringify(input.custom ?? {}), members: null, line_item_id: lineItemId, created_at: at })
        .execute();
      return { id, lineItemId };
    },
    setCourse(c) {
      ctx.courseId = c.id;
      ctx.course = { label: c.label ?? ctx.course.label, title: c.title ?? ctx.course.title, copiedFrom: [...(c.copiedFrom ?? [])] };
    },
    setQuirks(q) {
      Object.assign(ctx.quirks, q);
    },
    faults,
    launchClaims(input) {
      const user = roster.get(input.userId);
      if (!user) throw new Error(`no member ${input.userId}`);
      const messageType = input.messageType === 'LtiDeepLinkingRequest' ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest';
      const claims = buildLaunchClaims(ctx, {
        user,
        nonce: input.nonce,
        messageType,
        resourceLink: { id: input.resourceLinkId ?? DEFAULT_RESOURCE_LINK, title: 'Masterly' },
        ...(messageType === 'LtiDeepLinkingRequest' ? { deepLinkData: 'test-deep-link-data' } : {}),
      });
      if (input.messageType && input.messageType !== messageType) claims['https://purl.imsglobal.org/spec/lti/claim/message_type'] = input.messageType;
      return claims;
    },
    async signIdToken(claims, o = {}) {
      const alg = o.alg ?? 'RS256';
      const signer = o.key === 'other' ? (otherKey ??= await newRsaKey('other-')) : ctx.key;
      const kid = o.kid === null ? undefined : (o.kid ?? signer.kid);
      const header = { alg, typ: 'JWT', ...(kid !== undefined ? { kid } : {}) };
      if (alg === 'none') {
        const enc = (v: unknown): string => base64url.encode(JSON.stringify(v));
        return `${enc(header)}.${enc(claims)}.`;
      }
      if (alg === 'HS256') {
        // Algorithm confusion: an HMAC keyed with the platform's public key.
        return new SignJWT(claims).setProtectedHeader(header).sign(new TextEncoder().encode(signer.publicPem));
      }
      if (o.key !== 'other' && o.kid === undefined) return signWithPlatformKey(ctx, claims);
      return new SignJWT(claims).setProtectedHeader(header).sign(signer.privateKey);
    },
    async createLaunch(input) {
      const { intent, loginUrl, loginParams } = await createLaunch(ctx, input);
      return { intentId: intent.id, loginUrl, loginParams };
    },
    async rotatePlatformKey() {
      keySet = await rotatePlatformKey(db, keySet);
      ctx.key = keySet.current;
      return keySet.current.kid;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    seedMembers: (n) => roster.addStudents(n),
    setMemberStatus: (userId, status) => roster.setStatus(userId, status),
    setMemberLocale: (userId, locale) => roster.setLocale(userId, locale),
    async scoreHistory() {
      const rows = await db.selectFrom('dp_score_history').selectAll().orderBy('seq').execute();
      return rows.map((r) => {
        const b = JSON.parse(r.body) as Omit<ReceivedScore, 'seq' | 'lineItemId' | 'applied'>;
        return { ...b, seq: r.seq, lineItemId: r.line_item_id, userId: r.user_id, applied: r.applied === 1 };
      });
    },
    async results() {
      const rows = await db
        .selectFrom('dp_results')
        .innerJoin('dp_line_items', 'dp_line_items.id', 'dp_results.line_item_id')
        .selectAll('dp_results')
        .select(['dp_line_items.label', 'dp_line_items.resource_id', 'dp_line_items.tag', 'dp_line_items.score_maximum as li_max'])
        .orderBy('dp_results.line_item_id')
        .orderBy('dp_results.user_id')
        .execute();
      return rows.map((r) => ({
        lineItemId: r.line_item_id,
        lineItemUrl: `${ep.lineItems}/${r.line_item_id}`,
        label: r.label,
        resourceId: r.resource_id,
        tag: r.tag,
        userId: r.user_id,
        scoreGiven: r.score_given,
        scoreMaximum: r.score_maximum,
        resultScore: r.result_score,
        lineItemMaximum: r.li_max,
        comment: r.comment,
        timestamp: r.timestamp,
        needsGrading: r.needs_grading === 1,
      }));
    },
    async deepLinkResponses() {
      const rows = await db.selectFrom('dp_deep_links').select('payload').orderBy('id').execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
    },
    async close() {
      for (const s of pageServer ? [server, pageServer] : [server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await db.destroy();
    },
  };
}

async function seedResourceLinks(db: Awaited<ReturnType<typeof openDpDb>>, people: DevUser[], at: number): Promise<void> {
  const existing = await db.selectFrom('dp_resource_links').select('id').where('id', '=', DEFAULT_RESOURCE_LINK).executeTakeFirst();
  if (existing) return;
  // Section B: the staff and every other student, so `rlid` filters something.
  const learners = people.filter(isLearner);
  const sectionB = [...people.filter((u) => !isLearner(u)), ...learners.filter((_, i) => i % 2 === 1)].map((u) => u.id);
  await db
    .insertInto('dp_resource_links')
    .values([
      { id: DEFAULT_RESOURCE_LINK, title: 'Masterly', description: 'Mastery practice for Fractions 101', custom: '{}', members: null, line_item_id: null, created_at: at },
      {
        id: SECTION_B_RESOURCE_LINK,
        title: 'Masterly (Section B)',
        description: 'Mastery practice for section B',
        custom: JSON.stringify({ section: 'B' }),
        members: JSON.stringify(sectionB),
        line_item_id: null,
        created_at: at + 1,
      },
    ])
    .execute();
}

/** Gives the default link its own grade column (once), as a Moodle activity has: the launch's `lineitem`. */
async function gradeDefaultLink(db: Awaited<ReturnType<typeof openDpDb>>, at: number): Promise<void> {
  const link = await db.selectFrom('dp_resource_links').select(['line_item_id']).where('id', '=', DEFAULT_RESOURCE_LINK).executeTakeFirst();
  if (!link || link.line_item_id !== null) return;
  const row = await db
    .insertInto('dp_line_items')
    .values({ label: 'Masterly', score_maximum: 100, resource_id: null, tag: null, resource_link_id: DEFAULT_RESOURCE_LINK, start_date_time: null, end_date_time: null, extra: '{}', created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('dp_resource_links').set({ line_item_id: row.id }).where('id', '=', DEFAULT_RESOURCE_LINK).execute();
}

/** Exposed for tests that need the public JWK shape. */
export type { JWK };
