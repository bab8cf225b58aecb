/**
 * Child-process entry of the launch benchmark: starts Masterly through its composition root (`start`),
 * counts database statements with the `onQuery` hook, registers the bench platform through the
 * `registerPlatform` service, and answers the bench over IPC (no bench-only routes in the app).
 *
 * IPC in:  { type: 'setup', env, platform } · { type: 'stats' } · { type: 'stop' }
 * IPC out: { type: 'ready' } · { type: 'error', message } · { type: 'stats', statements, rss, heapUsed, heapTotal, external, cpuMicros, systemMicros }
 */
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../config/schema.js';
import { start, type Running } from '../../src/main.js';
import { answerBench } from './toolChildIpc.js';

const Setup = z.object({
  type: z.literal('setup'),
  env: z.record(z.string(), z.string()),
  platform: z.object({
    issuer: z.string(),
    clientId: z.string(),
    deploymentId: z.string(),
    authUrl: z.string(),
    tokenUrl: z.string(),
    jwksUrl: z.string(),
  }),
});

let statements = 0;
let running: Running | undefined;
/** BENCH_STATEMENTS=<file>: how often each statement was sent, written there when the tool stops (most frequent first). */
const statementLog = process.env.BENCH_STATEMENTS;
const bySql = new Map<string, number>();

async function setup(msg: z.infer<typeof Setup>): Promise<void> {
  const config = loadConfig(msg.env);
  const logger = pino({ level: config.LOG_LEVEL });
  running = await start(config, logger, {
    onQuery: (event) => {
      statements++;
      if (statementLog) bySql.set(event.query.sql, (bySql.get(event.query.sql) ?? 0) + 1);
    },
  });
  await running.services.registerPlatform({
    issuer: msg.platform.issuer,
    clientId: msg.platform.clientId,
    authUrl: msg.platform.authUrl,
    tokenUrl: msg.platform.tokenUrl,
    jwksUrl: msg.platform.jwksUrl,
    name: 'Bench platform',
    vendor: 'generic',
    deploymentIds: [msg.platform.deploymentId],
  });
}

answerBench({
  setupSchema: Setup,
  setup,
  statements: () => statements,
  stop: async () => {
    if (statementLog) {
      const lines = [...bySql].sort((a, b) => b[1] - a[1]).map(([q, n]) => `${n}\t${q.replace(/\s+/g, ' ')}`);
      writeFileSync(statementLog, `${lines.join('\n')}\n`);
    }
    await running?.close();
  },
});
