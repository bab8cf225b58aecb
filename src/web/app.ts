import express, { type Express, type RequestHandler, type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { errorHandler } from './errors.js';
import { healthRouter } from './health.js';
import { languageFromHeader, translator } from '../i18n/index.js';
import { requestLog } from './requestLog.js';
import { securityHeaders } from './securityHeaders.js';
import { metricsRouter, requestMetrics, type RequestMetrics } from './metrics.js';
import type { Registry } from 'prom-client';
import { NotFound } from '../domain/errors.js';
import { projectPath } from '../projectRoot.js';
import { viewEngine } from './views.js';

/** What the web layer needs; main.ts (or a test) builds it. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The database write probe behind /healthz (reported) and /readyz (503 when it fails). */
  health: () => Promise<void>;
  /**
   * Origins allowed to frame us: registered platforms plus FRAME_ANCESTORS; read per request so new platforms apply at
   * once. Returning the same array while nothing changed lets the CSP be reused as is.
   */
  frameAncestors: () => readonly string[];
  /** Feature routers, mounted in order at the root. */
  routers: Router[];
  /** Prometheus: the request timer's series, the registry `/metrics` serves and the token it requires (README "Metrics"). */
  metrics?: { request: RequestMetrics; registry: Registry; token: string | undefined };
}

export const VIEWS_DIR = projectPath('views');
const PUBLIC_DIR = projectPath('public');

/** Builds the Express app. No module state: tests may create several per process. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // No ETag: pages are per person and rendered afresh on every request, so a 304 would save bytes but no work, while
  // hashing every body costs CPU on every response (static files keep theirs: express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
  app.engine('ejs', viewEngine());
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.locals.t = translator(); // English until a session says otherwise (requireSession sets res.locals.t)
  // Before a session: the browser's preferred language (landing page, 404s, launch refusals).
  app.use((req, res, next) => {
    const lang = languageFromHeader(req.headers['accept-language']);
    if (lang !== 'en') res.locals.t = translator(lang);
    next();
  });

  // Request id and one log line per request (nothing more above `info`); health checks are not logged.
  app.use(requestLog({ logger, ignore: (p) => p === '/healthz' || p === '/readyz' }));
  if (deps.metrics) app.use(requestMetrics(deps.metrics.request));
  // The headers helmet 8 produced with our former options, precomputed; the CSP's frame-ancestors lists the platform
  // origins (LMSs embed us in iframes, so X-Frame-Options is not sent: frame-ancestors governs framing).
  app.use(
    securityHeaders({
      https: config.BASE_URL.startsWith('https:'),
      frameAncestors: deps.frameAncestors,
      onUnusable: (origin) => logger.warn({ origin }, 'frame-ancestors entry skipped: not a usable origin (fix or remove that platform)'),
    }),
  );
  app.use(cookieParser());
  // Bodies are parsed only for requests that can carry one: HTML forms post urlencoded; JSON only where an API
  // client may send it (/api, and the admin routes that bearer-token scripts call). GETs skip both.
  const form = express.urlencoded({ extended: false, limit: '200kb' });
  const json = express.json({ limit: '1mb' });
  const hasNoBody = (method: string) => method === 'GET' || method === 'HEAD';
  app.use((req, res, next) => (hasNoBody(req.method) ? next() : form(req, res, next)));
  app.use(['/api', '/admin'], ((req, res, next) => (hasNoBody(req.method) ? next() : json(req, res, next))) satisfies RequestHandler);
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));

  app.use(healthRouter({ probe: deps.health, logger }));
  if (deps.metrics) app.use(metricsRouter({ registry: deps.metrics.registry, token: deps.metrics.token }));

  for (const router of deps.routers) app.use(router);

  app.use((_req, _res, next) => next(new NotFound('This page')));
  app.use(errorHandler(logger));
  return app;
}
