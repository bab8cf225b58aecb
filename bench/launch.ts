/**
 * `npm run bench -- launch`: complete LTI 1.3 launches (OIDC login initiation → auth redirect →
 * id_token form post → post-launch page) at 50 in flight on PostgreSQL, against Masterly and, in the
 * same run, against a minimal stock ltijs 5.9.9 tool (bench/peers/ltijs), and the ratio of their rates.
 *
 * The bench plays the platform (RSA key, JWKS on 127.0.0.1, one id_token signed per launch after the
 * tool has issued its nonce, in a signer child process so RSA work competes with neither the bench's clients nor the tool). Each tool runs in its own child process on a fresh database; only one is
 * under load at a time, in rounds that alternate between them.
 *
 * Settings (environment): BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_LAUNCHES (measured launches per tool, default 2000), BENCH_SECONDS (cap per tool, default 30),
 * BENCH_WARMUP / BENCH_WARMUP_SECONDS (warm-up launches per tool and their cap, default 1000 / 20 s; V8 is
 * still tiering up Masterly's code after 300 launches), BENCH_CONCURRENCY (default 50), BENCH_ROUNDS
 * (measured rounds per tool, alternating between the tools, default 2), BENCH_ONLY (masterly | ltijs),
 * BENCH_CPU_PROF (a directory: V8 CPU profiles of the tools), BENCH_LOG_LEVEL (Masterly's, default warn),
 * BENCH_NODE_FLAGS (extra Node flags for both tools), BENCH_VERBOSE=1 (show the tools' output), BENCH_METRICS=1
 * (Masterly with METRICS_TOKEN set: the request timer and /metrics on), BENCH_FLOOR=0 (skip the stack floor: Express +
 * EJS + pg + jose doing a learner launch's requests and statements and nothing else, bench/lib/stackFloor.ts).
 * The ltijs peer needs its own install: `cd bench/peers/ltijs && npm install` (done here with `npm ci` if missing).
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchFigure, BenchReport } from './run.js';
import { keepAliveAgent } from './lib/launchHttp.js';
import { launchOnce, mean, percentile, runLoad, type LoadResult } from './lib/launchDriver.js';
import { startBenchPlatform, type BenchPlatform } from './lib/launchPlatform.js';
import { startLtijs, type StartedTool } from './lib/launchLtijs.js';
import { startStackFloor } from './lib/stackFloor.js';
import type { ToolStats } from './lib/launchChild.js';
import { startMasterly, startScriptNodeFlags, type StartedMasterly } from './lib/launchMasterly.js';
import { scrapeMetrics, type Scraped } from './lib/metricsScrape.js';

const env = process.env;
const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
const SETTINGS = {
  adminUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  concurrency: num(env.BENCH_CONCURRENCY, 50),
  warmup: num(env.BENCH_WARMUP, 1000),
  warmupMs: num(env.BENCH_WARMUP_SECONDS, 20) * 1000,
  count: num(env.BENCH_LAUNCHES, 2000),
  maxMs: num(env.BENCH_SECONDS, 30) * 1000,
  rounds: num(env.BENCH_ROUNDS, 2),
  only: env.BENCH_ONLY,
};

const MB = 1024 * 1024;
const IDLE_WINDOW_MS = 3000;

/** What one tool's run measured. */
interface ToolFigures {
  load: LoadResult;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  /** Statements sent during the measured rounds, less the tool's own background rate, per launch. */
  statementsPerLaunch: number;
  /** Every statement sent during the measured rounds, per launch. */
  grossStatementsPerLaunch: number;
  /** Statements of one launch and its page, one at a time, by who launches (the rounds mix them 9 : 1). */
  statementsByRole: { learner: number; instructor: number };
  /** Statements per second the idle tool sends by itself (pollers). */
  backgroundPerSecond: number;
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
  /** Mean GETs after the id_token POST until the page (Masterly: 1). */
  landingGets: number;
}

