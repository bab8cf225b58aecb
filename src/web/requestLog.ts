import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** What the request logger needs. */
export interface RequestLogOptions {
  logger: Logger;
  /** Requests not to log (the request id is still set): health checks. */
  ignore?: (path: string) => boolean;
}

/** The id of this request, also sent as `x-request-id` and shown on error pages. */
export const requestIdOf = (res: Response): string => String((res.locals as { requestId?: unknown }).requestId ?? '');

/** Method, path (never the query: it may carry hints or tokens) and id, as every request log line shows them. */
export const requestFields = (req: { method: string; originalUrl: string }, res: Response) => ({
  id: requestIdOf(res),
  method: req.method,
  url: req.originalUrl.split('?')[0],
});

/**
 * Gives every request an id (`x-request-id`) and, when the logger's level lets `info` through, writes one line when
 * the response finishes: method, path, status and time — never bodies, cookies or authorization headers (id_tokens
 * and secrets pass through here). Above `info` it does nothing else: no child logger, no listener, no timer.
 * Failures are logged by the error handler with the same request fields, at any level.
 */
export function requestLog(opts: RequestLogOptions): RequestHandler {
  const { logger } = opts;
  return (req, res, next) => {
    const id = randomUUID();
    res.setHeader('x-request-id', id);
    res.locals.requestId = id;
    if (logger.isLevelEnabled('info') && !opts.ignore?.(req.path)) {
      const started = performance.now();
      res.once('finish', () => {
        const line = { req: requestFields(req, res), res: { statusCode: res.statusCode, ...(res.locals.errorCode ? { code: res.locals.errorCode as string } : {}) }, responseTime: Math.round(performance.now() - started) };
        if (res.statusCode >= 500) logger.error(line, 'request errored');
        else logger.info(line, 'request completed');
      });
    }
    next();
  };
}
