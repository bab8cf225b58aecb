/**
 * The one place that names database failures: connection loss becomes {@link DbUnavailable} (503, retry), a full
 * disk {@link StorageFull}, a read-only store {@link StorageReadonly}. {@link resilientDialect} applies it to every
 * statement Kysely runs (routes, jobs, migrations, prepared statements alike), so callers and the web error handler
 * only ever see our codes, with the driver's error kept as `cause` for the log.
 */
import type { DatabaseConnection, Dialect, Driver, QueryCompiler, TransactionSettings } from 'kysely';
import { AppError, DbUnavailable, StorageFull, StorageReadonly } from '../domain/errors.js';

/** What kind of storage failure an error is, if any. */
export type StorageFailure = 'unavailable' | 'full' | 'readonly';

// Node socket errors, and PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// class 08 connection exception, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
// 53300 too_many_connections; SQLITE_BUSY is a lock held past busy_timeout (temporary as well).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY',
]);
// node-postgres reports a lost or never-made connection without a code; these are its messages.
const UNAVAILABLE_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)/;

function classifyOne(e: { code?: unknown; message?: unknown }): StorageFailure | undefined {
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === '53100' || code.startsWith('SQLITE_FULL')) return 'full';
  // 25006 read_only_sql_transaction (a hot standby); SQLITE_CANTOPEN: the file or its -wal/-shm cannot be created.
  if (code === '25006' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) return 'readonly';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('SQLITE_BUSY')) return 'unavailable';
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return 'unavailable';
  return undefined;
}

/** Classifies an error by walking its `cause` chain (and AggregateError's `errors`, e.g. IPv4 + IPv6 refusals). */
export function classifyStorageError(err: unknown): StorageFailure | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof DbUnavailable) return 'unavailable';
    if (e instanceof StorageFull) return 'full';
    if (e instanceof StorageReadonly) return 'readonly';
    const kind = classifyOne(e as { code?: unknown; message?: unknown });
    if (kind) return kind;
    queue.push((e as { cause?: unknown }).cause, ...((e as { errors?: unknown }).errors instanceof Array ? (e as { errors: unknown[] }).errors : []));
  }
  return undefined;
}

/** The driver error's own code (`ECONNREFUSED`, `57P01`, `SQLITE_FULL`…) for logs and /healthz, never its message. */
export function storageErrorCode(err: unknown): string | undefined {
  for (let e = err, i = 0; e && typeof e === 'object' && i < 10; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof AppError) continue;
    const code = (e as { code?: unknown }).code ?? (e as { errors?: { code?: unknown }[] }).errors?.[0]?.code;
    if (typeof code === 'string') return code;
    if (e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message)) return 'connection_lost';
  }
  return undefined;
}

/** Our error for a storage failure (the original as `cause`), or the error unchanged. */
export function translateStorageError(err: unknown): unknown {
  if (err instanceof DbUnavailable || err instanceof StorageFull || err instanceof StorageReadonly) return err;
  const kind = classifyStorageError(err);
  if (!kind) return err;
  const options = { cause: err, details: { driverCode: storageErrorCode(err) ?? 'unknown' } };
  switch (kind) {
    case 'unavailable':
      return new DbUnavailable(options);
    case 'full':
      return new StorageFull(options);
    case 'readonly':
      return new StorageReadonly(options);
    default:
      return err;
  }
}

/** Hooks of {@link resilientDialect}. */
export interface ResilienceHooks {
  /** Called with each translated storage error (the health check remembers recent full/read-only failures). */
  onStorageError?: (err: AppError) => void;
  /** Called when a rollback after a failure failed too (SQLite already rolled back, or the connection is gone). */
  onRollbackError?: (err: unknown) => void;
}

/**
 * Wraps a dialect's driver so that every failure of a connection, statement, begin or commit goes through
 * {@link translateStorageError}, and a failing ROLLBACK never hides the error that caused it: after SQLITE_FULL
 * SQLite has already rolled back ("cannot rollback - no transaction is active"), and on a dead PostgreSQL connection
 * the rollback fails as well; either way the transaction is gone and the first error is the one to report.
 */
export function resilientDialect(inner: Dialect, hooks: ResilienceHooks = {}): Dialect {
  return {
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => resilientDriver(inner.createDriver(), hooks),
  };
}

function resilientDriver(driver: Driver, hooks: ResilienceHooks): Driver {
  const fail = (err: unknown): never => {
    const out = translateStorageError(err);
    if (out !== err && out instanceof AppError) hooks.onStorageError?.(out);
    throw out;
  };
  // One wrapper per driver connection (PostgreSQL: per pooled client; SQLite: the single connection).
  const wrappers = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const wrap = (c: DatabaseConnection): DatabaseConnection => {
    let w = wrappers.get(c);
    if (!w) {
      w = {
        executeQuery: async (q) => {
          try {
            return await c.executeQuery(q);
          } catch (err) {
            return fail(err);
          }
        },
        streamQuery: (q, chunkSize) => c.streamQuery(q, chunkSize),
      };
      wrappers.set(c, w);
      innerOf.set(w, c);
    }
    return w;
  };
  const unwrap = (w: DatabaseConnection) => innerOf.get(w) ?? w;
  const guard = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      fail(err);
    }
  };
  type Savepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) => Promise<void>;
  const savepointOp = (op: Savepoint | undefined): Savepoint | undefined =>
    op && ((c, name, compile) => guard(() => op.call(driver, unwrap(c), name, compile)));
  const out: Driver = {
    init: () => guard(() => driver.init()),
    acquireConnection: async () => {
      try {
        return wrap(await driver.acquireConnection());
      } catch (err) {
        return fail(err);
      }
    },
    beginTransaction: (c, settings: TransactionSettings) => guard(() => driver.beginTransaction(unwrap(c), settings)),
    commitTransaction: (c) => guard(() => driver.commitTransaction(unwrap(c))),
    rollbackTransaction: async (c) => {
      try {
        await driver.rollbackTransaction(unwrap(c));
      } catch (err) {
        hooks.onRollbackError?.(err);
      }
    },
    releaseConnection: (c) => driver.releaseConnection(unwrap(c)),
    destroy: () => driver.destroy(),
  };
  const savepoint = savepointOp(driver.savepoint);
  const rollbackToSavepoint = savepointOp(driver.rollbackToSavepoint);
  const releaseSavepoint = savepointOp(driver.releaseSavepoint);
  if (savepoint) out.savepoint = savepoint;
  if (rollbackToSavepoint) out.rollbackToSavepoint = rollbackToSavepoint;
  if (releaseSavepoint) out.releaseSavepoint = releaseSavepoint;
  return out;
}
