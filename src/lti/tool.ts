import type { Clock, LoginStateRepo, LtiTool, PlatformRegistry } from '../services/ports.js';
import { AGS_SCOPES } from './ags.js';
import { createPlatformJwks, type PlatformJwks } from './jwks.js';
import { verifyLaunch } from './launch.js';
import { beginLogin, launchFallback, loginCookieName } from './login.js';
import { NRPS_SCOPE } from './nrps.js';

/** Scopes Masterly asks for: AGS (line items, results, scores) and NRPS. */
export const TOOL_SCOPES: readonly string[] = [AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadonly, AGS_SCOPES.resultReadonly, AGS_SCOPES.score, NRPS_SCOPE];

/** Settings of the LTI core, taken from Config by main.ts. */
export interface LtiToolConfig {
  baseUrl: string;
  clockSkewSeconds: number;
  launchMaxAgeSeconds: number;
  loginTtlSeconds?: number;
  /** Cap on open login states per client address (LOGIN_OPEN_STATES_PER_ADDRESS). */
  openStatesPerClient?: number;
}

/** What the LTI core needs. */
export interface LtiToolDeps {
  registry: PlatformRegistry;
  loginStates: LoginStateRepo;
  clock: Clock;
  config: LtiToolConfig;
  fetch?: typeof fetch;
  /** Shared JWKS cache (optional; one is created otherwise). */
  jwks?: PlatformJwks;
  random?: (bytes: number) => string;
  /** Records a deployment id first seen in a signed launch. */
  noteDeployment?: (platformId: string, deploymentId: string, status: 'active' | 'pending') => Promise<void>;
}

/** Builds the LTI core behind the LtiTool port (one per app). */
export function createLtiTool(deps: LtiToolDeps): LtiTool {
  const jwks = deps.jwks ?? createPlatformJwks({ clock: deps.clock, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const loginConfig = {
    baseUrl: deps.config.baseUrl,
    loginTtlSeconds: deps.config.loginTtlSeconds ?? 600,
    ...(deps.config.openStatesPerClient !== undefined ? { openStatesPerClient: deps.config.openStatesPerClient } : {}),
  };
  const launchConfig = { clockSkewSeconds: deps.config.clockSkewSeconds, launchMaxAgeSeconds: deps.config.launchMaxAgeSeconds };
  return {
    beginLogin: (params) =>
      beginLogin(
        { registry: deps.registry, loginStates: deps.loginStates, clock: deps.clock, config: loginConfig, ...(deps.random ? { random: deps.random } : {}) },
        params,
      ),
    verifyLaunch: (input) =>
      verifyLaunch(
        { registry: deps.registry, loginStates: deps.loginStates, jwks, clock: deps.clock, config: launchConfig, ...(deps.noteDeployment ? { noteDeployment: deps.noteDeployment } : {}) },
        input,
      ),
    loginCookieName,
    launchFallback: (state) => launchFallback(deps, state),
    scopes: TOOL_SCOPES,
  };
}
