import { timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, errors as joseErrors, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { z } from 'zod';
import { LaunchRejected, type LaunchRejectReason } from '../domain/errors.js';
import type { Clock, LaunchInput, LoginState, LoginStateRepo, Platform, PlatformRegistry, VerifiedLaunch } from '../services/ports.js';
import { AgsClaim, CLAIM, ContextClaim, DeepLinkingSettingsClaim, ForUserClaim, HttpUrl, IdentityClaims, MESSAGE_TYPES, NrpsClaim, ResourceLinkClaim, RolesClaim } from './claims.js';
import type { PlatformJwks } from './jwks.js';
import { bindingHash, loginCookieName, refuseInactive } from './login.js';
import { summariseRoles } from './roles.js';

/** Settings of launch verification. */
export interface LaunchConfig {
  clockSkewSeconds: number;
  launchMaxAgeSeconds: number;
}

/** What launch verification needs. */
export interface LaunchDeps {
  registry: PlatformRegistry;
  loginStates: LoginStateRepo;
  jwks: PlatformJwks;
  clock: Clock;
  config: LaunchConfig;
  /** Records a deployment id first seen in a signed launch (docs/decisions/0017-dynamic-registration.md). */
  noteDeployment?: (platformId: string, deploymentId: string, status: 'active' | 'pending') => Promise<void>;
}

/** Working state passed from step to step. */
interface Ctx {
  input: LaunchInput;
  token: string;
  header: ProtectedHeaderParameters;
  unverified: JWTPayload;
  platform?: Platform;
  claims?: JWTPayload & Record<string, unknown>;
  login?: LoginState;
  deploymentId?: string;
  result?: VerifiedLaunch;
}

/** One named check; throws LaunchRejected or enriches the context. */
export interface LaunchStep {
  name: string;
  run(deps: LaunchDeps, ctx: Ctx): Promise<void> | void;
}

/**
 * Largest id_token accepted (characters). Real launches with generous custom claims stay far below (Canvas ≈ 5–15 kB);
 * the cap keeps a hostile post from making us base64-decode, parse and RSA-verify megabytes. Below the form body limit.
 */
export const MAX_ID_TOKEN_LENGTH = 64 * 1024;

/** Longest `sub` and `deployment_id` the spec allows (LTI 1.3 §5.3.3 and §5.3.6: at most 255 ASCII characters). */
const MAX_ID_LENGTH = 255;

/** Throws LaunchRejected. A function declaration, so that TypeScript narrows after `if (…) reject(…)`. */
function reject(reason: LaunchRejectReason, message: string, cause?: unknown): never {
  throw new LaunchRejected(reason, message, cause === undefined ? undefined : { cause });
}

/** What an earlier step set on the context; a missing value means the steps ran out of order (a bug, not bad input). */
function fromEarlierStep<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`launch steps out of order: ${what} is not set yet`);
  return value;
}

const isMessageType = (t: unknown): t is VerifiedLaunch['messageType'] => MESSAGE_TYPES.some((m) => m === t);

const audience = (aud: JWTPayload['aud']): string[] => (typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : []);

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const sameOrigin = (url: unknown, reference: string): boolean => {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).origin === new URL(reference).origin;
  } catch {
    return false;
  }
};

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> | undefined => {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
};

/**
 * The ordered launch checks (1EdTech Security Framework §5.1.3, LTI 1.3 §5). Nothing is written before
 * `signature` holds; `state_and_nonce` is the only write (one UPDATE … RETURNING).
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#authentication-response-validation
 */
