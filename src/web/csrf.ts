import { createHmac } from 'node:crypto';
import type { RequestHandler } from 'express';
import { CsrfInvalid } from '../domain/errors.js';
import { sameToken } from './cookies.js';
import { sessionOf } from './session.js';

/**
 * The CSRF token of the forms bound to `binding` (a launch session id, or the signed admin cookie): an HMAC under the
 * cookie secret, so it changes with every session and cannot be computed by another site.
 */
export const csrfToken = (secret: string, binding: string): string => createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');

/** Throws ERR_CSRF_INVALID (nothing changed) unless the form's `csrf` field is the token bound to `binding`. */
export function checkCsrf(body: unknown, secret: string, binding: string): void {
  const given = (body as Record<string, unknown> | undefined)?.csrf;
  if (typeof given === 'string' && given !== '' && given.length <= 200 && sameToken(given, csrfToken(secret, binding))) return;
  throw new CsrfInvalid();
}

/** Middleware for the forms of a launch session (after `requireSession`): the token bound to the session. */
export const requireCsrf =
  (secret: string): RequestHandler =>
  (req, res, next) => {
    checkCsrf(req.body, secret, sessionOf(res).id);
    next();
  };
