/**
 * The stand-alone worker: `node dist/src/worker.js` (or `tsx src/worker.ts`) runs every schedule of
 * src/jobs/schedules.ts against DATABASE_URL, with the intervals and outbox tuning of the config, so web and
 * worker can run as separate processes (IN_PROCESS_WORKER=false on the web side). Several workers may run on
 * PostgreSQL; one on SQLite. Composition: src/compose.ts.
 */
import type { Logger } from 'pino';
import { createLogger } from './logging.js';
import { loadConfig, type Config } from '../config/schema.js';
import { isEntryPoint } from './entryPoint.js';
import { compose, type ComposeOptions, type Composition } from './compose.js';
import type { RunningSchedules } from './jobs/schedules.js';

/** A running stand-alone worker. */
export interface RunningWorker {
  composition: Composition;
  schedules: RunningSchedules;
  /** Stops every schedule (waiting for work in flight) and closes the database. */
  stop(): Promise<void>;
}

/** Composes the services and starts every schedule. */
export async function runWorker(config: Config, logger: Logger, options: ComposeOptions = {}): Promise<RunningWorker> {
  const composition = await compose(config, logger, 'worker', options);
  const schedules = composition.startSchedules();
  logger.info({ dialect: composition.db.dialect, schedules: schedules.started }, 'Masterly worker is running');
  return { composition, schedules, stop: () => composition.close() };
}

if (isEntryPoint(import.meta.filename)) {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = createLogger(config);
  const worker = await runWorker(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'the Masterly worker could not start');
    process.exit(1);
  });
  process.send?.({ ready: true, schedules: worker.schedules.started });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    await worker.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