export const LAUNCH_STEPS: readonly LaunchStep[] = [
  {
    name: 'header',
    run: (_deps, ctx) => {
      if (ctx.header.alg !== 'RS256') reject('alg_not_allowed', 'The launch was not signed with an accepted algorithm (RS256).');
      if (typeof ctx.header.kid !== 'string' || !ctx.header.kid) reject('kid_missing', 'The launch token does not name its signing key (kid).');
    },
  },
  {
    name: 'registration',
    run: async (deps, ctx) => {
      const iss = ctx.unverified.iss;
      if (typeof iss !== 'string' || !iss) return reject('iss_mismatch', 'The launch token does not say which LMS sent it.');
      const candidates = await deps.registry.byIssuer(iss);
      if (!candidates.length) return reject('iss_mismatch', 'The launch came from an LMS that is not registered with Masterly.');
      const aud = audience(ctx.unverified.aud);
      const matching = candidates.filter((p) => aud.includes(p.clientId));
      if (!matching.length) return reject('aud_mismatch', 'The launch token is not addressed to Masterly.');
      const azp = ctx.unverified.azp;
      if (aud.length > 1 && typeof azp !== 'string') return reject('azp_mismatch', 'The launch token has several audiences but no authorized party (azp).');
      if (typeof azp === 'string') {
        ctx.platform = matching.find((p) => p.clientId === azp) ?? reject('azp_mismatch', 'The launch token names another authorized party (azp).');
      } else {
        const [only, ...more] = matching;
        if (!only || more.length) return reject('azp_mismatch', 'The launch token matches several registrations and names no authorized party (azp).');
        ctx.platform = only;
      }
      refuseInactive(ctx.platform, (reason, message) => new LaunchRejected(reason, message));
    },
  },
  {
    name: 'signature',
    run: async (deps, ctx) => {
      const key = await deps.jwks.keyFor(fromEarlierStep(ctx.platform, 'platform'), fromEarlierStep(ctx.header.kid, 'kid'));
      try {
        const { payload } = await compactVerify(ctx.token, key, { algorithms: ['RS256'] });
        ctx.claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload & Record<string, unknown>;
      } catch (err) {
        if (err instanceof joseErrors.JWSSignatureVerificationFailed) reject('signature_invalid', 'The launch token signature is not valid.', err);
        reject('token_malformed', 'The launch token could not be read.', err);
      }
    },
  },
  {
    name: 'time',
    run: (deps, ctx) => {
      const c = fromEarlierStep(ctx.claims, 'claims');
      const now = deps.clock.now() / 1000;
      const skew = deps.config.clockSkewSeconds;
      if (typeof c.exp !== 'number') reject('exp_missing', 'The launch token has no expiry.');
      if (c.exp + skew < now) reject('token_expired', 'The launch token has expired. Please launch again from your course.');
      if (typeof c.iat !== 'number') reject('iat_missing', 'The launch token has no issue time.');
      if (c.iat - skew > now) reject('iat_in_future', 'The launch token was issued in the future; check the LMS clock.');
      if (c.iat + deps.config.launchMaxAgeSeconds + skew < now) reject('iat_too_old', 'The launch token is too old. Please launch again from your course.');
      // nbf is optional in OIDC; when a platform sends it, honour it.
      if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf - skew > now)) reject('nbf_in_future', 'The launch token is not valid yet; check the LMS clock.');
    },
  },
  {
    name: 'state_and_nonce',
    run: async (deps, ctx) => {
      const c = fromEarlierStep(ctx.claims, 'claims');
      const state = ctx.input.state;
      if (!state) return reject('state_missing', 'The launch did not include the login state.');
      if (typeof c.nonce !== 'string' || !c.nonce) return reject('nonce_missing', 'The launch token has no nonce.');
      const now = deps.clock.now();
      const login = await deps.loginStates.consume(state, now);
      if (!login) {
        const seen = await deps.loginStates.find(state);
        return seen
          ? reject('state_replayed', 'This launch was already used. Please launch again from your course.')
          : reject('state_unknown', 'This launch does not match a login started by Masterly. Please launch again from your course.');
      }
      if (login.expiresAt < now) return reject('state_expired', 'The login took too long. Please launch again from your course.');
      if (!sameSecret(login.nonce, c.nonce)) return reject('nonce_mismatch', 'The launch token was issued for another login.');
      if (login.platformId !== ctx.platform?.id) return reject('iss_mismatch', 'The launch came from another LMS than the login.');
      // The login cookie, or (when the browser blocked it) the binding the tool's page read back from Platform Storage.
      const binding = ctx.input.cookies[loginCookieName(state)] ?? ctx.input.storedBinding;
      if (!binding || !sameSecret(bindingHash(binding), login.browserHash)) {
        return reject(
          'state_browser_mismatch',
          'This launch was started in another browser window or your browser blocked the login cookie. Please launch again from your course.',
        );
      }
      ctx.login = login;
    },
  },
  {
    name: 'deployment',
    run: async (deps, ctx) => {
      const id = fromEarlierStep(ctx.claims, 'claims')[CLAIM.deploymentId];
      if (typeof id !== 'string' || !id) reject('deployment_missing', 'The launch does not name a deployment.');
      if (id.length > MAX_ID_LENGTH) reject('deployment_invalid', 'The deployment id of the launch is longer than LTI allows (255 characters).');
      const platform = fromEarlierStep(ctx.platform, 'platform');
      if (!platform.deploymentIds.includes(id)) {
        const other = platform.otherDeployments?.find((d) => d.id === id);
        if (other?.status === 'disabled') reject('deployment_disabled', 'This deployment of Masterly was turned off by your administrator.');
        // Signed by the platform: a new deployment id (Canvas: one per account or course install) is recorded.
        const accept = !other && platform.newDeployments === 'accept';
        if (!other && deps.noteDeployment) await deps.noteDeployment(platform.id, id, accept ? 'active' : 'pending');
        if (!accept) reject('deployment_unknown', 'This deployment of Masterly is not registered. Ask your administrator to add it.');
      }
      ctx.deploymentId = id;
    },
  },
  {
    name: 'message_claims',
    run: (_deps, ctx) => {
      const c = fromEarlierStep(ctx.claims, 'claims');
      const platform = fromEarlierStep(ctx.platform, 'platform');
      if (c[CLAIM.version] !== '1.3.0') reject('version_invalid', 'The launch is not an LTI 1.3.0 message.');
      const type = c[CLAIM.messageType];
      if (type === undefined || type === null || type === '') reject('message_type_missing', 'The launch does not say what kind of message it is.');
      if (!isMessageType(type)) {
        reject(
          'message_type_unsupported',
          'Masterly opens from course links and content selection only (LTI resource link and deep linking launches). Your LMS sent another kind of LTI message; ask your administrator to place Masterly as a course link or an external tool activity.',
        );
      }
      const messageType = type;
      if (typeof c.sub !== 'string' || !c.sub) reject('sub_missing', 'The launch does not identify the user.');
      if (c.sub.length > MAX_ID_LENGTH) reject('sub_invalid', 'The user id of the launch is longer than LTI allows (255 characters).');
      if (!(CLAIM.roles in c)) reject('roles_missing', 'The launch does not list the user\u2019s roles.');
      const roles = parse(RolesClaim, c[CLAIM.roles]) ?? reject('claims_invalid', 'The roles claim of the launch is not a list.');
      let resourceLink: VerifiedLaunch['resourceLink'];
      const needsLink = messageType === 'LtiResourceLinkRequest' || messageType === 'LtiSubmissionReviewRequest';
      if (c[CLAIM.resourceLink] !== undefined || needsLink) {
        const rl = parse(ResourceLinkClaim, c[CLAIM.resourceLink]);
        if (!rl && needsLink) reject('resource_link_missing', 'The launch does not identify the link it came from.');
        if (rl) resourceLink = { id: rl.id, ...(rl.title ? { title: rl.title } : {}), ...(rl.description ? { description: rl.description } : {}) };
      }
      const identity = parse(IdentityClaims, c) ?? reject('claims_invalid', 'The identity claims of the launch are not valid.');
      let context: VerifiedLaunch['context'];
      if (c[CLAIM.context] !== undefined) {
        const ctxClaim = parse(ContextClaim, c[CLAIM.context]) ?? reject('claims_invalid', 'The course (context) claim of the launch is not valid.');
        context = { id: ctxClaim.id, ...(ctxClaim.label ? { label: ctxClaim.label } : {}), ...(ctxClaim.title ? { title: ctxClaim.title } : {}) };
      }
      const ags = c[CLAIM.ags] === undefined ? undefined : parse(AgsClaim, c[CLAIM.ags]);
      const nrps = c[CLAIM.nrps] === undefined ? undefined : parse(NrpsClaim, c[CLAIM.nrps]);
      const login = fromEarlierStep(ctx.login, 'login');
      // The claim must point at this tool (same origin as the login's target, which beginLogin checked): a launch aimed
      // elsewhere was meant for another tool. Platforms that omit the claim fall back to the login's target.
      const claimedTarget = c[CLAIM.targetLinkUri];
      if (claimedTarget !== undefined && !sameOrigin(claimedTarget, login.targetLinkUri)) {
        reject('target_link_uri_invalid', 'The launch was meant for another tool (its target link is not part of Masterly).');
      }
      const target = typeof claimedTarget === 'string' ? claimedTarget : login.targetLinkUri;
      if (messageType === 'LtiDeepLinkingRequest' && !parse(DeepLinkingSettingsClaim, c[CLAIM.deepLinkingSettings])) {
        reject('deep_linking_settings_missing', 'The content selection request does not say where to return the selected content.');
      }
      if (messageType === 'LtiDeepLinkingRequest' && !parse(HttpUrl, (c[CLAIM.deepLinkingSettings] as { deep_link_return_url?: unknown }).deep_link_return_url)) {
        reject('deep_link_return_url_invalid', 'The content selection request returns to an address that is not a web page (http or https). Ask your LMS administrator to check the tool placement.');
      }
      const extra: Record<string, unknown> = {};
      if (messageType === 'LtiSubmissionReviewRequest') {
        const forUser = parse(ForUserClaim, c[CLAIM.forUser]) ?? reject('for_user_missing', 'The review request does not say whose work to show.');
        extra.forUser = { userId: forUser.user_id };
      }
      for (const [name, key] of [
        ['launchPresentation', CLAIM.launchPresentation],
        ['custom', CLAIM.custom],
        ['deepLinkingSettings', CLAIM.deepLinkingSettings],
        ['toolPlatform', CLAIM.toolPlatform],
      ] as const) {
        if (c[key] !== undefined && c[key] !== null && typeof c[key] === 'object') extra[name] = c[key];
      }
      // OpenID Connect's `locale` (the page language when launch_presentation has none).
      if (typeof c.locale === 'string' && c.locale.length <= 35) extra.locale = c.locale;
      ctx.result = {
        platformId: platform.id,
        deploymentId: fromEarlierStep(ctx.deploymentId, 'deploymentId'),
        messageType,
        user: {
          sub: identity.sub,
          ...(identity.name ? { name: identity.name } : {}),
          ...(identity.given_name ? { givenName: identity.given_name } : {}),
          ...(identity.family_name ? { familyName: identity.family_name } : {}),
          ...(identity.email ? { email: identity.email } : {}),
        },
        ...(context ? { context } : {}),
        roles,
        ...summariseRoles(roles),
        ...(resourceLink ? { resourceLink } : {}),
        targetLinkUri: target,
        ...(ags ? { ags: { scope: ags.scope, ...(ags.lineitems ? { lineitems: ags.lineitems } : {}), ...(ags.lineitem ? { lineitem: ags.lineitem } : {}) } } : {}),
        ...(nrps ? { nrps: { contextMembershipsUrl: nrps.context_memberships_url, serviceVersions: nrps.service_versions } } : {}),
        extra,
      };
    },
  },
];

