import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { COURSE, SCOPES, platformEndpoints, toolEndpoints, type Ctx } from './context.js';
import { projectPath } from '../projectRoot.js';

/**
 * LTI Dynamic Registration 1.0, platform side: the OpenID configuration, the registration endpoint and a
 * tool-management page ("register a tool by URL"), in a Canvas-like way (the configuration needs the registration
 * token; placements; the key is on at once, and each install gets its own deployment id later) or a Moodle-like way
 * (the configuration is open; the tool arrives pending until activated; the answer carries the deployment id).
 *
 * @see https://www.imsglobal.org/spec/lti-dr/v1p0
 */

/** What a registration grants (the management page's checkboxes; a misconfigured install leaves them off). */
export interface Grants {
  /** AGS and NRPS scopes (and their launch claims). */
  services: boolean;
  /** Names and email in launches. */
  names: boolean;
}

/** The tool registered through the management page, as the LMS keeps it. */
export interface RegisteredTool {
  clientId: string;
  deploymentId: string;
  /** Moodle-like: 'pending' until an administrator activates it; launches are refused meanwhile. */
  status: 'active' | 'pending';
  scopes: string[];
  /** The tool's registration request as received. */
  request: Record<string, unknown>;
}

/** Registration state of one emulator. */
export interface RegistrationState {
  tokens: Map<string, { expiresAt: number; update: boolean; grants: Grants }>;
  tool?: RegisteredTool;
  /** Registrations received (tests count them). */
  received: number;
  /** Configuration requests refused for a missing or wrong token. */
  refusedConfigurations: number;
  grants: Grants;
}

const TOKEN_TTL_MS = 60 * 60_000;
const CLIENT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

const newClientId = (): string => Array.from(randomBytes(15), (b) => CLIENT_ID_ALPHABET[b % CLIENT_ID_ALPHABET.length]).join('');

