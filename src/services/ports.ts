/**
 * Ports owned by the services layer: storage, LTI and clock interfaces, plus the value types that cross them.
 * src/store and src/lti implement them; only src/main.ts wires concrete implementations.
 */

/** Injected time source (STYLE rule 11), in epoch milliseconds: see docs/decisions/0005-clock.md. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Which LMS a registration belongs to (changes only the admin hints and a few quirks). */
export type Vendor = 'canvas' | 'moodle' | 'generic';

/** One LTI 1.3 registration (issuer + client_id) and its deployment allow-list. */
export interface Platform {
  id: string;
  issuer: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  name: string;
  vendor: Vendor;
  createdAt: number;
  /** Deployment ids launches are accepted from (status 'active'). */
  deploymentIds: string[];
  /** The LMS address an administrator set (the origin whose pages frame the tool, e.g. a Canvas school domain). */
  lmsUrl?: string;
  /** 'active' when absent; a dynamically registered platform is 'pending' until an administrator approves it. */
  status?: PlatformStatus;
  /** How it was registered ('admin' when absent). */
  registeredVia?: 'admin' | 'dynamic';
  /** What a launch with a deployment id not in `deploymentIds` does ('hold' when absent): docs/decisions/0017. */
  newDeployments?: NewDeploymentPolicy;
  /** Deployment ids seen in launches and held for approval, or disabled by an administrator. */
  otherDeployments?: { id: string; status: 'pending' | 'disabled'; createdAt: number }[];
  /** What the platform granted at dynamic registration. */
  registration?: RegistrationRecord;
}

/** One recent launch as the install self-test reads it. */
export interface RecentLaunch {
  deploymentId: string;
  messageType: string;
  at: number;
  /** The user had a name (the LMS shares names). */
  named: boolean;
  /** The course's AGS claim as last received, or null. */
  ags: AgsEndpoint | null;
  /** The course had an NRPS claim. */
  nrps: boolean;
}

/** One course (issuer + context id) and the registrations it was reached through. */
export interface CourseAcrossRegistrations {
  issuer: string;
  contextId: string;
  title: string | null;
  label: string | null;
  platformIds: string[];
  lastLaunchAt: number;
}

/** Whether a platform may launch: only 'active' ones can. */
export type PlatformStatus = 'active' | 'pending' | 'disabled';

/** 'accept': an unknown deployment id of an approved platform is recorded and accepted; 'hold': recorded and refused until approved. */
export type NewDeploymentPolicy = 'accept' | 'hold';

/** What a platform answered to a dynamic registration (kept for the console and its self-test). */
export interface RegistrationRecord {
  /** The LMS family from its configuration (`product_family_code`), e.g. 'canvas', 'moodle'. */
  product?: string;
  /** Scopes the platform granted (from the registration response), space-separated in LTI; here a list. */
  scopes: string[];
  /** Claims the platform agreed to send (e.g. name, email), when it said. */
  claims?: string[];
  /** Where the registration came from (the openid configuration URL). */
  configurationUrl: string;
  at: number;
}

/** A dynamically registered platform as saved: new (pending) or an update of the same issuer + client id. */
export interface DynamicPlatform {
  issuer: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  name: string;
  vendor: Vendor;
  deploymentId?: string;
  newDeployments: NewDeploymentPolicy;
  registration: RegistrationRecord;
}

/** What an admin gives to register a platform. */
export interface NewPlatform {
  issuer: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  name?: string;
  vendor?: Vendor;
  deploymentIds?: string[];
  /** The LMS address (origin of the pages that frame the tool), optional. */
  lmsUrl?: string;
}

