import type { NextFunction, Request, Response } from 'express';

/** Which endpoints a fault hits: the service endpoints (token, NRPS, AGS), the platform JWKS, or both. */
export type FaultScope = 'services' | 'jwks' | 'all';

/** Fault switches for the service endpoints (token, NRPS, AGS) and, opted in, the JWKS; programmable from tests. */
export interface FaultSpec {
  /** Where the faults below apply (default `services`: the JWKS keeps answering unless a test opts in). */
  scope?: FaultScope;
  /** Answer this status (with a small JSON body) … */
  status?: 500 | 503;
  /** … for this many requests, then heal (unset: until cleared). */
  count?: number;
  /** Answer 429 with Retry-After (Canvas mode: 403 "Rate Limit Exceeded") for `count` requests. */
  rateLimit?: { count: number; retryAfterSeconds: number };
  /** Delay every service answer by this many milliseconds. */
  delayMs?: number;
  /** The next service call that carries a valid token gets 401 and that token stops working. */
  expireTokens?: boolean;
  /** Destroy the socket of this many requests without answering. */
  dropConnections?: number;
}

/** The `faults` handle of a DevPlatform. */
export interface Faults {
  /** Replaces the active faults. */
  set(spec: FaultSpec): void;
  /** Heals everything. */
  clear(): void;
  /** What is still armed (counts go down as requests consume them). */
  readonly active: Readonly<FaultSpec>;
}

/** Internal: the faults plus hooks the service routes use. */
export interface FaultState extends Faults {
  /** The fault middleware for the endpoints of `where` (it passes requests through when the spec's scope excludes them). */
  middleware(isCanvas: () => boolean, where?: Exclude<FaultScope, 'all'>): (req: Request, res: Response, next: NextFunction) => void;
  /** Consumes the expireTokens switch; true when the current call must get 401. */
  takeTokenExpiry(): boolean;
}

/** Creates one emulator's fault switches (instance state, never module state). */
export function createFaults(): FaultState {
  let spec: FaultSpec = {};
  return {
    set(next) {
      spec = { ...next, ...(next.rateLimit ? { rateLimit: { ...next.rateLimit } } : {}) };
    },
    clear() {
      spec = {};
    },
    get active() {
      return spec;
    },
    takeTokenExpiry() {
      if (!spec.expireTokens) return false;
      spec = { ...spec, expireTokens: false };
      return true;
    },
    middleware(isCanvas, where = 'services') {
      return (req, res, next) => {
        const scope = spec.scope ?? 'services';
        if (scope !== 'all' && scope !== where) {
          next();
          return;
        }
        if (spec.dropConnections && spec.dropConnections > 0) {
          spec.dropConnections -= 1;
          req.socket.destroy();
          return;
        }
        const proceed = (): void => {
          const rl = spec.rateLimit;
          if (rl && rl.count > 0) {
            rl.count -= 1;
            if (isCanvas()) {
              res.setHeader('x-rate-limit-remaining', '0');
              res.setHeader('retry-after', String(rl.retryAfterSeconds));
              res.status(403).type('text/plain').send('403 Forbidden (Rate Limit Exceeded)');
            } else {
              res.setHeader('Retry-After', String(rl.retryAfterSeconds));
              res.status(429).json({ error: 'rate_limited', error_description: 'Too many requests' });
            }
            return;
          }
          if (spec.status && (spec.count === undefined || spec.count > 0)) {
            if (spec.count !== undefined) spec.count -= 1;
            res.status(spec.status).json({ error: 'server_error', error_description: `injected ${spec.status}` });
            return;
          }
          next();
        };
        if (spec.delayMs && spec.delayMs > 0) setTimeout(proceed, spec.delayMs);
        else proceed();
      };
    },
  };
}