const bearer = (req: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** Fresh registration state (every grant on). */
export const newRegistrationState = (): RegistrationState => ({ tokens: new Map(), received: 0, refusedConfigurations: 0, grants: { services: true, names: true } });

/** The emulator's OpenID configuration (Canvas-like or Moodle-like `lti-platform-configuration`). */
export function openidConfiguration(ctx: Ctx): Record<string, unknown> {
  const ep = platformEndpoints(ctx.url, ctx.courseId);
  const canvas = ctx.mode() === 'canvas';
  return {
    issuer: ctx.url,
    authorization_endpoint: ep.auth,
    token_endpoint: ep.token,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    jwks_uri: ep.jwks,
    registration_endpoint: `${ctx.url}/lti/registrations`,
    scopes_supported: ['openid', ...Object.values(SCOPES)],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
    'https://purl.imsglobal.org/spec/lti-platform-configuration': {
      product_family_code: canvas ? 'canvas' : ctx.mode() === 'moodle' ? 'moodle' : 'masterly-emulator',
      version: '1.0',
      messages_supported: canvas
        ? [
            { type: 'LtiResourceLinkRequest', placements: ['course_navigation'] },
            { type: 'LtiDeepLinkingRequest', placements: ['link_selection', 'assignment_selection'] },
          ]
        : [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest', placements: ['AddContentMenu'] }],
      variables: canvas ? ['Canvas.course.id', 'Canvas.user.id', 'Canvas.api.domain'] : [],
    },
  };
}

/** Routes of the platform side of dynamic registration, and the tool-management page. */
export function registrationRouter(ctx: Ctx, state: RegistrationState, persist: (clientId: string, deploymentId: string) => Promise<void>): Router {
  const router = Router();
  const liveToken = (token: string | undefined) => {
    const t = token ? state.tokens.get(token) : undefined;
    return t && t.expiresAt > ctx.now() ? t : undefined;
  };

  router.get('/.well-known/openid-configuration', (req, res) => {
    // Canvas refuses the configuration without the registration token; Moodle does not check it here.
    if (ctx.mode() === 'canvas' && !liveToken(bearer(req))) {
      state.refusedConfigurations += 1;
      res.status(401).json({ errors: [{ message: 'registration token required' }] });
      return;
    }
    res.json(openidConfiguration(ctx));
  });

  router.post('/lti/registrations', async (req: Request, res: Response) => {
    const token = bearer(req);
    const grant = liveToken(token);
    if (!grant || !token) {
      res.status(401).json({ error: 'invalid_token', error_description: 'a valid registration token is required' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tool = toolEndpoints(ctx.toolUrl);
    const config = (body[TOOL_CONFIG] ?? {}) as Record<string, unknown>;
    const problem =
      body.initiate_login_uri !== tool.login
        ? 'initiate_login_uri'
        : !Array.isArray(body.redirect_uris) || !body.redirect_uris.includes(tool.launch)
          ? 'redirect_uris'
          : body.jwks_uri !== tool.jwks
            ? 'jwks_uri'
            : !Array.isArray(config.messages) || typeof config.target_link_uri !== 'string'
              ? TOOL_CONFIG
              : undefined;
    if (problem) {
      res.status(400).json({ error: 'invalid_client_metadata', error_description: `${problem} is missing or wrong` });
      return;
    }
    state.tokens.delete(token);
    state.received += 1;
    const canvas = ctx.mode() === 'canvas';
    const update = grant.update && state.tool !== undefined;
    const clientId = update && state.tool ? state.tool.clientId : newClientId();
    // Moodle: the deployment id is the tool type id; Canvas: each account or course install makes its own, later.
    const deploymentId = update && state.tool ? state.tool.deploymentId : canvas ? `${state.received}:${randomBytes(8).toString('hex')}` : String(state.received + 1);
    const requested = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
    const scopes = requested.filter((s) => (Object.values(SCOPES) as string[]).includes(s) && grant.grants.services);
    state.tool = { clientId, deploymentId, status: canvas ? 'active' : 'pending', scopes, request: body };
    state.grants = grant.grants;
    ctx.clientId = clientId;
    ctx.deploymentId = deploymentId;
    await persist(clientId, deploymentId);
    const claims = grant.grants.names ? ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'] : ['sub', 'iss'];
    res.json({
      ...body,
      client_id: clientId,
      scope: scopes.join(' '),
      [TOOL_CONFIG]: { ...config, claims, ...(canvas ? {} : { deployment_id: deploymentId }) },
    });
  });

  router.get('/devplatformRegister.js', (_req, res) => res.sendFile(path.join(projectPath('public'), 'devplatformRegister.js')));

  router.get('/tools', (_req, res) => {
    res.render('devplatform/tools', {
      title: 'Manage tools',
      mode: ctx.mode(),
      course: COURSE,
      tool: state.tool ? { clientId: state.tool.clientId, deploymentId: state.tool.deploymentId, status: state.tool.status, scopes: state.tool.scopes } : undefined,
      defaultUrl: `${ctx.toolUrl}/lti/register`,
      registering: undefined,
    });
  });

  router.post('/tools/register', (req, res) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const url = b.url ?? '';
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      res.status(400).render('devplatform/error', { title: 'Invalid tool URL', code: 'invalid_url', message: 'Enter the registration URL of the tool.' });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    state.tokens.set(token, { expiresAt: ctx.now() + TOKEN_TTL_MS, update: b.update === 'on', grants: { services: b.services === 'on', names: b.names === 'on' } });
    target.searchParams.set('openid_configuration', `${ctx.url}/.well-known/openid-configuration`);
    target.searchParams.set('registration_token', token);
    res.render('devplatform/tools', {
      title: 'Registering a tool',
      mode: ctx.mode(),
      course: COURSE,
      tool: undefined,
      defaultUrl: url,
      registering: target.toString(),
    });
  });

  router.post('/tools/activate', (_req, res) => {
    if (state.tool) state.tool.status = 'active';
    res.redirect(303, '/tools');
  });
  return router;
}