/** Storage of registrations. */
export interface PlatformRepo {
  /** Every platform with its deployments (small: the registry caches it). */
  listAll(): Promise<Platform[]>;
  /** Inserts a platform and its deployments; throws Conflict when issuer + client_id exists. */
  create(platform: Platform): Promise<void>;
  /** Adds a deployment id (idempotent). */
  addDeployment(platformId: string, deploymentId: string, at: number): Promise<void>;
  /** Removes a platform and everything that hangs off it; false when it did not exist. */
  remove(id: string): Promise<boolean>;
  /** Sets (or clears, with null) the LMS address; false when the platform does not exist. */
  setLmsUrl(id: string, lmsUrl: string | null): Promise<boolean>;
  /**
   * Saves a dynamic registration: a new platform arrives 'pending'; the same issuer + client id updates the existing
   * one (and puts it back to 'pending' when its endpoints changed). Returns the platform id and whether it is new.
   */
  saveDynamic(p: DynamicPlatform, newId: string, at: number): Promise<{ id: string; created: boolean }>;
  /** Sets a platform's status; false when it does not exist. */
  setStatus(id: string, status: PlatformStatus): Promise<boolean>;
  /** Sets the new-deployment policy; false when the platform does not exist. */
  setNewDeployments(id: string, policy: NewDeploymentPolicy): Promise<boolean>;
  /** Records a deployment id with a status unless it is already known (a launch never changes an administrator's choice). */
  noteDeployment(platformId: string, deploymentId: string, status: 'active' | 'pending', at: number): Promise<void>;
  /**
   * Courses Masterly has seen, one per issuer + context id (docs/decisions/0018-course-identity.md), with every
   * registration that launched into it; newest first, at most `limit`.
   */
  listCourses(limit: number): Promise<CourseAcrossRegistrations[]>;
  /** The latest launches through a platform (newest first), with what their claims granted (install self-test). */
  recentLaunches(platformId: string, limit: number): Promise<RecentLaunch[]>;
  /** Sets (or, with null, removes) a deployment; false when it does not exist. */
  setDeploymentStatus(platformId: string, deploymentId: string, status: 'active' | 'disabled' | null): Promise<boolean>;
}

/** Cached read access to registrations, as used on every login and launch. */
export interface PlatformRegistry {
  /** Registrations of an issuer (several when one LMS registered the tool more than once). */
  byIssuer(issuer: string): Promise<Platform[]>;
  byId(id: string): Promise<Platform | undefined>;
  all(): Promise<Platform[]>;
  /** Drops the cache (after a change through our own services). */
  invalidate(): void;
}

/** One OIDC login in flight. */
export interface LoginState {
  state: string;
  nonce: string;
  platformId: string;
  /** sha-256 (hex) of the random value in the browser's login cookie. */
  browserHash: string;
  targetLinkUri: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  /** Keyed hash of the client address the login came from (never the address itself). */
  clientHash?: string | null;
  /** The platform's `lti_storage_target` when the binding is also kept in Platform Storage. */
  storageTarget?: string | null;
  /** The login initiation parameters, to start the same login again in a new window. */
  relaunch?: RelaunchParams | null;
}

/** Login initiation parameters as the platform sent them (names as on the wire), for a relaunch in a new window. */
export type RelaunchParams = Record<string, string>;

/** Storage of login states. */
export interface LoginStateRepo {
  /**
   * Stores a state. With `limit` and a `clientHash`, in the same statement: refuses (returns false, nothing stored)
   * when that address already holds `openPerClient` open (unconsumed, unexpired) states.
   */
  create(state: LoginState, limit?: { openPerClient: number }): Promise<boolean>;
  /** Atomically marks the state consumed (once); undefined when unknown or already consumed. */
  consume(state: string, at: number): Promise<LoginState | undefined>;
  /** Reads a state without consuming it (diagnostics on the failure path only). */
  find(state: string): Promise<LoginState | undefined>;
  /**
   * Deletes unconsumed states that expired before `openBefore` and consumed ones that expired before
   * `consumedBefore` (epoch ms); returns how many.
   */
  deleteExpired(cutoffs: { openBefore: number; consumedBefore: number }): Promise<number>;
}

