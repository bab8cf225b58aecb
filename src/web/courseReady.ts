import type { RequestHandler } from 'express';
import { presentWaiting } from './presenters/courseSetup.js';
import { sessionOf, tOf } from './session.js';

/** Where an instructor sets up a course without content (src/web/routes/courseSetup.ts). */
export const SETUP_PATH = '/instructor/setup';

/**
 * Pages that need the course's content (after `requireSession`): when the course has none yet, instructors go to
 * the set-up page and everyone else sees a friendly "not set up yet" page (200, no error code) instead of a 404.
 * The session's own read says so when it was read in this request (the first page after a launch); otherwise
 * `hasCourse` asks (and keeps the answer once it is yes).
 */
export function courseReady(hasCourse: (contextId: string) => Promise<boolean>): RequestHandler {
  return async (_req, res, next) => {
    try {
      const s = sessionOf(res);
      // A session just read from the database says whether the course has content; a kept copy only when it has.
      const known = s.courseHasContent;
      if (!s.contextId || known === true || (known === undefined && (await hasCourse(s.contextId)))) return next();
      res.setHeader('cache-control', 'no-store');
      if (s.isInstructor) return res.redirect(303, SETUP_PATH);
      const t = tOf(res);
      const page = presentWaiting(s.context?.title ?? s.context?.label ?? null, t);
      res.render('setup/waiting', { page, title: t('setup.waiting.title', { course: page.courseTitle }) });
    } catch (err) {
      next(err);
    }
  };
}
