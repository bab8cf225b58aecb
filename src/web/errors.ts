import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import { AppError, ImportRejected, LaunchRejected, LoginRejected, RateLimited, RegistrationFailed, type ErrorCode, type Issue, type LaunchRejectReason } from '../domain/errors.js';
import { render, translator, type MessageKey, type Translate } from '../i18n/index.js';
import { requestFields, requestIdOf } from './requestLog.js';
import { tOf } from './session.js';

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
  ERR_RATE_LIMITED: 429,
  // Temporary: load balancers and browsers may retry (Retry-After below). Storage full/read-only needs an operator.
  ERR_DB_UNAVAILABLE: 503,
  ERR_STORAGE_FULL: 507,
  ERR_STORAGE_READONLY: 503,
  ERR_LMS_URL_UNTRUSTED: 502,
  ERR_IMPORT_REJECTED: 422,
  ERR_REGISTRATION_FAILED: 400,
  ERR_UPLOAD_TOO_LARGE: 413,
  ERR_CHECK_EXPIRED: 409,
  ERR_TIME_ZONE_INVALID: 422,
};

/** Seconds a client should wait before retrying, sent as `Retry-After` with these codes. */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { ERR_DB_UNAVAILABLE: 30 };

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

/** Errors whose domain message is fixed text: shown from the catalogue instead, in the request's language. */
const CATALOGUED: Partial<Record<ErrorCode, MessageKey>> = {
  ERR_SESSION_REQUIRED: 'errors.sessionRequired',
  ERR_CSRF_INVALID: 'errors.csrfInvalid',
  ERR_ADMIN_AUTH_REQUIRED: 'errors.adminAuthRequired',
  ERR_NOT_FOUND: 'errors.notFound',
  ERR_RATE_LIMITED: 'errors.rateLimited',
  ERR_DB_UNAVAILABLE: 'errors.dbUnavailable',
  ERR_STORAGE_FULL: 'errors.storageFull',
  ERR_STORAGE_READONLY: 'errors.storageReadonly',
};

/**
 * An error's message in the reader's language: the launch reason's catalogue message, else the error's own
 * (`said`), else its code's, else its English text (errors not catalogued yet).
 */
export function messageOf(err: AppError, t: Translate): string {
  if (err instanceof LaunchRejected || err instanceof LoginRejected) return t(`errors.launch.${err.reason}` satisfies MessageKey);
  if (err.said) return render(t, err.said);
  const key = CATALOGUED[err.code];
  return key ? t(key) : err.message;
}

/** A form field's problem in the reader's language (its catalogue message, else its English text). */
export const issueMessage = (issue: Issue, t: Translate): string => (issue.said ? render(t, issue.said) : issue.message);

/** Shapes an error for the page or JSON body; messages the web layer owns come from the catalogue (`t`). */
export function presentError(err: unknown, requestId: string, t: Translate = translator()): ErrorView {
  if (err instanceof AppError) {
    return {
      status: (err instanceof LaunchRejected ? LAUNCH_REASON_STATUS[err.reason] : undefined) ?? STATUS[err.code],
      code: err.code,
      ...(err instanceof LaunchRejected || err instanceof LoginRejected || err instanceof ImportRejected || err instanceof RegistrationFailed ? { reason: err.reason } : {}),
      message: messageOf(err, t),
      requestId,
    };
  }
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    // Body-parser and similar: a client mistake, described without its content.
    return { status, code: 'ERR_VALIDATION', message: t('errors.unreadable'), requestId };
  }
  return { status: 500, code: 'ERR_INTERNAL', message: t('errors.internal'), requestId };
}

const wantsJson = (req: Request) =>
  req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json' && !req.accepts('html'));

/** Express error handler: logs with context, answers HTML or JSON. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = requestIdOf(res);
    const view = presentError(err, requestId, tOf(res));
    if (view.code === 'ERR_DB_UNAVAILABLE') {
      // An outage fails every request for a while: one short line each (the driver's code), not a stack per request.
      const driverCode = err instanceof AppError ? err.details?.driverCode : undefined;
      logger.warn({ req: requestFields(req, res), code: view.code, driverCode }, 'request failed: database unavailable');
    } else if (view.status >= 500) logger.error({ req: requestFields(req, res), err, code: view.code }, 'request failed');
    else if (logger.isLevelEnabled('warn')) {
      // A failed registration names what the LMS did wrong (problem, field, HTTP status): the operator's only clue.
      const details = err instanceof RegistrationFailed ? err.details : undefined;
      logger.warn({ req: requestFields(req, res), code: view.code, reason: view.reason, ...(details ? { details } : {}) }, 'request refused');
    }
    if (res.headersSent) return;
    res.status(view.status);
    // For the request metrics (launch refusals by reason).
    res.locals.errorCode = view.code;
    res.locals.errorReason = view.reason;
    const retryAfter = err instanceof RateLimited ? err.retryAfterSeconds : view.code === 'ERR_INTERNAL' ? undefined : RETRY_AFTER[view.code];
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    if (wantsJson(req)) res.json({ error: { code: view.code, reason: view.reason, message: view.message, requestId } });
    else res.render('error', { error: view });
  };
}
