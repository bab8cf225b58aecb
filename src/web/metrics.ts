import { Router, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { NotFound } from '../domain/errors.js';
import { sameToken } from './cookies.js';

/** The series the request timer feeds (src/metrics.ts). */
export interface RequestMetrics {
  http: { observe(labels: { route: string; method: string; status: string }, seconds: number): void };
  launches: { inc(labels: { result: string; reason: string }): void };
  answers: { inc(labels: { result: string }): void };
}

/**
 * Times every request by its route PATTERN (`/instructor/students/:userId`, never the raw URL, which holds ids), and
 * counts launches (ok / refused by reason) and answers from the same timer. Cost per request: one clock read, one
 * listener and one histogram observation.
 */
export function requestMetrics(m: RequestMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const pattern = typeof route === 'string' ? route : 'unmatched';
      const status = res.statusCode;
      m.http.observe({ route: pattern, method: req.method, status: String(status) }, (performance.now() - started) / 1000);
      if (req.method !== 'POST') return;
      if (pattern === '/lti/launch') {
        m.launches.inc(status < 400 ? { result: 'ok', reason: '' } : { result: 'refused', reason: String(res.locals.errorReason ?? res.locals.errorCode ?? status) });
      } else if (pattern === '/student/answer') m.answers.inc({ result: status < 400 ? 'accepted' : 'refused' });
    });
    next();
  };
}

/**
 * GET /metrics (Prometheus text format) for a scraper holding `Authorization: Bearer <METRICS_TOKEN>`; without a
 * token configured the endpoint does not exist (404), with a wrong one it is 404 too (nothing to probe).
 */
export function metricsRouter(deps: { registry: Registry; token: string | undefined }): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!deps.token || !given || !sameToken(given, deps.token)) return next(new NotFound('This page'));
    res.setHeader('cache-control', 'no-store');
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
