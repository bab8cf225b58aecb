import { RegistrationFailed, type RegistrationFailReason } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import { checkPlatformConfiguration, CANVAS_ISSUERS } from '../domain/platformConfiguration.js';
import { checkPlatformUrl } from '../domain/platformUrl.js';
import type { Clock, PlatformRegistry, PlatformRepo, PlatformStatus, Vendor } from './ports.js';
import { toolRegistrationRequest, TOOL_CLAIMS } from './toolConfiguration.js';

/**
 * The two calls of a dynamic registration, made by src/lti/registrationClient.ts through the address guard: the
 * caller of the registration URL is unauthenticated, so it must never make the tool call an address of its choosing.
 */
export interface RegistrationHttp {
  /** GETs the platform's OpenID configuration (bearer `token` when given); throws RegistrationFailed. */
  getConfiguration(url: string, token?: string): Promise<unknown>;
  /** POSTs the client registration (bearer `token` when given) and returns the platform's JSON answer; throws RegistrationFailed. */
  register(endpoint: string, body: Record<string, unknown>, token?: string): Promise<unknown>;
}

/** What a dynamic registration needs. */
export interface RegisterDynamicallyDeps {
  platforms: PlatformRepo;
  registry: PlatformRegistry;
  clock: Clock;
  newId: () => string;
  http: RegistrationHttp;
  baseUrl: string;
  /** The scopes the tool asks for (LtiTool.scopes). */
  scopes: readonly string[];
}

/** The two parameters of the registration initiation request. */
export interface RegistrationRequest {
  openidConfiguration?: string;
  registrationToken?: string;
}

/** What happened, for the page that ends the registration. */
export interface DynamicRegistrationResult {
  platformId: string;
  created: boolean;
  status: PlatformStatus;
  vendor: Vendor;
  /** The LMS's host, as the page names it. */
  lmsHost: string;
}

const fail = (reason: RegistrationFailReason, message: string, details?: Record<string, unknown>): RegistrationFailed =>
  new RegistrationFailed(reason, message, msg(`registration.failed.${reason}`), details ? { details } : undefined);

const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
/** Printable ASCII without spaces: what a bearer token may hold (RFC 6750 b64token, generously). */
const TOKEN = /^[\x21-\x7e]{1,4096}$/;
const ID = /^[\x20-\x7e]{1,255}$/;

/** Checks the initiation parameters (they come from anyone). */
export function parseRegistrationRequest(input: RegistrationRequest): { configUrl: string; token?: string } {
  const configUrl = input.openidConfiguration ?? '';
  if (!configUrl || configUrl.length > 2048 || !checkPlatformUrl(configUrl).ok) {
    throw fail('params_invalid', 'The registration request has no valid openid_configuration URL.');
  }
  if (input.registrationToken !== undefined && !TOKEN.test(input.registrationToken)) {
    throw fail('params_invalid', 'The registration token of the request is not valid.');
  }
  return { configUrl, ...(input.registrationToken ? { token: input.registrationToken } : {}) };
}

/**
 * LTI Dynamic Registration 1.0: fetches and checks the platform's configuration, registers Masterly with it, and saves
 * the client id (and deployment id) it returns. A new registration arrives pending; the same issuer and client id
 * again updates it (back to pending if its endpoints moved); a new client id is a new registration
 * (docs/decisions/0017-dynamic-registration.md).
 *
 * @see https://www.imsglobal.org/spec/lti-dr/v1p0
 */
export async function registerDynamically(deps: RegisterDynamicallyDeps, input: RegistrationRequest): Promise<DynamicRegistrationResult> {
  const { configUrl, token } = parseRegistrationRequest(input);
  const check = checkPlatformConfiguration(configUrl, await deps.http.getConfiguration(configUrl, token));
  if (!check.ok) throw fail('configuration_invalid', `The platform configuration is not valid (${check.problem}: ${check.field}).`, { problem: check.problem, field: check.field });
  const config = check.config;
  const canvas = config.product === 'canvas' || Boolean(CANVAS_ISSUERS[config.issuer.replace(/\/+$/, '')]);
  const vendor: Vendor = canvas ? 'canvas' : config.product === 'moodle' ? 'moodle' : 'generic';

  const answer = await deps.http.register(config.registrationEndpoint, toolRegistrationRequest(deps.baseUrl, deps.scopes, canvas), token);
  const a = (answer && typeof answer === 'object' ? answer : {}) as Record<string, unknown>;
  const clientId = a.client_id;
  if (typeof clientId !== 'string' || !ID.test(clientId)) throw fail('response_invalid', 'The platform answered the registration without a valid client_id.');
  const toolConfig = (a[TOOL_CONFIG] && typeof a[TOOL_CONFIG] === 'object' ? a[TOOL_CONFIG] : {}) as Record<string, unknown>;
  const deploymentId = toolConfig.deployment_id;
  if (deploymentId !== undefined && (typeof deploymentId !== 'string' || !ID.test(deploymentId))) {
    throw fail('response_invalid', 'The platform answered the registration with a deployment_id that is not valid.');
  }
  // A platform may grant fewer scopes than asked; it says so in `scope` (absent: what we asked for).
  const granted = typeof a.scope === 'string' ? a.scope.split(/\s+/).filter((s) => deps.scopes.includes(s)) : [...deps.scopes];
  const claims = Array.isArray(toolConfig.claims) ? toolConfig.claims.filter((c): c is string => typeof c === 'string' && (TOOL_CLAIMS as readonly string[]).includes(c)) : undefined;
  const lmsHost = new URL(configUrl).host;
  const now = deps.clock.now();
  const saved = await deps.platforms.saveDynamic(
    {
      issuer: config.issuer,
      clientId,
      authUrl: config.authorizationEndpoint,
      tokenUrl: config.tokenEndpoint,
      jwksUrl: config.jwksUri,
      name: lmsHost,
      vendor,
      ...(deploymentId ? { deploymentId } : {}),
      // Canvas makes a deployment id for every account or course install of the same key (ADR 0017).
      newDeployments: canvas ? 'accept' : 'hold',
      registration: { ...(config.product ? { product: config.product } : {}), scopes: granted, ...(claims ? { claims } : {}), configurationUrl: configUrl, at: now },
    },
    deps.newId(),
    now,
  );
  deps.registry.invalidate();
  const platform = (await deps.platforms.listAll()).find((p) => p.id === saved.id);
  return { platformId: saved.id, created: saved.created, status: platform?.status ?? 'pending', vendor, lmsHost };
}
