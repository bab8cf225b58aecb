import { addDeployment } from './addDeployment.js';
import { completeLaunch, type AfterLaunchStep, type CompletedLaunch } from './completeLaunch.js';
import { cachedSessions, type GetSessionOptions } from './getSession.js';
import { setSessionTimeZone } from './setSessionTimeZone.js';
import { listPlatforms } from './listPlatforms.js';
import { purgeExpired, type PurgeReport } from './purgeExpired.js';
import type { LaunchFallback,
  Clock,
  LaunchInput,
  LaunchRepo,
  LaunchSession,
  LoginParams,
  LoginRedirect,
  LoginStateRepo,
  LtiTool,
  NewPlatform,
  Platform,
  PlatformRegistry,
  PlatformRepo,
  PublicJwk,
  ToolKeyring,
} from './ports.js';
import { registerPlatform } from './registerPlatform.js';
import { removePlatform } from './removePlatform.js';
import { setLmsAddress } from './setLmsAddress.js';
import { startLogin } from './startLogin.js';
import { canvasConfiguration } from './toolConfiguration.js';
import type { AuditActor, AuditEvent, AuditLog } from './privacyPorts.js';

/** Everything the foundation services need; src/compose.ts builds it. */
export interface FoundationDeps {
  platforms: PlatformRepo;
  registry: PlatformRegistry;
  loginStates: LoginStateRepo;
  launches: LaunchRepo;
  lti: LtiTool;
  keys: ToolKeyring;
  clock: Clock;
  newId: () => string;
  sessionTtlSeconds: number;
  /** Steps after a launch (see {@link AfterLaunchStep}). */
  afterLaunch?: readonly AfterLaunchStep[];
  /** Records platform changes, as done by `actor` (the admin pages, or the CLI). */
  audit?: { log: AuditLog; actor: AuditActor };
}

/** The foundation use-cases, bound to their dependencies (what web routers and CLIs call). */
export interface FoundationServices {
  startLogin(params: LoginParams): Promise<LoginRedirect>;
  completeLaunch(input: LaunchInput): Promise<CompletedLaunch>;
  getSession(id: string, opts?: GetSessionOptions): Promise<LaunchSession | undefined>;
  /** Keeps the time zone the reader's browser reported on their session (ERR_TIME_ZONE_INVALID unless a real IANA zone). */
  setSessionTimeZone(sessionId: string, timeZone: unknown): Promise<void>;
  loginCookieName(state: string): string;
  /** A launch without its login cookie: Platform Storage to read the binding from, or a relaunch in a new window. */
  launchFallback(state: string): Promise<LaunchFallback | undefined>;
  registerPlatform(input: NewPlatform): Promise<Platform>;
  addDeployment(input: { platformId: string; deploymentId: string }): Promise<void>;
  listPlatforms(): Promise<Platform[]>;
  removePlatform(id: string): Promise<void>;
  /** Sets (or clears with '') a platform's LMS address, the origin allowed to frame the tool; returns it. */
  setLmsAddress(input: { platformId: string; lmsUrl: string }): Promise<string | undefined>;
  publicJwks(): Promise<{ keys: PublicJwk[] }>;
  /** Canvas Developer Key JSON configuration for a tool served at `baseUrl`. */
  canvasConfiguration(baseUrl: string): Record<string, unknown>;
  /** Signs a JWT with the tool's current key (client assertions, deep-linking responses). */
  signJwt(payload: Record<string, unknown>, opts?: { expiresInSeconds?: number; typ?: string }): Promise<string>;
  /** Deletes long-expired login states and expired sessions (housekeeping job); `now` defaults to the clock. */
  purgeExpired(now?: number): Promise<PurgeReport>;
}

/** Binds the foundation use-cases to their dependencies. */
export function buildFoundationServices(deps: FoundationDeps): FoundationServices {
  const sessions = cachedSessions(deps);
  const audited = async <T>(done: T, event: Omit<AuditEvent, 'actor'>): Promise<T> => {
    await deps.audit?.log.record({ ...event, actor: deps.audit.actor }, deps.clock.now());
    return done;
  };
  return {
    startLogin: (params) => startLogin(deps, params),
    completeLaunch: (input) => completeLaunch(deps, input),
    getSession: sessions.get,
    setSessionTimeZone: async (sessionId, timeZone) => sessions.setTimeZone(sessionId, await setSessionTimeZone(deps, { sessionId, timeZone })),
    loginCookieName: (state) => deps.lti.loginCookieName(state),
    launchFallback: (state) => deps.lti.launchFallback(state),
    registerPlatform: async (input) => {
      const p = await registerPlatform(deps, input);
      return audited(p, { action: 'platform_registered', details: { platformId: p.id, issuer: p.issuer, clientId: p.clientId, name: p.name } });
    },
    addDeployment: async (input) => audited(await addDeployment(deps, input), { action: 'deployment_added', details: { ...input } }),
    listPlatforms: () => listPlatforms(deps),
    removePlatform: async (id) => {
      sessions.clear();
      await removePlatform(deps, id);
      sessions.clear();
      await audited(undefined, { action: 'platform_removed', details: { platformId: id } });
    },
    setLmsAddress: async (input) => {
      const url = await setLmsAddress(deps, input);
      return audited(url, { action: 'lms_address_set', details: { platformId: input.platformId, lmsUrl: url ?? null } });
    },
    publicJwks: () => deps.keys.publicJwks(),
    canvasConfiguration: (baseUrl) => canvasConfiguration(baseUrl, deps.lti.scopes),
    signJwt: (payload, opts) => deps.keys.signJwt(payload, opts),
    purgeExpired: (now) => purgeExpired(deps, { now: now ?? deps.clock.now() }),
  };
}
