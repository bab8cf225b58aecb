import { createHash, randomBytes } from 'node:crypto';
import { LoginRejected, RateLimited } from '../domain/errors.js';
import type { Clock, LaunchFallback, LoginParams, LoginRedirect, LoginStateRepo, Platform, PlatformRegistry, RelaunchParams } from '../services/ports.js';

/** Settings of the login step. */
export interface LoginConfig {
  baseUrl: string;
  /** How long a login may take before its state expires (seconds). */
  loginTtlSeconds: number;
  /** Most open (unconsumed, unexpired) login states one client address may hold; unlimited when unset. */
  openStatesPerClient?: number;
}

/** What login initiation needs. */
export interface LoginDeps {
  registry: PlatformRegistry;
  loginStates: LoginStateRepo;
  clock: Clock;
  config: LoginConfig;
  /** Random url-safe string of `bytes` bytes (injected for tests). */
  random?: (bytes: number) => string;
}

/** The login binding cookie for a state: a short prefix keeps names distinct when logins overlap in one browser. */
export const loginCookieName = (state: string): string => `lti_login_${state.slice(0, 16)}`;

/** sha-256 hex of the browser binding value (only the hash is stored). */
export const bindingHash = (value: string): string => createHash('sha256').update(value).digest('hex');

const defaultRandom = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * A usable `lti_storage_target`: `_parent` or a frame name (letters, digits, `_`, `-`, `.`; Canvas sends
 * `post_message_forwarding`). Anything else is ignored: the login then relies on the cookie alone.
 */
const STORAGE_TARGET = /^[A-Za-z0-9_.-]{1,64}$/;

/** The key under which the login page stores a state's binding in Platform Storage. */
export const storageKey = (state: string): string => `state_${state}`;

/** The login initiation parameters worth sending again (a relaunch in a new window), as the platform named them. */
function relaunchParams(params: LoginParams): RelaunchParams {
  const out: RelaunchParams = {};
  const put = (name: string, v: string | undefined) => {
    if (v !== undefined) out[name] = v;
  };
  put('iss', params.iss);
  put('login_hint', params.loginHint);
  put('target_link_uri', params.targetLinkUri);
  put('lti_message_hint', params.ltiMessageHint);
  put('client_id', params.clientId);
  put('lti_deployment_id', params.deploymentId);
  return out;
}

/** Picks the registration a login is for: by client_id when given, else the only one (or the one with that deployment). */
export function resolveLoginPlatform(candidates: Platform[], clientId?: string, deploymentId?: string): Platform {
  let list = clientId ? candidates.filter((p) => p.clientId === clientId) : candidates;
  if (!list.length) throw new LoginRejected('platform_unknown', 'This LMS is not registered with Masterly. Ask your administrator to register it.');
  if (list.length > 1 && deploymentId) list = list.filter((p) => p.deploymentIds.includes(deploymentId));
  if (list.length > 1) {
    throw new LoginRejected(
      'platform_ambiguous',
      'Masterly has several registrations for this LMS and the login did not say which one (no client_id). Ask your administrator to send client_id in the login request.',
    );
  }
  const platform = list[0];
  if (!platform) throw new LoginRejected('deployment_unknown', 'This deployment of Masterly is not registered. Ask your administrator to add it.');
  refuseInactive(platform, (reason, message) => new LoginRejected(reason, message));
  if (deploymentId && !platform.deploymentIds.includes(deploymentId)) {
    const other = platform.otherDeployments?.find((d) => d.id === deploymentId);
    if (other?.status === 'disabled') throw new LoginRejected('deployment_disabled', 'This deployment of Masterly was turned off by your administrator.');
    // An unknown deployment reaches the signed launch, which records it (docs/decisions/0017-dynamic-registration.md).
    if (other?.status === 'pending') {
      throw new LoginRejected('deployment_unknown', 'This deployment of Masterly is not registered. Ask your administrator to add it.');
    }
  }
  return platform;
}

/** Refuses a platform that is waiting for approval or turned off (a clear page, not "unknown LMS"). */
export function refuseInactive(platform: Platform, error: (reason: 'platform_pending' | 'platform_disabled', message: string) => Error): void {
  if (platform.status === 'pending') {
    throw error('platform_pending', 'Masterly was registered with this LMS but an administrator of Masterly has not approved it yet.');
  }
  if (platform.status === 'disabled') throw error('platform_disabled', 'An administrator of Masterly turned off launches from this LMS.');
}

