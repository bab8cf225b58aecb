import type { Request, RequestHandler, Response } from 'express';
import { SessionRequired } from '../domain/errors.js';
import type { LaunchSession } from '../services/ports.js';
import { SESSION_COOKIE, unsignValue } from './cookies.js';

/** What the session middleware needs. */
export interface SessionDeps {
  getSession(id: string): Promise<LaunchSession | undefined>;
  cookieSecret: string;
}

/**
 * Where a request carries its session id. Today: the signed cookie set after launch. This is the one place to
 * add the cookie-less path (Platform Storage / a token rendered into the page and sent as a header) later.
 */
export function readSessionId(req: Request, cookieSecret: string): string | undefined {
  return unsignValue(cookieSecret, (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]);
}

/** The session loaded for this request by `requireSession`. */
export const sessionOf = (res: Response): LaunchSession => res.locals.session as LaunchSession;

/** Loads the launch session into res.locals.session, or fails with ERR_SESSION_REQUIRED. */
export function requireSession(deps: SessionDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const id = readSessionId(req, deps.cookieSecret);
      const session = id ? await deps.getSession(id) : undefined;
      if (!session) throw new SessionRequired();
      res.locals.session = session;
      next();
    } catch (err) {
      next(err);
    }
  };
}