/** AGS endpoint claim as received at the last launch. */
export interface AgsEndpoint {
  scope: string[];
  lineitems?: string;
  lineitem?: string;
}

/** NRPS claim as received at the last launch. */
export interface NrpsEndpoint {
  contextMembershipsUrl: string;
  serviceVersions: string[];
}

/** What a verified launch says about who, where and what. */
export interface VerifiedLaunch {
  platformId: string;
  deploymentId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | 'LtiSubmissionReviewRequest';
  user: { sub: string; name?: string; givenName?: string; familyName?: string; email?: string };
  context?: { id: string; label?: string; title?: string };
  roles: string[];
  isInstructor: boolean;
  isLearner: boolean;
  resourceLink?: { id: string; title?: string; description?: string };
  targetLinkUri: string;
  ags?: AgsEndpoint;
  nrps?: NrpsEndpoint;
  /** Claims later pages need (launch presentation, deep-linking settings, custom); JSON-safe. */
  extra: Record<string, unknown>;
}

/**
 * Who a launch is for, as its first page sees it: course staff, a learner, an LMS administrator without a course
 * role, or someone Masterly has no page for (a Mentor, a Guest, no role).
 */
export type LaunchAudience = 'staff' | 'learner' | 'administrator' | 'other';

/** Input to record a launch and open its session (one statement on PostgreSQL). */
export interface LaunchRecord {
  sessionId: string;
  userId: string;
  contextRowId: string;
  launch: VerifiedLaunch;
  at: number;
  expiresAt: number;
  /**
   * An instructor's launch in a course: the language of its locale, which the course takes if it has none yet (grade
   * comments, alert e-mails); null otherwise.
   */
  courseLanguage: string | null;
}

/** Row ids a recorded launch ended up with (existing user/context rows keep their ids). */
export interface RecordedLaunch {
  sessionId: string;
  userId: string;
  contextId: string | null;
  /** Whether the course had content when the launch was recorded (false without a course). */
  courseHasContent: boolean;
}

/** A live launch session, as pages need it. */
export interface LaunchSession {
  id: string;
  userId: string;
  platformId: string;
  deploymentId: string;
  contextId: string | null;
  user: { sub: string; name: string | null; givenName: string | null; familyName: string | null; email: string | null };
  context: { contextId: string; label: string | null; title: string | null } | null;
  roles: string[];
  isInstructor: boolean;
  isLearner: boolean;
  claims: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  /** The reader's IANA time zone as the browser reported it (ADR 0029); null until then. */
  timeZone?: string | null;
  /**
   * Whether the course had content when this session was read from the database; absent on a copy kept in memory
   * unless true (content, once there, is never removed whole; its absence may end at any moment).
   */
  courseHasContent?: boolean;
}

/** Storage of launches: people, courses, enrollments and sessions. */
export interface LaunchRepo {
  /** Upserts user, context and enrollment and inserts the session; returns the ids actually stored. */
  record(input: LaunchRecord): Promise<RecordedLaunch>;
  /** A session that has not expired at `at`, or undefined. */
  findSession(id: string, at: number): Promise<LaunchSession | undefined>;
  /**
   * Whether a session read earlier is still stored (`live`), was deleted with its person (`erased`: the user row is
   * gone too) or was deleted otherwise (`gone`: per-course erasure, a removed platform). One statement, two lookups by
   * primary key: cheaper than {@link findSession}'s join, and true across processes sharing the database.
   */
  sessionState(id: string, userId: string): Promise<'live' | 'gone' | 'erased'>;
  /** Deletes sessions that expired at or before `at` (epoch ms); returns how many. */
  deleteExpiredSessions(at: number): Promise<number>;
  /** Keeps the reader's time zone (an IANA name already checked) on a session. */
  setTimeZone(sessionId: string, zone: string): Promise<void>;
}

/** A stored tool key (the private half still encrypted). */
export interface StoredToolKey {
  kid: string;
  publicJwk: PublicJwk;
  privateKeyEnc: string;
  status: 'current' | 'next' | 'retired';
  createdAt: number;
}

