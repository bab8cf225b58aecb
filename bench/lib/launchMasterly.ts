/**
 * Starts Masterly for the launch benchmark: compiled to plain JS first (as `npm run build` would, so the
 * child's RSS is Masterly's and not the tsx loader's), then run in a child process by
 * bench/lib/launchMasterlyChild.ts on a fresh `masterly_bench_<checkout>` database, with the bench platform registered.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { benchNamespace, freePort, recreateDatabase, ToolProcess } from './launchChild.js';
import type { StartedTool } from './launchLtijs.js';
import type { BenchPlatform } from './launchPlatform.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'node_modules', '.cache', `masterly-bench-launch-${benchNamespace}`);
const CHILD_TS = path.join(ROOT, 'bench', 'lib', 'launchMasterlyChild.ts');

/** How the Masterly child was run (reported in the notes). */
export type MasterlyRuntime = 'compiled' | 'tsx';

/**
 * Emits src/, config/ and the child entry as JavaScript (tsc, no type check: the root typecheck does that)
 * into node_modules/.cache/masterly-bench-launch-<checkout>, with views/, public/ and seed/ linked beside them so that paths
 * relative to the code resolve as in the repository. Returns the entry to run, or undefined when tsc failed.
 */
export function compileMasterly(): string | undefined {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  // Files under node_modules/ have no package scope of their own: declare ESM for the emitted code. Named `masterly`, so
  // the tool's project root (src/projectRoot.ts walks up to it) is this folder with its links to THIS checkout's views/,
  // public/ and seed/, not whatever checkout owns the (shared) node_modules/.
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  fs.writeFileSync(path.join(OUT, 'package.json'), JSON.stringify({ name: 'masterly', version, type: 'module', private: true }));
  const tsconfig = path.join(OUT, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: ROOT, outDir: OUT, noEmit: false, sourceMap: false, declaration: false, noCheck: true, incremental: false },
      include: [path.join(ROOT, 'src'), path.join(ROOT, 'config'), CHILD_TS],
    }),
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
  const entry = path.join(OUT, 'bench', 'lib', 'launchMasterlyChild.js');
  if (r.status !== 0 && !fs.existsSync(entry)) return undefined;
  for (const dir of ['views', 'public', 'seed']) {
    if (fs.existsSync(path.join(ROOT, dir))) fs.symlinkSync(path.join(ROOT, dir), path.join(OUT, dir), 'dir');
  }
  return fs.existsSync(entry) ? entry : undefined;
}

/** A started Masterly, and how it was run. */
export interface StartedMasterly extends StartedTool {
  runtime: MasterlyRuntime;
  /** Node flags from `npm start` the child ran with (heap sizing). */
  nodeFlags: string[];
  baseUrl: string;
  /** Set with BENCH_METRICS=1: the token /metrics answers to. */
  metricsToken?: string;
}

/** The heap-sizing Node flags of the `start` script (and the Dockerfile): the bench runs Masterly as production does. */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return (pkg.scripts?.start ?? '').split(/\s+/).filter((a) => /^--max-(semi|old)-space-size=\d+$/.test(a));
}

/** The platform to register in the tool (what an admin would paste). */
export interface PlatformToRegister {
  issuer: string;
  clientId: string;
  deploymentId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
}

/**
 * Runs the compiled Masterly (tsx when BENCH_MASTERLY_TSX is set or tsc failed) in a child process in production
 * mode on `databaseUrl`, listening on `port`, with `platform` registered; `env` adds or overrides settings.
 */
export async function startMasterlyChild(opts: {
  databaseUrl: string;
  port: number;
  platform: PlatformToRegister;
  env?: Record<string, string>;
}): Promise<{ process: ToolProcess; runtime: MasterlyRuntime; nodeFlags: string[]; baseUrl: string; metricsToken?: string }> {
  const compiled = process.env.BENCH_MASTERLY_TSX ? undefined : compileMasterly();
  const runtime: MasterlyRuntime = compiled ? 'compiled' : 'tsx';
  const dataDir = path.join(OUT, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the Masterly process there (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(process.env.BENCH_CPU_PROF)] : [];
  const env = { ...process.env, NODE_ENV: 'production' };
  const nodeFlags = startScriptNodeFlags();
  const child = compiled
    ? ToolProcess.start('Masterly', compiled, { cwd: ROOT, env, execArgv: [...nodeFlags, ...prof] })
    : ToolProcess.start('Masterly', CHILD_TS, { cwd: ROOT, env, execArgv: [...nodeFlags, '--import', 'tsx', ...prof] });
  const baseUrl = `http://localhost:${opts.port}`;
  const metricsToken = process.env.BENCH_METRICS === '1' ? randomBytes(16).toString('hex') : undefined;
  try {
    await child.setup({
      env: {
        NODE_ENV: 'production',
        PORT: String(opts.port),
        BASE_URL: baseUrl,
        DATABASE_URL: opts.databaseUrl,
        COOKIE_SECRET: randomBytes(32).toString('base64url'),
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ADMIN_TOKEN: randomBytes(24).toString('base64url'),
        DATA_DIR: dataDir,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        // Metrics (the request timer and /metrics) are on only with a token: BENCH_METRICS=1 measures them.
        ...(metricsToken ? { METRICS_TOKEN: metricsToken } : {}),
        ...opts.env,
      },
      platform: opts.platform,
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { process: child, runtime, nodeFlags, baseUrl, ...(metricsToken ? { metricsToken } : {}) };
}

/** Fresh `masterly_bench_<checkout>` database, Masterly listening at http://localhost:<port>, the bench platform registered. */
export async function startMasterly(platform: BenchPlatform, adminUrl: string): Promise<StartedMasterly> {
  const databaseUrl = await recreateDatabase(adminUrl, `masterly_bench_${benchNamespace}`);
  const clientId = 'bench-masterly-client';
  const deploymentId = 'bench-deployment-1';
  const started = await startMasterlyChild({
    databaseUrl,
    port: await freePort(),
    platform: { issuer: platform.issuer, clientId, deploymentId, authUrl: platform.authEndpoint, tokenUrl: platform.tokenEndpoint, jwksUrl: platform.jwksUrl },
  });
  return {
    process: started.process,
    runtime: started.runtime,
    nodeFlags: started.nodeFlags,
    baseUrl: started.baseUrl,
    ...(started.metricsToken ? { metricsToken: started.metricsToken } : {}),
    target: { loginUrl: `${started.baseUrl}/lti/login`, targetLinkUri: `${started.baseUrl}/app`, clientId, deploymentId },
  };
}
