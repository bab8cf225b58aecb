/**
 * The stack floor: Express 5 + EJS + `pg` + jose answering the same requests with the same database statements as
 * Masterly, with no application work (bench/lib/stackFloorChild.ts). Measured in the same run as Masterly, it says how
 * much of Masterly's CPU per operation is the stack's, and so which budgets the stack can meet at all (ADR 0030).
 */
import path from 'node:path';
import { benchNamespace, freePort, recreateDatabase, ToolProcess } from './launchChild.js';
import type { StartedTool } from './launchLtijs.js';
import type { BenchPlatform } from './launchPlatform.js';

const CHILD = path.join(import.meta.dirname, 'stackFloorChild.ts');

/** A started floor: its process, where it listens, and (with a platform) how the platform launches it. */
export interface StartedFloor extends StartedTool {
  baseUrl: string;
}

/** Starts the floor on a fresh `floor_bench_<checkout>` database, in production mode, with `npm start`'s Node flags. */
export async function startStackFloor(opts: { adminUrl: string; pageBytes: number; nodeFlags: string[]; platform?: BenchPlatform }): Promise<StartedFloor> {
  const databaseUrl = await recreateDatabase(opts.adminUrl, `floor_bench_${benchNamespace}`);
  const port = await freePort();
  const child = ToolProcess.start('stack floor', CHILD, { env: { ...process.env, NODE_ENV: 'production' }, execArgv: [...opts.nodeFlags, '--import', 'tsx'] });
  const clientId = 'bench-floor-client';
  const platform = opts.platform;
  try {
    await child.setup({
      port,
      databaseUrl,
      pageBytes: opts.pageBytes,
      ...(platform ? { platform: { issuer: platform.issuer, clientId, authUrl: platform.authEndpoint, jwksUrl: platform.jwksUrl } } : {}),
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  const baseUrl = `http://localhost:${port}`;
  return { process: child, baseUrl, target: { loginUrl: `${baseUrl}/login`, targetLinkUri: `${baseUrl}/page`, clientId, deploymentId: 'bench-deployment-1' } };
}
