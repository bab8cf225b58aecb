import type { LoginParams, LoginRedirect, LtiTool } from './ports.js';

/** OIDC login initiation: one INSERT, then the redirect to the platform. */
export async function startLogin(deps: { lti: LtiTool }, params: LoginParams): Promise<LoginRedirect> {
  return deps.lti.beginLogin(params);
}