/** Merges the load results of several rounds. */
function merge(results: LoadResult[]): LoadResult {
  const errors = new Map<string, number>();
  for (const r of results) for (const [k, n] of r.errors) errors.set(k, (errors.get(k) ?? 0) + n);
  return {
    completed: results.reduce((a, r) => a + r.completed, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    wallMs: results.reduce((a, r) => a + r.wallMs, 0),
    timings: results.flatMap((r) => r.timings),
    errors,
  };
}

/**
 * One tool through the benchmark: start and warm up, then measured rounds (interleaved with the other
 * tool's, so that other work on the machine weighs on both alike), then a short run at 1 in flight.
 */
class ToolRun {
  private readonly agent = keepAliveAgent();
  private readonly rounds: LoadResult[] = [];
  private nextN = 0;
  private rssStart = 0;
  private rssIdle = 0;
  private rssLoaded = 0;
  private jwksFetches = 0;
  private benchCpuMicros = 0;
  private idle: ToolStats | undefined;
  private backgroundPerSecond = 0;
  private roundStatements = 0;
  private roundCpuMicros = 0;
  /** Mean length of the pages the warm-up's launches ended on. */
  pageBytes = 0;

  private constructor(
    readonly label: string,
    private readonly platform: BenchPlatform,
    private readonly tool: StartedTool,
  ) {}

  /** Starts the tool, records its RSS, warms it up and records its idle RSS and counters. */
  static async prepare(label: string, platform: BenchPlatform, start: () => Promise<StartedTool>): Promise<ToolRun> {
    const run = new ToolRun(label, platform, await start());
    try {
      const child = run.tool.process;
      run.rssStart = child.rssFromProc() ?? (await child.stats()).rss;
      // Warm-up: JIT, connection pools, JWKS caches. If no launch completes, stop with the first reason.
      const warm = await run.load(SETTINGS.concurrency, SETTINGS.warmup, SETTINGS.warmupMs);
      if (warm.completed === 0) {
        throw new Error(`${label}: no warm-up launch completed: ${[...warm.errors.keys()][0] ?? 'no launch started'}`);
      }
      run.pageBytes = Math.round(mean(warm.timings.map((t) => t.pageBytes)));
      await sleep(1000);
      run.idle = await child.stats();
      run.rssIdle = child.rssFromProc() ?? run.idle.rss;
      // Statements the tool sends on its own (job pollers, cache refreshes), to tell them from the launches'.
      await sleep(IDLE_WINDOW_MS);
      run.backgroundPerSecond = ((await child.stats()).statements - run.idle.statements) / (IDLE_WINDOW_MS / 1000);
      run.rssLoaded = run.rssIdle;
      return run;
    } catch (err) {
      await run.stop();
      throw err;
    }
  }

  private load(concurrency: number, count: number, maxMs: number): Promise<LoadResult> {
    const firstN = this.nextN;
    this.nextN += count;
    return runLoad({ concurrency, count, maxMs, firstN }, (n) => launchOnce(this.agent, this.platform, this.tool.target, n));
  }

  /** One measured round at full concurrency, sampling RSS every 100 ms. */
  async round(count: number, maxMs: number): Promise<void> {
    const child = this.tool.process;
    const sampler = setInterval(() => {
      this.rssLoaded = Math.max(this.rssLoaded, child.rssFromProc() ?? 0);
    }, 100);
    const fetches0 = this.platform.jwksFetches();
    const cpu0 = process.cpuUsage();
    const before = await child.stats();
    try {
      this.rounds.push(await this.load(SETTINGS.concurrency, count, maxMs));
    } finally {
      clearInterval(sampler);
      const cpu = process.cpuUsage(cpu0);
      this.benchCpuMicros += cpu.user + cpu.system;
      this.jwksFetches += this.platform.jwksFetches() - fetches0;
      const after = await child.stats();
      this.roundStatements += after.statements - before.statements;
      this.roundCpuMicros += after.cpuMicros - before.cpuMicros;
    }
  }

  /** Reads the counters, runs launches one at a time, stops the tool and returns its figures. */
  async finish(): Promise<ToolFigures> {
    try {
      const after = await this.tool.process.stats();
      const idle = this.idle ?? after;
      this.rssLoaded = Math.max(this.rssLoaded, after.rss);
      // One launch in flight: what a launch costs without queueing behind the others.
      const serial = await this.load(1, Math.min(200, SETTINGS.count), 20_000);
      const serialMs = serial.timings.map((t) => t.toolMs);
      const statementsByRole = { learner: await this.statementsOf(false), instructor: await this.statementsOf(true) };
      const load = merge(this.rounds);
      const ms = load.timings.map((t) => t.toolMs);
      const launches = Math.max(1, load.completed);
      return {
        load,
        rate: load.wallMs > 0 ? load.completed / (load.wallMs / 1000) : 0,
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        p99: percentile(ms, 99),
        statementsPerLaunch: Math.max(0, this.roundStatements - (this.backgroundPerSecond * load.wallMs) / 1000) / launches,
        grossStatementsPerLaunch: this.roundStatements / launches,
        statementsByRole,
        backgroundPerSecond: this.backgroundPerSecond,
        rssStart: this.rssStart,
        rssIdle: this.rssIdle,
        rssLoaded: this.rssLoaded,
        heapIdle: { used: idle.heapUsed, total: idle.heapTotal, external: idle.external },
        toolCpuMs: this.roundCpuMicros / 1000 / launches,
        benchCpuMs: this.benchCpuMicros / 1000 / launches,
        serial: { p50: percentile(serialMs, 50), p95: percentile(serialMs, 95), count: serial.completed },
        jwksFetchesPerLaunch: this.jwksFetches / launches,
        signMs: mean(load.timings.map((t) => t.signMs)),
        followedRedirect: load.timings.some((t) => t.followedRedirect),
        landingGets: mean(load.timings.map((t) => t.landingGets)),
        phases: {
          login: mean(load.timings.map((t) => t.loginMs)),
          post: mean(load.timings.map((t) => t.postMs)),
          landing: mean(load.timings.map((t) => t.landingMs)),
        },
      };
    } finally {
      await this.stop();
    }
  }

  /**
   * Median statements of one launch and its page by a learner or an instructor (every one of the bench's courses has
   * no content: an instructor lands on the set-up page) over 20 launches one at a time, counted around each
   * by the tool; a statement the idle tool sends meanwhile (a poller, about 1/s) is rare and the median ignores it.
   */
  private async statementsOf(instructor: boolean): Promise<number> {
    const counts: number[] = [];
    while (counts.length < 20) {
      const n = this.nextN++;
      if ((n % 1000) % 10 === 0 !== instructor) continue;
      const before = await this.tool.process.stats();
      await launchOnce(this.agent, this.platform, this.tool.target, n);
      counts.push((await this.tool.process.stats()).statements - before.statements);
    }
    counts.sort((a, b) => a - b);
    return counts[Math.floor(counts.length / 2)] ?? 0;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.tool.process.stop();
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
    { name: `${name} tool CPU per launch`, value: round(f.toolCpuMs, 2), unit: 'ms', ...(goals ? { goal: { op: '<=', value: 1.2 } as const } : {}) },
    { name: `${name} DB statements per launch (9 learners : 1 instructor)`, value: round(f.statementsPerLaunch, 2), unit: 'stmt' },
    { name: `${name} DB statements per learner launch (median)`, value: f.statementsByRole.learner, unit: 'stmt', ...(goals ? { goal: { op: '<=', value: 4 } as const } : {}) },
    { name: `${name} DB statements per instructor launch (median; set-up page)`, value: f.statementsByRole.instructor, unit: 'stmt' },
    { name: `${name} RSS after start (no launch yet)`, value: round(f.rssStart / MB), unit: 'MB' },
    { name: `${name} RSS idle (after start + warm-up)`, value: round(f.rssIdle / MB), unit: 'MB', ...(goals ? { goal: { op: '<', value: 120 } as const } : {}) },
    { name: `${name} RSS loaded (peak under load)`, value: round(f.rssLoaded / MB), unit: 'MB' },
    { name: `${name} failed launches`, value: f.load.failed, unit: 'launch', goal: { op: '<=', value: 0 } },
  ];
}

function notesOf(name: string, f: ToolFigures): string[] {
  const notes = [
    `${name}: ${f.load.completed} launches in ${round(f.load.wallMs / 1000, 2)} s; mean tool time per phase: login ${round(f.phases.login)} ms, id_token POST ${round(f.phases.post)} ms, post-launch GETs ${round(f.phases.landing)} ms (${round(f.landingGets, 2)} per launch); JWKS fetches per launch ${round(f.jwksFetchesPerLaunch, 2)}; platform signing ${round(f.signMs, 2)} ms/launch wall time in the signer process (excluded from latency); bench process CPU ${round(f.benchCpuMs, 2)} ms/launch; DB statements: ${round(f.grossStatementsPerLaunch, 3)} per launch sent during the rounds, of which ${round(f.backgroundPerSecond, 2)}/s are the idle tool's own (subtracted); idle heap ${round(f.heapIdle.used / MB)} of ${round(f.heapIdle.total / MB)} MB, external ${round(f.heapIdle.external / MB)} MB.`,
  ];
  for (const [reason, n] of f.load.errors) notes.push(`${name} failure ×${n}: ${reason}`);
  if (!f.followedRedirect) notes.push(`${name}: the id_token POST answered the page itself (no redirect to follow).`);
  return notes;
}

/** Runs the launch benchmark; see the module comment. */
export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [
    `${SETTINGS.concurrency} launches in flight; per tool ${SETTINGS.warmup} warm-up launches (cap ${SETTINGS.warmupMs / 1000} s), then ${SETTINGS.count} measured (cap ${SETTINGS.maxMs / 1000} s) in ${SETTINGS.rounds} rounds alternating between the tools (only one tool under load at a time), then ${Math.min(200, SETTINGS.count)} at 1 in flight; each tool in its own process on a fresh PostgreSQL database.`,
    'A complete launch = GET login initiation (302/303 to the platform) + POST id_token & state with the login cookies + GET of the redirects the tool answers (Masterly: 303 → the person\'s page with its session cookie — in the bench\'s courses, which have no content, a learner\'s "not set up yet" page at /student, an instructor\'s /instructor/setup; ltijs: 302 → /?ltik=… → its onConnect page), the page must name the launch\'s course. Latency sums those round trips; the platform\'s RS256 signing (done after the nonce is known, in a signer child process of the bench, so it competes with neither the tool nor the bench\'s clients for an event loop) is excluded from latency but not from the rate (both tools pay it alike).',
  ];
  const load0 = os.loadavg()[0] ?? 0;
  const platform = await startBenchPlatform();
  const runs: ToolRun[] = [];
  let masterly: ToolFigures | undefined;
  let ltijs: ToolFigures | undefined;
  let floor: ToolFigures | undefined;
  let masterlyStarted: StartedMasterly | undefined;
  let scraped: Scraped | undefined;
  try {
    if (SETTINGS.only !== 'ltijs') {
      try {
        runs.push(
          await ToolRun.prepare('Masterly', platform, async () => {
            const started = await startMasterly(platform, SETTINGS.adminUrl);
            masterlyStarted = started;
            notes.push(
              started.runtime === 'compiled'
                ? `Masterly ran as plain JavaScript emitted by tsc (as \`npm run build\` does), NODE_ENV=production, LOG_LEVEL=warn (request logs off, like the peer), with the Node flags of \`npm start\`: ${started.nodeFlags.join(' ') || 'none'}.`
                : 'Masterly ran under tsx (tsc emit failed or BENCH_MASTERLY_TSX set): its RSS includes ~40 MB of the tsx loader.',
            );
            return started;
          }),
        );
      } catch (err) {
        notes.push(`Masterly could not be measured: ${(err as Error).message.slice(0, 1500)}`);
      }
    }
    if (SETTINGS.only !== 'masterly') {
      try {
        runs.push(await ToolRun.prepare('ltijs', platform, () => startLtijs(platform, SETTINGS.adminUrl)));
      } catch (err) {
        notes.push(`ltijs could not be measured: ${(err as Error).message.slice(0, 1500)}`);
      }
    }
    // The stack floor (bench/lib/stackFloor.ts): the same 3 requests and 4 statements as Masterly's learner launch,
    // landing on a page as long as Masterly's, with no application work (BENCH_FLOOR=0 skips it).
    const masterlyRun = runs.find((r) => r.label === 'Masterly');
    if (masterlyRun && env.BENCH_FLOOR !== '0') {
      try {
        runs.push(await ToolRun.prepare('stack floor', platform, () => startStackFloor({ adminUrl: SETTINGS.adminUrl, pageBytes: masterlyRun.pageBytes, nodeFlags: startScriptNodeFlags(), platform })));
      } catch (err) {
        notes.push(`The stack floor could not be measured: ${(err as Error).message.slice(0, 1500)}`);
      }
    }
    const perRound = Math.ceil(SETTINGS.count / SETTINGS.rounds);
    for (let r = 0; r < SETTINGS.rounds; r++) {
      for (const run of runs) await run.round(perRound, SETTINGS.maxMs / SETTINGS.rounds);
    }
    // BENCH_METRICS=1: what Masterly's /metrics reported after the launches.
    if (masterlyStarted?.metricsToken) scraped = await scrapeMetrics(masterlyStarted.baseUrl, masterlyStarted.metricsToken);
    for (const run of runs) {
      const figures = await run.finish();
      if (run.label === 'Masterly') masterly = figures;
      else if (run.label === 'ltijs') ltijs = figures;
      else floor = figures;
    }
  } finally {
    for (const run of runs) await run.stop();
    await platform.close();
  }

  if (masterly) {
    figures.push(...figuresOf('Masterly', masterly, true));
    notes.push(...notesOf('Masterly', masterly));
  }
  if (scraped) {
    figures.push(
      { name: '/metrics launches counted (Masterly)', value: scraped.sum('masterly_lti_launches_total'), unit: 'launch' },
      { name: '/metrics request latency samples', value: scraped.sum('masterly_http_request_duration_seconds_count'), unit: 'request' },
    );
    notes.push(`/metrics families reported: ${scraped.families.join(', ')}`);
  }
  if (ltijs) {
    figures.push(...figuresOf('ltijs 5.9.9', ltijs, false));
    notes.push(...notesOf('ltijs', ltijs));
  }
  if (floor) {
    const floorRun = runs.find((r) => r.label === 'stack floor');
    figures.push(
      { name: 'stack floor launches/s', value: round(floor.rate), unit: 'launch/s' },
      { name: 'stack floor tool CPU per launch', value: round(floor.toolCpuMs, 2), unit: 'ms' },
      { name: 'stack floor failed launches', value: floor.load.failed, unit: 'launch', goal: { op: '<=', value: 0 } },
    );
    if (masterly) figures.push({ name: 'Masterly CPU per launch ÷ stack floor', value: round(masterly.toolCpuMs / floor.toolCpuMs, 2), unit: '×' });
    if (ltijs) figures.push({ name: 'ltijs CPU per launch ÷ stack floor (the most a tool on this stack can beat ltijs by)', value: round(ltijs.toolCpuMs / floor.toolCpuMs, 2), unit: '×' });
    notes.push(
      `The stack floor (bench/lib/stackFloor.ts): Express 5 + cookie-parser + the urlencoded parser + EJS + pg + jose (the id_token verified against the platform's JWKS, cached), doing a learner launch's 3 requests and 4 statements (state stored, state taken back, session stored, session read) and landing on a page of ${floorRun?.pageBytes ?? 0} bytes (Masterly's: ${runs.find((r) => r.label === 'Masterly')?.pageBytes ?? 0}), with no application work. ${floor.load.completed} launches; statements per launch ${round(floor.statementsPerLaunch, 2)}.`,
    );
    for (const [reason, n] of floor.load.errors) notes.push(`stack floor failure ×${n}: ${reason}`);
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
    if (masterly.toolCpuMs > 0) {
      figures.push({ name: 'tool CPU per launch ratio ltijs / Masterly', value: round(ltijs.toolCpuMs / masterly.toolCpuMs, 2), unit: '×', goal: { op: '>=', value: 5 } });
    }
  }
  return { title: 'LTI 1.3 launch: Masterly vs stock ltijs 5.9.9 (PostgreSQL)', figures, notes };
}
