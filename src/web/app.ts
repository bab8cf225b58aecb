import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { errorHandler } from './errors.js';
import { NotFound } from '../domain/errors.js';

/** What the web layer needs; main.ts (or a test) builds it. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Checks the database (and anything else /healthz should vouch for). */
  health: () => Promise<void>;
  /** Origins allowed to frame us: registered platforms plus FRAME_ANCESTORS; read per request so new platforms apply at once. */
  frameAncestors: () => string[];
  /** Feature routers, mounted in order at the root. */
  routers: Router[];
}

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');
const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');

/** Builds the Express app. No module state: tests may create several per process. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Never log bodies, cookies or authorization headers (id_tokens and secrets pass through here).
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", 'https:', 'http:'],
          frameAncestors: ["'self'", (_req, _res) => deps.frameAncestors().join(' ') || "'self'"],
          upgradeInsecureRequests: config.BASE_URL.startsWith('https:') ? [] : null,
        },
      },
      // LMSs embed us in iframes: frame-ancestors governs framing, so X-Frame-Options must not forbid it.
      xFrameOptions: false,
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.BASE_URL.startsWith('https:'),
    }),
  );
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));

  app.get('/healthz', async (_req, res) => {
    try {
      await deps.health();
      res.json({ status: 'ok' });
    } catch (err) {
      logger.error({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  for (const router of deps.routers) app.use(router);

  app.use((_req, _res, next) => next(new NotFound('This page')));
  app.use(errorHandler(logger));
  return app;
}
