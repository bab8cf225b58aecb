/**
 * Liveness and readiness (see README "Operations"):
 * - `/healthz` is liveness: 200 while the process can answer, with the database's state and the driver's error code
 *   (`{"status":"ok","database":"unavailable","cause":"ECONNREFUSED"}`), so a restart is never triggered by an
 *   outage a restart cannot fix, and an operator still sees the cause.
 * - `/readyz` is readiness for load balancers: 503 while the database is unreachable or refuses the write probe.
 */
import type { Router } from 'express';
import express from 'express';
import type { Logger } from 'pino';
import { AppError } from '../domain/errors.js';

/** The database's state as the health endpoints report it. */
export type DatabaseState = 'ok' | 'unavailable' | 'full' | 'readonly' | 'error';

const STATE: Partial<Record<string, DatabaseState>> = {
  ERR_DB_UNAVAILABLE: 'unavailable',
  ERR_STORAGE_FULL: 'full',
  ERR_STORAGE_READONLY: 'readonly',
};

/** The first driver error code in the cause chain (`57P01`, `SQLITE_FULL`…); messages are logged, not shown. */
function causeCode(err: unknown): string | undefined {
  for (let e = err, i = 0; e && typeof e === 'object' && i < 10; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !(e instanceof AppError)) return code;
  }
  return undefined;
}

/** Runs the probe with a deadline (a probe hanging on a dead network must not hang the health check). */
async function check(probe: () => Promise<void>, timeoutMs: number): Promise<{ database: DatabaseState; cause?: string; err?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('health probe timed out'), { code: 'timeout' })), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { database: 'ok' };
  } catch (err) {
    const database = err instanceof AppError ? (STATE[err.code] ?? 'error') : (err as { code?: unknown }).code === 'timeout' ? 'unavailable' : 'error';
    const cause = causeCode(err);
    return { database, ...(cause ? { cause } : {}), err };
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` and `/readyz` over `probe` (the database write probe). */
export function healthRouter(deps: { probe: () => Promise<void>; logger: Logger; timeoutMs?: number }): Router {
  const router = express.Router();
  const run = async () => {
    const r = await check(deps.probe, deps.timeoutMs ?? 2500);
    if (r.err) deps.logger.warn({ err: r.err, database: r.database, cause: r.cause }, 'health check: database not ready');
    return r;
  };
  router.get('/healthz', async (_req, res) => {
    const { database, cause } = await run();
    res.json({ status: 'ok', database, ...(cause ? { cause } : {}) });
  });
  router.get('/readyz', async (_req, res) => {
    const { database, cause } = await run();
    res.status(database === 'ok' ? 200 : 503).json({ status: database === 'ok' ? 'ready' : 'unavailable', database, ...(cause ? { cause } : {}) });
  });
  return router;
}
