import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../config/schema.js';
import { resolveSecrets } from '../config/secrets.js';
import { migrate, openDb, type Db } from './store/db.js';
import { createApp } from './web/app.js';
import { sql } from 'kysely';

/** A running Masterly: its HTTP server and how to stop it. */
export interface Running {
  server: Server;
  url: string;
  db: Db;
  close(): Promise<void>;
}

/** Composition root: config → store → lti → services → web. The only place that builds concrete classes. */
export async function start(config: Config, logger: Logger = pino({ level: config.LOG_LEVEL })): Promise<Running> {
  const secrets = resolveSecrets(config);
  const db = await openDb({ url: config.DATABASE_URL });
  await migrate(db);

  const app = createApp({
    config,
    logger,
    health: async () => {
      await sql`select 1`.execute(db.kysely);
    },
    frameAncestors: () => config.FRAME_ANCESTORS.split(/\s+/).filter(Boolean),
    routers: [],
  });
  void secrets;

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, () => resolve(s));
  });
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://localhost:${address.port}` : config.BASE_URL;
  logger.info({ url: config.BASE_URL, dialect: db.dialect }, 'Masterly is listening');
  return {
    server,
    url,
    db,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

const isEntryPoint = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isEntryPoint) {
  const env = { ...process.env, ...(process.argv.includes('--demo') ? { DEMO: 'true' } : {}) };
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = pino({ level: config.LOG_LEVEL });
  const running = await start(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'Masterly could not start');
    process.exit(1);
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
