import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import { AppError, LaunchRejected, LoginRejected, type ErrorCode, type LaunchRejectReason } from '../domain/errors.js';
import { requestFields, requestIdOf } from './requestLog.js';

/** The only place that knows HTTP status codes for our errors. */
export const STATUS: Record<ErrorCode, number> = {
  ERR_LAUNCH_REJECTED: 401,
  ERR_LOGIN_REJECTED: 400,
  ERR_SESSION_REQUIRED: 401,
  ERR_FORBIDDEN: 403,
  ERR_CSRF_INVALID: 403,
  ERR_ADMIN_AUTH_REQUIRED: 401,
  ERR_NOT_FOUND: 404,
  ERR_VALIDATION: 422,
  ERR_CONFLICT: 409,
  ERR_PLATFORM_UNKNOWN: 400,
  ERR_OBJECTIVE_CYCLE: 422,
  ERR_OBJECTIVE_LOCKED: 409,
  ERR_LMS_UNAVAILABLE: 502,
  ERR_LMS_REJECTED: 502,
  ERR_DEEP_LINK_USED: 409,
};

/**
 * Launch rejections that are not the launch's fault: the LMS could not be asked (its JWKS failed), so the answer is a
 * gateway error (retrying may help) rather than 401. Same code and reason either way.
 */
const LAUNCH_REASON_STATUS: Partial<Record<LaunchRejectReason, number>> = { jwks_unavailable: 502 };

/** What the error page and JSON error bodies show: never a stack, never an echo of the request. */
export interface ErrorView {
  status: number;
  code: ErrorCode | 'ERR_INTERNAL';
  reason?: string;
  message: string;
  requestId: string;
}

export function presentError(err: unknown, requestId: string): ErrorView {
  if (err instanceof AppError) {
    return {
      status: (err instanceof LaunchRejected ? LAUNCH_REASON_STATUS[err.reason] : undefined) ?? STATUS[err.code],
      code: err.code,
      ...(err instanceof LaunchRejected || err instanceof LoginRejected ? { reason: err.reason } : {}),
      message: err.message,
      requestId,
    };
  }
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    // Body-parser and similar: a client mistake, described without its content.
    return { status, code: 'ERR_VALIDATION', message: 'The request could not be read.', requestId };
  }
  return { status: 500, code: 'ERR_INTERNAL', message: 'Something went wrong on our side. Please try again.', requestId };
}

const wantsJson = (req: Request) =>
  req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json' && !req.accepts('html'));

/** Express error handler: logs with context, answers HTML or JSON. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = requestIdOf(res);
    const view = presentError(err, requestId);
    if (view.status >= 500) logger.error({ req: requestFields(req, res), err, code: view.code }, 'request failed');
    else if (logger.isLevelEnabled('warn')) logger.warn({ req: requestFields(req, res), code: view.code, reason: view.reason }, 'request refused');
    if (res.headersSent) return;
    res.status(view.status);
    if (wantsJson(req)) res.json({ error: { code: view.code, reason: view.reason, message: view.message, requestId } });
    else res.render('error', { error: view, title: 'Masterly' });
  };
}
