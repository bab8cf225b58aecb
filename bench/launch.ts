/**
 * `npm run bench -- launch`: complete LTI 1.3 launches (OIDC login initiation → auth redirect →
 * id_token form post → post-launch page) at 50 in flight on PostgreSQL, against Masterly and, in the
 * same run, against a minimal stock ltijs 5.9.9 tool (bench/peers/ltijs), and the ratio of their rates.
 *
 * The bench plays the platform (RSA key, JWKS on 127.0.0.1, one id_token signed per launch after the
 * tool has issued its nonce). Each tool runs alone, in its own child process, on a fresh database.
 *
 * Settings (environment): BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_LAUNCHES (measured launches per tool, default 2000), BENCH_SECONDS (cap per tool, default 30),
 * BENCH_WARMUP (default 300), BENCH_CONCURRENCY (default 50), BENCH_ONLY (masterly | ltijs).
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchFigure, BenchReport } from './run.js';
import { keepAliveAgent } from './lib/launchHttp.js';
import { launchOnce, mean, percentile, runLoad, type LoadResult } from './lib/launchDriver.js';
import { startBenchPlatform, type BenchPlatform } from './lib/launchPlatform.js';
import { startLtijs, type StartedTool } from './lib/launchLtijs.js';
import { startMasterly } from './lib/launchMasterly.js';

const env = process.env;
const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
const SETTINGS = {
  adminUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  concurrency: num(env.BENCH_CONCURRENCY, 50),
  warmup: num(env.BENCH_WARMUP, 300),
  count: num(env.BENCH_LAUNCHES, 2000),
  maxMs: num(env.BENCH_SECONDS, 30) * 1000,
  only: env.BENCH_ONLY,
};

const MB = 1024 * 1024;

/** What one tool's run measured. */
interface ToolFigures {
  load: LoadResult;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  statementsPerLaunch: number;
  rssStart: number;
  rssIdle: number;
  rssLoaded: number;
  heapIdle: { used: number; total: number; external: number };
  /** CPU time of the tool process per measured launch (ms): robust to other load on the machine. */
  toolCpuMs: number;
  /** CPU time of the bench process (platform + browsers) per measured launch (ms). */
  benchCpuMs: number;
  /** Latency with one launch in flight (no queueing): the intrinsic cost of a launch. */
  serial: { p50: number; p95: number; count: number };
  jwksFetchesPerLaunch: number;
  signMs: number;
  followedRedirect: boolean;
  phases: { login: number; post: number; landing: number };
}

