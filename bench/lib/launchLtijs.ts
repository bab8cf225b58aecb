/**
 * Starts the peer: stock ltijs 5.9.9 + ltijs-sequelize on PostgreSQL (bench/peers/ltijs), in a child process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchNamespace, freePort, recreateDatabase, ToolProcess } from './launchChild.js';
import type { LaunchTarget } from './launchDriver.js';
import type { BenchPlatform } from './launchPlatform.js';

/** A tool started for the bench: its process and how the platform launches it. */
export interface StartedTool {
  process: ToolProcess;
  target: LaunchTarget;
}

export const LTIJS_DIR = path.resolve(import.meta.dirname, '../peers/ltijs');

/** Installs the peer's own dependencies from its lockfile when they are missing (`npm ci --prefix bench/peers/ltijs`). */
export function ensureLtijsInstalled(): void {
  if (fs.existsSync(path.join(LTIJS_DIR, 'node_modules', 'ltijs', 'package.json'))) return;
  console.error('bench launch: installing the ltijs peer (npm ci --prefix bench/peers/ltijs)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', LTIJS_DIR], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error('could not install bench/peers/ltijs: run `cd bench/peers/ltijs && npm install` and retry');
  }
}

/** Fresh `ltijs_bench_<checkout>` database, ltijs listening on a free port, the bench platform registered (JWK_SET). */
export async function startLtijs(platform: BenchPlatform, adminUrl: string): Promise<StartedTool> {
  ensureLtijsInstalled();
  const dbUrl = new URL(await recreateDatabase(adminUrl, `ltijs_bench_${benchNamespace}`));
  const port = await freePort();
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the ltijs process there too.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(process.env.BENCH_CPU_PROF)] : [];
  const child = ToolProcess.start('ltijs', path.join(LTIJS_DIR, 'server.cjs'), { cwd: LTIJS_DIR, execArgv: prof });
  const clientId = 'bench-ltijs-client';
  try {
    await child.setup({
      port,
      database: `ltijs_bench_${benchNamespace}`,
      dbUser: decodeURIComponent(dbUrl.username) || 'postgres',
      dbPass: decodeURIComponent(dbUrl.password),
      dbHost: dbUrl.hostname,
      dbPort: Number(dbUrl.port || 5432),
      platform: {
        url: platform.issuer,
        clientId,
        authEndpoint: platform.authEndpoint,
        tokenEndpoint: platform.tokenEndpoint,
        jwksUrl: platform.jwksUrl,
      },
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  const base = `http://localhost:${port}`;
  return {
    process: child,
    target: { loginUrl: `${base}/login`, targetLinkUri: `${base}/`, clientId, deploymentId: 'bench-deployment-1' },
  };
}
