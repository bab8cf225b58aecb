import { Router, type Request, type Response } from 'express';
import type { DynamicRegistrationResult, RegistrationRequest } from '../../services/registerDynamically.js';
import { presentRegistration } from '../presenters/registration.js';

/** What the registration route needs. */
export interface RegistrationRoutesDeps {
  registerDynamically(input: RegistrationRequest): Promise<DynamicRegistrationResult>;
  /** Counts an attempt from this client; throws RateLimited over the limit (services/limitRegistrations.ts). */
  limit(clientKey: string): Promise<void>;
  clientHash: (req: Request) => string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The origin of the LMS that opened the page (the configuration's), when it is a plain http(s) origin. */
function openerOrigin(configUrl: string | undefined): string | undefined {
  try {
    const u = new URL(configUrl ?? '');
    return (u.protocol === 'https:' || u.protocol === 'http:') && /^[a-z0-9.:[\]-]+$/i.test(u.host) ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Lets the LMS that opened the registration frame this one response (its success or failure page). */
function allowFramingBy(res: Response, origin: string | undefined): void {
  const csp = res.getHeader('content-security-policy');
  if (!origin || typeof csp !== 'string') return;
  res.setHeader('content-security-policy', csp.replace(/frame-ancestors[^;]*/, `frame-ancestors 'self' ${origin}`));
}

/**
 * GET /lti/register: LTI Dynamic Registration initiation (the URL an administrator pastes into Moodle's "Add LTI
 * Advantage" or a Canvas "LTI Registration" key). No session: the registration token is the credential; each
 * attempt counts against the client's limit. Failures go to the error handler (a plain page, framable here too).
 *
 * @see https://www.imsglobal.org/spec/lti-dr/v1p0#registration-initiation-launch
 */
export function registrationRouter(deps: RegistrationRoutesDeps): Router {
  const router = Router();
  router.get('/lti/register', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const openidConfiguration = str(q.openid_configuration);
    const registrationToken = str(q.registration_token);
    res.setHeader('cache-control', 'no-store');
    allowFramingBy(res, openerOrigin(openidConfiguration));
    await deps.limit(`registration:${deps.clientHash(req)}`);
    const result = await deps.registerDynamically({
      ...(openidConfiguration ? { openidConfiguration } : {}),
      ...(registrationToken ? { registrationToken } : {}),
    });
    res.render('registration/done', { title: 'Masterly: registration', reg: presentRegistration(result) });
  });
  return router;
}
