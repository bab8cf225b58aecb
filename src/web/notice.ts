import type { Request } from 'express';
import { signValue, unsignValue } from './cookies.js';

/** Longest notice a page shows (our own notices are one or two sentences). */
const MAX_NOTICE = 600;

/**
 * A notice carried across a redirect (post/redirect/get), e.g. "Saved." after a form. Signed with the cookie secret:
 * a link made elsewhere (`?notice=Your account is closed, call …`) cannot make a tool page say something.
 */
export const withNotice = (secret: string, path: string, notice: string): string =>
  `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(signValue(secret, notice.slice(0, MAX_NOTICE)))}`;

/** The notice of this request if the tool wrote it (see {@link withNotice}), else null. */
export function noticeOf(secret: string, req: Request): string | null {
  const raw = req.query.notice;
  return typeof raw === 'string' ? (unsignValue(secret, raw) ?? null) : null;
}
