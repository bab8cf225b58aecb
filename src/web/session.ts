import type { Request, RequestHandler, Response } from 'express';
import { AppError, SessionRequired } from '../domain/errors.js';
import type { LaunchSession } from '../services/ports.js';
import { SESSION_COOKIE, unsignValue } from './cookies.js';
import { translator, type Translate } from '../i18n/index.js';

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

/** The session of a request that passed `requireCourse`: its course is known. */
export type CourseSession = LaunchSession & { contextId: string };

/** The session of a request that passed `requireCourse` (or `requireInstructor`). */
export const courseSessionOf = (res: Response): CourseSession => res.locals.session as CourseSession;

/** The messages of this request: in the launch's locale after `requireSession`, English before. */
export const tOf = (res: Response): Translate => (res.locals.t as Translate | undefined) ?? translator();

/**
 * The launch's locale: LTI's `launch_presentation.locale`, or the OpenID Connect `locale` claim.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#launch-presentation-claim
 */
export const localeOf = (s: LaunchSession): unknown => (s.claims.launchPresentation as { locale?: unknown } | undefined)?.locale ?? s.claims.locale;

/** Loads the launch session into res.locals.session (and its messages into res.locals.t), or fails with ERR_SESSION_REQUIRED. */
export function requireSession(deps: SessionDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const id = readSessionId(req, deps.cookieSecret);
      const session = id ? await deps.getSession(id) : undefined;
      if (!session) throw new SessionRequired();
      res.locals.session = session;
      res.locals.t = translator(localeOf(session));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Course scoping (after `requireSession`): the session was launched from a course, or ERR_FORBIDDEN. */
export const requireCourse: RequestHandler = (_req, res, next) => {
  if (!sessionOf(res).contextId) throw new AppError('ERR_FORBIDDEN', tOf(res)('errors.courseRequired'));
  next();
};

/** Instructor pages (after `requireSession`): an instructor of the session's course, or ERR_FORBIDDEN. */
export const requireInstructor: RequestHandler = (req, res, next) => {
  if (!sessionOf(res).isInstructor) throw new AppError('ERR_FORBIDDEN', tOf(res)('errors.instructorOnly'));
  requireCourse(req, res, next);
};