/**
 * Third-party-initiated login: checks the parameters, stores a fresh state + nonce bound to this browser
 * (one INSERT, refused with RateLimited when the client address holds too many open states), and returns the
 * platform's auth URL to redirect to.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#step-1-third-party-initiated-login
 */
export async function beginLogin(deps: LoginDeps, params: LoginParams): Promise<LoginRedirect> {
  const { iss, loginHint, targetLinkUri } = params;
  if (!iss || !loginHint || !targetLinkUri) {
    throw new LoginRejected('login_params_invalid', 'The login request from your LMS is missing iss, login_hint or target_link_uri.');
  }
  let target: URL;
  try {
    target = new URL(targetLinkUri);
  } catch {
    throw new LoginRejected('target_link_uri_invalid', 'The login request names a target that is not part of Masterly.');
  }
  if (target.origin !== new URL(deps.config.baseUrl).origin) {
    throw new LoginRejected('target_link_uri_invalid', 'The login request names a target that is not part of Masterly.');
  }
  const platform = resolveLoginPlatform(await deps.registry.byIssuer(iss), params.clientId, params.deploymentId);

  const random = deps.random ?? defaultRandom;
  const state = random(32);
  const nonce = random(32);
  const binding = random(32);
  const now = deps.clock.now();
  const ttl = deps.config.loginTtlSeconds;
  const cap = deps.config.openStatesPerClient;
  const storageTarget = params.storageTarget && STORAGE_TARGET.test(params.storageTarget) ? params.storageTarget : undefined;
  const stored = await deps.loginStates.create(
    {
      state,
      nonce,
      platformId: platform.id,
      browserHash: bindingHash(binding),
      targetLinkUri: target.href,
      createdAt: now,
      expiresAt: now + ttl * 1000,
      consumedAt: null,
      ...(params.clientHash ? { clientHash: params.clientHash } : {}),
      storageTarget: storageTarget ?? null,
      relaunch: relaunchParams(params),
    },
    cap === undefined ? undefined : { openPerClient: cap },
  );
  // Counted per client address, never per `iss`: anyone can send any issuer, and must not block that LMS's logins.
  if (!stored) throw new RateLimited(60);

  const url = new URL(platform.authUrl);
  const q = url.searchParams;
  q.set('response_type', 'id_token');
  q.set('response_mode', 'form_post');
  q.set('scope', 'openid');
  q.set('prompt', 'none');
  q.set('client_id', platform.clientId);
  q.set('redirect_uri', `${deps.config.baseUrl}/lti/launch`);
  q.set('login_hint', loginHint);
  if (params.ltiMessageHint !== undefined) q.set('lti_message_hint', params.ltiMessageHint);
  q.set('state', state);
  q.set('nonce', nonce);
  return {
    redirectUrl: url.href,
    state,
    cookie: { name: loginCookieName(state), value: binding, maxAgeSeconds: ttl },
    ...(storageTarget ? { storage: { target: storageTarget, origin: url.origin, key: storageKey(state), value: binding } } : {}),
  };
}

/**
 * A launch whose login cookie did not come back: for an open login (unconsumed, unexpired; read, not consumed),
 * where its binding may be read back from Platform Storage (the frame and the platform's auth origin), and the login
 * parameters for a relaunch in a new window. Undefined for an unknown, used or expired state: the launch checks
 * then refuse it as usual.
 *
 * @see https://www.imsglobal.org/spec/lti-cs-pm/v0p1 (LTI Client Side postMessages, Platform Storage)
 */
export async function launchFallback(deps: Pick<LoginDeps, 'loginStates' | 'registry' | 'clock'>, state: string): Promise<LaunchFallback | undefined> {
  const login = await deps.loginStates.find(state);
  if (!login || login.consumedAt !== null || login.expiresAt < deps.clock.now()) return undefined;
  const platform = login.storageTarget ? await deps.registry.byId(login.platformId) : undefined;
  return {
    ...(login.storageTarget && platform ? { storage: { target: login.storageTarget, origin: new URL(platform.authUrl).origin, key: storageKey(state) } } : {}),
    ...(login.relaunch ? { relaunch: login.relaunch } : {}),
  };
}
