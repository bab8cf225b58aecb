import type { Request, RequestHandler, Response } from 'express';
import { AppError, SessionRequired } from '../domain/errors.js';
import type { LaunchSession } from '../services/ports.js';
import type { GetSessionOptions } from '../services/getSession.js';
import { SESSION_COOKIE, unsignValue } from './cookies.js';
import { launchLocale, translator, type Translate } from '../i18n/index.js';
import { timeZoneOf } from '../domain/timeZone.js';
import { csrfToken } from './csrf.js';

/** What the session middleware needs. */
export interface SessionDeps {
  getSession(id: string, opts?: GetSessionOptions): Promise<LaunchSession | undefined>;
  cookieSecret: string;
}

/** The header a page in token mode sends its session token in (public/session.js). */
export const SESSION_HEADER = 'x-masterly-session';
/** The form field a page in token mode adds to its forms (public/session.js). */
export const SESSION_FIELD = 'session_token';

/**
 * Where a request carries its session id (docs/decisions/0021-cookieless-launches.md): the signed session cookie
 * (partitioned after a cookie-less launch), else the same signed value as a per-tab token that the page sends in the
 * `x-masterly-session` header or a `session_token` form field — never in a URL. `token` is set when the token was
 * used, so the next page carries it on.
 */
export function readSession(req: Request, cookieSecret: string): { id: string; token?: string } | undefined {
  const fromCookie = unsignValue(cookieSecret, (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]);
  if (fromCookie) return { id: fromCookie };
  const header = req.headers[SESSION_HEADER];
  const field = (req.body as Record<string, unknown> | undefined)?.[SESSION_FIELD];
  const token = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
  const id = token && token.length <= 200 ? unsignValue(cookieSecret, token) : undefined;
  return id && token ? { id, token } : undefined;
}

/** The session id of a request (cookie or token), or undefined. */
export const readSessionId = (req: Request, cookieSecret: string): string | undefined => readSession(req, cookieSecret)?.id;

/** The session loaded for this request by `requireSession`. */
export const sessionOf = (res: Response): LaunchSession => res.locals.session as LaunchSession;

/** The session of a request that passed `requireCourse`: its course is known. */
export type CourseSession = LaunchSession & { contextId: string };

/** The session of a request that passed `requireCourse` (or `requireInstructor`). */
export const courseSessionOf = (res: Response): CourseSession => res.locals.session as CourseSession;

/** The messages of this request: in the launch's locale after `requireSession`, English before. */
export const tOf = (res: Response): Translate => (res.locals.t as Translate | undefined) ?? translator();

/** The launch's locale (`launch_presentation.locale`, or the OpenID Connect `locale` claim). */
export const localeOf = (s: LaunchSession): unknown => launchLocale(s.claims);

/**
 * The zone a session's pages show times in: the one the browser reported, else the LMS's guess (Canvas's
 * `$Person.address.timezone`, requested as the custom field `canvas_user_timezone`), else none (UTC, named).
 */
export const readerTimeZone = (s: LaunchSession): string | undefined =>
  s.timeZone ?? timeZoneOf((s.claims.custom as Record<string, unknown> | undefined)?.canvas_user_timezone);

/**
 * Loads the launch session into res.locals.session (and its messages into res.locals.t), or fails with ERR_SESSION_REQUIRED.
 * `checkedByCaller`: the route's own statements refuse a session that is gone (see {@link GetSessionOptions}).
 */
export function requireSession(deps: SessionDeps, opts?: GetSessionOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      const carried = readSession(req, deps.cookieSecret);
      const session = carried ? await deps.getSession(carried.id, opts) : undefined;
      if (!session) throw new SessionRequired();
      res.locals.session = session;
      // Token mode: the page carries the token on (views/partials/head.ejs renders it for public/session.js).
      if (carried?.token) res.locals.sessionToken = carried.token;
      res.locals.t = translator(localeOf(session), readerTimeZone(session));
      // Until the browser has said its time zone, the page carries what public/timeZone.js needs to say it once.
      if (!session.timeZone) res.locals.askTimeZone = csrfToken(deps.cookieSecret, session.id);
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