/**
 * Verifies a posted launch (id_token + state + the browser's cookies) by running LAUNCH_STEPS in order.
 * Throws LaunchRejected with the first failing check's reason.
 */
export async function verifyLaunch(deps: LaunchDeps, input: LaunchInput): Promise<VerifiedLaunch> {
  const token = input.idToken;
  if (!token) throw new LaunchRejected('token_missing', 'The launch did not include an id_token.');
  if (token.length > MAX_ID_TOKEN_LENGTH) throw new LaunchRejected('token_too_large', 'The launch token is larger than any LMS sends. Please launch again from your course.');
  let header: ProtectedHeaderParameters;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch (err) {
    if (typeof token === 'string' && token.split('.').length === 3) {
      // decodeJwt refuses alg "none" tokens' empty signatures only later; a readable header with alg none lands here too.
      try {
        const h = decodeProtectedHeader(token);
        if (h.alg !== 'RS256') throw new LaunchRejected('alg_not_allowed', 'The launch was not signed with an accepted algorithm (RS256).');
      } catch (inner) {
        if (inner instanceof LaunchRejected) throw inner;
      }
    }
    throw new LaunchRejected('token_malformed', 'The launch token could not be read.', { cause: err });
  }
  const ctx: Ctx = { input, token, header, unverified };
  for (const step of LAUNCH_STEPS) await step.run(deps, ctx);
  return fromEarlierStep(ctx.result, 'result');
}