async function measure(
  label: string,
  platform: BenchPlatform,
  start: () => Promise<StartedTool>,
): Promise<ToolFigures> {
  const { process: child, target } = await start();
  const agent = keepAliveAgent();
  try {
    const one = (n: number) => launchOnce(agent, platform, target, n);
    const started = await child.stats();
    const rssStart = child.rssFromProc() ?? started.rss;
    // Warm-up: JIT, connection pools, JWKS caches. Its failures abort the run with the first reason.
    const warm = await runLoad({ concurrency: SETTINGS.concurrency, count: SETTINGS.warmup, maxMs: 60_000, firstN: 0 }, one);
    if (warm.completed === 0) {
      throw new Error(`${label}: no warm-up launch completed: ${[...warm.errors.keys()][0] ?? 'no launch started'}`);
    }
    await sleep(1000);
    const idle = await child.stats();
    const rssIdle = child.rssFromProc() ?? idle.rss;

    let rssLoaded = rssIdle;
    const sampler = setInterval(() => {
      rssLoaded = Math.max(rssLoaded, child.rssFromProc() ?? 0);
    }, 100);
    const fetches0 = platform.jwksFetches();
    const benchCpu0 = process.cpuUsage();
    const load = await runLoad(
      { concurrency: SETTINGS.concurrency, count: SETTINGS.count, maxMs: SETTINGS.maxMs, firstN: SETTINGS.warmup },
      one,
    );
    clearInterval(sampler);
    const benchCpu = process.cpuUsage(benchCpu0);
    const after = await child.stats();
    rssLoaded = Math.max(rssLoaded, after.rss);
    // One launch in flight: what a launch costs without queueing behind 49 others.
    const serialCount = Math.min(200, SETTINGS.count);
    const serial = await runLoad(
      { concurrency: 1, count: serialCount, maxMs: 20_000, firstN: SETTINGS.warmup + SETTINGS.count },
      one,
    );
    const serialMs = serial.timings.map((t) => t.toolMs);

    const ms = load.timings.map((t) => t.toolMs);
    const launches = Math.max(1, load.completed);
    return {
      load,
      rate: load.completed / (load.wallMs / 1000),
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      statementsPerLaunch: (after.statements - idle.statements) / launches,
      rssStart,
      rssIdle,
      rssLoaded,
      heapIdle: { used: idle.heapUsed, total: idle.heapTotal, external: idle.external },
      toolCpuMs: (after.cpuMicros - idle.cpuMicros) / 1000 / launches,
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000 / launches,
      serial: { p50: percentile(serialMs, 50), p95: percentile(serialMs, 95), count: serial.completed },
      jwksFetchesPerLaunch: (platform.jwksFetches() - fetches0) / launches,
      signMs: mean(load.timings.map((t) => t.signMs)),
      followedRedirect: load.timings.some((t) => t.followedRedirect),
      phases: {
        login: mean(load.timings.map((t) => t.loginMs)),
        post: mean(load.timings.map((t) => t.postMs)),
        landing: mean(load.timings.map((t) => t.landingMs)),
      },
    };
  } finally {
    agent.destroy();
    await child.stop();
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function figuresOf(name: string, f: ToolFigures, goals: boolean): BenchFigure[] {
  return [
    { name: `${name} launches/s`, value: round(f.rate), unit: 'launch/s' },
    { name: `${name} p50 complete launch`, value: round(f.p50), unit: 'ms' },
    { name: `${name} p95 complete launch`, value: round(f.p95), unit: 'ms', ...(goals ? { goal: { op: '<', value: 100 } as const } : {}) },
    { name: `${name} p99 complete launch`, value: round(f.p99), unit: 'ms' },
    { name: `${name} p50 at 1 in flight`, value: round(f.serial.p50), unit: 'ms' },
    { name: `${name} p95 at 1 in flight`, value: round(f.serial.p95), unit: 'ms' },
    { name: `${name} tool CPU per launch`, value: round(f.toolCpuMs, 2), unit: 'ms' },
    { name: `${name} DB statements per launch`, value: round(f.statementsPerLaunch, 2), unit: 'stmt', ...(goals ? { goal: { op: '<=', value: 4 } as const } : {}) },
    { name: `${name} RSS after start (no launch yet)`, value: round(f.rssStart / MB), unit: 'MB' },
    { name: `${name} RSS idle (after start + warm-up)`, value: round(f.rssIdle / MB), unit: 'MB', ...(goals ? { goal: { op: '<', value: 120 } as const } : {}) },
    { name: `${name} RSS loaded (peak under load)`, value: round(f.rssLoaded / MB), unit: 'MB' },
    { name: `${name} failed launches`, value: f.load.failed, unit: 'launch', goal: { op: '<=', value: 0 } },
  ];
}

function notesOf(name: string, f: ToolFigures): string[] {
  const notes = [
    `${name}: ${f.load.completed} launches in ${round(f.load.wallMs / 1000, 2)} s; mean tool time per phase: login ${round(f.phases.login)} ms, id_token POST ${round(f.phases.post)} ms, post-launch GET ${round(f.phases.landing)} ms; JWKS fetches per launch ${round(f.jwksFetchesPerLaunch, 2)}; platform signing ${round(f.signMs, 2)} ms/launch (excluded from latency); bench process CPU ${round(f.benchCpuMs, 2)} ms/launch; idle heap ${round(f.heapIdle.used / MB)} of ${round(f.heapIdle.total / MB)} MB, external ${round(f.heapIdle.external / MB)} MB.`,
  ];
  for (const [reason, n] of f.load.errors) notes.push(`${name} failure ×${n}: ${reason}`);
  if (!f.followedRedirect) notes.push(`${name}: the id_token POST answered the page itself (no redirect to follow).`);
  return notes;
}

/** Runs the launch benchmark; see the module comment. */
export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [
    `${SETTINGS.concurrency} launches in flight, ${SETTINGS.warmup} warm-up launches, then ${SETTINGS.count} measured (cap ${SETTINGS.maxMs / 1000} s) per tool, each tool alone on a fresh PostgreSQL database.`,
    'A complete launch = GET login initiation (302/303 to the platform) + POST id_token & state with the login cookies + GET of the redirect the tool answers (Masterly: 303 → /app with its session cookie; ltijs: 302 → /?ltik=… → its onConnect page), the page must greet the user by name. Latency sums those three round trips; the platform\'s RS256 signing (done after the nonce is known, in the bench process) is excluded from latency but not from the rate (both tools pay it alike).',
  ];
  const load0 = os.loadavg()[0] ?? 0;
  const platform = await startBenchPlatform();
  let masterly: ToolFigures | undefined;
  let ltijs: ToolFigures | undefined;
  try {
    if (SETTINGS.only !== 'ltijs') {
      try {
        masterly = await measure('Masterly', platform, async () => {
          const started = await startMasterly(platform, SETTINGS.adminUrl);
          notes.push(
            started.runtime === 'compiled'
              ? 'Masterly ran as plain JavaScript emitted by tsc (as `npm run build` does), NODE_ENV=production, LOG_LEVEL=warn (request logs off, like the peer).'
              : 'Masterly ran under tsx (tsc emit failed or BENCH_MASTERLY_TSX set): its RSS includes ~40 MB of the tsx loader.',
          );
          return started;
        });
      } catch (err) {
        notes.push(`Masterly could not be measured: ${(err as Error).message.slice(0, 1500)}`);
      }
    }
    if (SETTINGS.only !== 'masterly') {
      try {
        ltijs = await measure('ltijs', platform, () => startLtijs(platform, SETTINGS.adminUrl));
      } catch (err) {
        notes.push(`ltijs could not be measured: ${(err as Error).message.slice(0, 1500)}`);
      }
    }
  } finally {
    await platform.close();
  }

  if (masterly) {
    figures.push(...figuresOf('Masterly', masterly, true));
    notes.push(...notesOf('Masterly', masterly));
  }
  if (ltijs) {
    figures.push(...figuresOf('ltijs 5.9.9', ltijs, false));
    notes.push(...notesOf('ltijs', ltijs));
  }
  const cores = os.availableParallelism();
  const load1 = os.loadavg()[0] ?? 0;
  notes.push(
    `Machine: ${cores} cores; 1-min load average ${round(load0, 2)} before the run, ${round(load1, 2)} after${
      Math.max(load0, load1) > cores ? ' (other work was running: rates and latencies are pessimistic; CPU per launch is the steadier figure)' : ''
    }. With ${SETTINGS.concurrency} launches in flight in a closed loop, mean latency ≈ ${SETTINGS.concurrency} / rate (Little's law): p95 < 100 ms needs more than ${SETTINGS.concurrency * 10} launches/s.`,
  );
  if (masterly && ltijs && ltijs.rate > 0) {
    figures.push({ name: 'launch rate ratio Masterly / ltijs', value: round(masterly.rate / ltijs.rate, 2), unit: '×', goal: { op: '>=', value: 5 } });
  }
  return { title: 'LTI 1.3 launch: Masterly vs stock ltijs 5.9.9 (PostgreSQL)', figures, notes };
}