/** An RSA public key as served on our JWKS. */
export interface PublicJwk {
  kty: string;
  kid: string;
  n: string;
  e: string;
  alg: string;
  use: string;
}

/** Storage of the tool's keys. */
export interface ToolKeyRepo {
  list(): Promise<StoredToolKey[]>;
  /** Inserts keys (first start). */
  insert(keys: StoredToolKey[]): Promise<void>;
  /** next→current, current→retired, and inserts `next`; all or nothing. */
  rotate(next: StoredToolKey): Promise<void>;
}

/** Login initiation parameters (GET query or POST form), already read as strings. */
export interface LoginParams {
  iss?: string;
  loginHint?: string;
  targetLinkUri?: string;
  ltiMessageHint?: string;
  clientId?: string;
  deploymentId?: string;
  /** Keyed hash of the client address (set by the web layer; the open-state cap counts per hash). */
  clientHash?: string;
  /** LTI Platform Storage: the frame (or `_parent`) where the platform keeps data for the tool. */
  storageTarget?: string;
}

/**
 * What the login page stores in the platform's frame (LTI Platform Storage `lti.put_data`) and where: the binding
 * value under `key`, sent to `target` (a frame name or `_parent`) with the platform's auth origin as targetOrigin.
 */
export interface PlatformStorage {
  target: string;
  origin: string;
  key: string;
  value: string;
}

/** Where to send the browser after a login initiation, and the cookie that binds the login to it. */
export interface LoginRedirect {
  redirectUrl: string;
  state: string;
  cookie: { name: string; value: string; maxAgeSeconds: number };
  /** Set when the platform offered Platform Storage: the login page stores the binding there too. */
  storage?: PlatformStorage;
}

/**
 * A launch that arrived without its login cookie, before anything is consumed: where its binding may be read back
 * (Platform Storage; `value` empty), and the parameters to start the login again in a new window.
 */
export interface LaunchFallback {
  storage?: Omit<PlatformStorage, 'value'>;
  relaunch?: RelaunchParams;
}

/** A posted launch: the id_token, the state, and the browser's login cookies. */
export interface LaunchInput {
  idToken?: string;
  state?: string;
  /** Cookies of the request (name → value); the login binding cookie is read from here. */
  cookies: Record<string, string>;
  /**
   * The binding read back from Platform Storage by the tool's own page when the cookie was blocked. The web layer
   * passes it only from a same-origin post (a page of another site cannot send it).
   */
  storedBinding?: string;
}

/** The tool's LTI core: login, launch verification, its keys. */
export interface LtiTool {
  beginLogin(params: LoginParams): Promise<LoginRedirect>;
  /** Runs the ordered launch checks; throws LaunchRejected. Consumes the login state. */
  verifyLaunch(input: LaunchInput): Promise<VerifiedLaunch>;
  /** Name of the login binding cookie for a state (so the caller can clear it). */
  loginCookieName(state: string): string;
  /** An open (unconsumed, unexpired) login's fallbacks when its cookie did not come back; undefined otherwise. */
  launchFallback(state: string): Promise<LaunchFallback | undefined>;
  /** The LTI Advantage scopes the tool asks a platform for (AGS line items, results, scores; NRPS). */
  readonly scopes: readonly string[];
}

/** The tool's signing keys. */
export interface ToolKeyring {
  /** Creates the first current + next keys when there are none. */
  ensureKeys(): Promise<void>;
  /** Public keys served on /.well-known/jwks.json (current and next). */
  publicJwks(): Promise<{ keys: PublicJwk[] }>;
  /** Signs a JWT with the current key (RS256, kid set). */
  signJwt(payload: Record<string, unknown>, opts?: { expiresInSeconds?: number; typ?: string }): Promise<string>;
  /** next→current, current→retired, new next. */
  rotate(): Promise<{ current: string; next: string }>;
}
