/**
 * `npm run bench -- answers`: what students do all day. Students launched through the LMS emulator (demo course)
 * practise against the built tool (production mode, PostgreSQL) over HTTP: GET /student/practice?go=1 (the item
 * page), then POST /student/answer with an answer (right with probability BENCH_CORRECT), in a loop.
 *
 * Two phases in one run, each on a fresh database:
 * 1. closed loop: BENCH_STUDENTS (20) students with no think time → the maximum answers/s, and the tool's CPU and
 *    database statements per page + answer (counted in the tool process: process.cpuUsage and Kysely's query log).
 *    As many students warm the tool up first; the measured ones' first page + answer (which creates their learner)
 *    is counted apart, once;
 * 2. paced: BENCH_PACED_STUDENTS (200) students thinking BENCH_THINK_MS (2000 ms) between answers
 *    (≈ 100 answers/s offered) → answer latency p50/p95 at that load.
 *
 * The grade outbox worker does not run in the tool during the measurement (IN_PROCESS_WORKER=false, as with
 * stand-alone workers): the figures are the request path's; draining grades is the passback bench's.
 * Settings: BENCH_DATABASE_URL (a PostgreSQL server; the bench recreates database masterly_answers_<checkout> on it;
 * default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (measured seconds per phase, 20),
 * BENCH_WARMUP_SECONDS (10; the closed loop warms up with students of its own), BENCH_CORRECT (0.6), BENCH_ONLY (closed | paced), BENCH_CPU_PROF (profile dir),
 * BENCH_STATEMENTS (a file: each SQL statement the tool sent and how often, written when it stops), BENCH_FLOOR=0 (skip the
 * stack floor: each phase's rate again against Express + EJS + pg doing nothing but the same requests and statements).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import pg from 'pg';
import type { BenchFigure, BenchReport } from './run.js';
import { benchNamespace, freePort, recreateDatabase, type ToolProcess, type ToolStats } from './lib/launchChild.js';
import { startMasterlyChild } from './lib/launchMasterly.js';
import { CookieJar, keepAliveAgent, send } from './lib/launchHttp.js';
import { mean, percentile } from './lib/launchDriver.js';
import { scrapeMetrics, type Scraped } from './lib/metricsScrape.js';
import { startScriptNodeFlags } from './lib/launchMasterly.js';
import { startStackFloor } from './lib/stackFloor.js';
import { launchAs, startTestLms, type TestLms } from '../test/support/devplatform.js';

const env = process.env;
const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : d);
const SETTINGS = {
  serverUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  students: num(env.BENCH_STUDENTS, 20),
  pacedStudents: num(env.BENCH_PACED_STUDENTS, 200),
  thinkMs: num(env.BENCH_THINK_MS, 2000),
  seconds: num(env.BENCH_SECONDS, 20),
  warmupSeconds: num(env.BENCH_WARMUP_SECONDS, 10),
  correct: num(env.BENCH_CORRECT, 0.6),
  only: env.BENCH_ONLY,
};

/** How to answer an item right or wrong (read from the tool's database after the demo course was imported). */
interface AnswerKey {
  right: string[];
  wrong: string[];
}

/** One launched student: their cookies for the tool. */
interface Student {
  name: string;
  jar: CookieJar;
}

/** What one page + answer cycle measured. */
interface Cycle {
  pageMs: number;
  answerMs: number | undefined;
}

interface PhaseResult {
  cycles: Cycle[];
  answers: number;
  /** Pages without an item (lesson, done, …). */
  otherPages: number;
  failures: Map<string, number>;
  wallMs: number;
  cpuMs: number;
  /** The kernel's part of cpuMs. */
  systemMs: number;
  statements: number;
  /** Statements per second the idle tool sends by itself (subtracted). */
  idlePerSecond: number;
  /** Statements of a student's first page + answer (their learner is created), measured apart (closed loop). */
  firstStatements?: number;
  /** What /metrics said at the end (BENCH_METRICS=1). */
  metrics?: Scraped;
  /** Bytes of the pages and feedback the tool answered with, and how many (the floor's pages are made as long). */
  bodyBytes: number;
  bodies: number;
}

/** Figures from /metrics after a phase: which of the series issue 15 lists are there, and answers counted. */
function metricsFigures(label: string, r: PhaseResult): BenchFigure[] {
  if (!r.metrics) return [];
  const wanted = ['masterly_lti_launches_total', 'masterly_answers_total', 'masterly_http_request_duration_seconds', 'masterly_grade_outbox_depth', 'masterly_grade_outbox_oldest_age_seconds', 'masterly_lms_call_duration_seconds', 'masterly_lms_call_failures_total', 'masterly_roster_syncs_total', 'masterly_job_runs_total'];
  const present = wanted.filter((f) => r.metrics?.families.includes(f)).length;
  return [
    { name: `/metrics series present (${label})`, value: present, unit: 'series', goal: { op: '>=', value: wanted.length } },
    { name: `/metrics answers counted (${label}, all phases)`, value: r.metrics.sum('masterly_answers_total'), unit: 'answer' },
    { name: `/metrics launches counted (${label})`, value: r.metrics.sum('masterly_lti_launches_total'), unit: 'launch' },
  ];
}

const field = (html: string, name: string): string | undefined => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

async function answerKeys(databaseUrl: string): Promise<Map<string, AnswerKey>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; kind: string; payload: string }>('select id, kind, payload from items where active = 1');
    const keys = new Map<string, AnswerKey>();
    for (const r of rows) {
      const p = JSON.parse(r.payload) as { choices?: { key: string }[]; answer: unknown };
      const choices = (p.choices ?? []).map((c) => c.key);
      if (r.kind === 'mc_single' || r.kind === 'mc_multi') {
        const right = p.answer as string[];
        const wrong = choices.filter((c) => !right.includes(c)).slice(0, 1);
        keys.set(r.id, { right, wrong: wrong.length ? wrong : [choices[0] ?? 'a'] });
      } else if (r.kind === 'numeric') {
        const a = p.answer as { value: number };
        keys.set(r.id, { right: [String(a.value)], wrong: [String(a.value + 1000)] });
      } else {
        const a = p.answer as { accepted: string[] };
        keys.set(r.id, { right: [a.accepted[0] ?? ''], wrong: ['not the answer'] });
      }
    }
    return keys;
  } finally {
    await client.end();
  }
}

/** A fresh tool (own database, emulator registered) with `n` students launched through the emulator. */
async function setUp(n: number): Promise<SetUp> {
  const databaseUrl = await recreateDatabase(SETTINGS.serverUrl, `masterly_answers_${benchNamespace}`);
  const port = await freePort();
  const toolUrl = `http://localhost:${port}`;
  const lms: TestLms = await startTestLms({ toolUrl });
  const reg = lms.registration();
  const tool = await startMasterlyChild({
    databaseUrl,
    port,
    platform: { issuer: reg.issuer, clientId: reg.clientId, deploymentId: reg.deploymentIds[0] ?? lms.deploymentId, authUrl: reg.authUrl, tokenUrl: reg.tokenUrl, jwksUrl: reg.jwksUrl },
    env: { DEMO: 'true', IN_PROCESS_WORKER: 'false' },
  });
  const learners = lms.users.filter((u) => u.roles.some((r) => r.endsWith('#Learner')));
  const extra = Math.max(0, n - learners.length);
  if (extra) await lms.devplatform.seedMembers(extra);
  const people = lms.users.filter((u) => u.roles.some((r) => r.endsWith('#Learner'))).slice(0, n);
  const students: Student[] = [];
  const launchOne = async (u: { id: string; name: string }) => {
    const { response, browser } = await launchAs(lms, toolUrl, { userId: u.id });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`launch of ${u.name} failed: HTTP ${response.status} ${text.slice(0, 200)}`);
    const jar = new CookieJar();
    const session = browser.cookies('localhost').masterly_session;
    if (!session) throw new Error(`launch of ${u.name} left no session cookie`);
    jar.take([`masterly_session=${session}`]);
    students.push({ name: u.name, jar });
  };
  // The first launch imports the demo course; the others then run 10 at a time.
  const [first, ...rest] = people;
  if (first) await launchOne(first);
  for (let i = 0; i < rest.length; i += 10) await Promise.all(rest.slice(i, i + 10).map(launchOne));
  const keys = await answerKeys(databaseUrl);
  return {
    tool,
    toolUrl,
    students,
    keys,
    close: async () => {
      await tool.process.stop();
      await lms.close();
    },
  };
}

/** A tool under test with its students: Masterly (setUp) or the stack floor (setUpFloor). */
interface SetUp {
  tool: { process: ToolProcess; baseUrl: string; metricsToken?: string };
  toolUrl: string;
  students: Student[];
  keys: Map<string, AnswerKey>;
  close: () => Promise<void>;
}

/**
 * The stack floor (bench/lib/stackFloor.ts) with `n` students holding a session each: the same requests and
 * statements per page + answer as Masterly, pages as long as Masterly's (`pageBytes`), no application work.
 */
async function setUpFloor(n: number, pageBytes: number): Promise<SetUp> {
  const floor = await startStackFloor({ adminUrl: SETTINGS.serverUrl, pageBytes, nodeFlags: startScriptNodeFlags() });
  const made = await fetch(`${floor.baseUrl}/sessions?n=${n}`, { method: 'POST' });
  const ids = (await made.json()) as string[];
  const students = ids.map((id, i) => {
    const jar = new CookieJar();
    jar.take([`floor_session=${id}`]);
    return { name: `floor student ${i}`, jar };
  });
  return { tool: floor, toolUrl: floor.baseUrl, students, keys: new Map(), close: () => floor.process.stop() };
}

/**
 * `students` practise until `until` (performance.now()); each cycle is a page and, when it shows an item, an answer.
 * The demo course is short (about 60 answers to its end at 60 % right), so a closed loop on an idle machine finishes
 * it in seconds: it warms up with students of its own, and its measurement stops when the first student reaches the
 * end, so every measured second has all students answering.
 */
async function practise(
  setup: SetUp,
  students: readonly Student[],
  until: number,
  thinkMs: number,
  record: PhaseResult | undefined,
  maxCycles = Infinity,
): Promise<void> {
  const agent = keepAliveAgent();
  const base = new URL(setup.toolUrl);
  const fail = (why: string) => {
    if (record) record.failures.set(why, (record.failures.get(why) ?? 0) + 1);
  };
  let stopped = false;
  const one = async (s: Student, offset: number) => {
    if (thinkMs) await sleep(offset);
    for (let n = 0; n < maxCycles && !stopped && performance.now() < until; n++) {
      try {
        if ((await cycle(s)) === 'done') {
          if (!thinkMs) stopped = true;
          return;
        }
      } catch (err) {
        // A keep-alive socket the server closed while the student was thinking: counted, then the next cycle.
        fail(`network: ${(err as Error).message}`);
      }
      if (thinkMs) await sleep(thinkMs);
    }
  };
  const cycle = async (s: Student): Promise<'done' | 'next'> => {
    const t0 = performance.now();
    const page = await send(agent, 'GET', new URL('/student/practice?go=1', base), s.jar.header());
    const pageMs = performance.now() - t0;
    if (record) {
      record.bodyBytes += page.body.length;
      record.bodies++;
    }
    if (page.status !== 200) {
      fail(`page HTTP ${page.status}`);
      await sleep(100);
      return 'next';
    }
    const csrf = field(page.body, 'csrf');
    const attemptId = field(page.body, 'attemptId');
    const itemId = field(page.body, 'itemId');
    if (!csrf || !attemptId || !itemId) {
      if (record) {
        record.otherPages++;
        record.cycles.push({ pageMs, answerMs: undefined });
      }
      return page.body.includes('You have worked through') ? 'done' : 'next';
    }
    const key = setup.keys.get(itemId);
    const values = key ? (Math.random() < SETTINGS.correct ? key.right : key.wrong) : ['?'];
    const form = new URLSearchParams({ csrf, attemptId, itemId });
    for (const v of values) form.append('answer', v);
    const t1 = performance.now();
    const answer = await send(
      agent,
      'POST',
      new URL('/student/answer', base),
      { 'content-type': 'application/x-www-form-urlencoded', origin: base.origin, ...s.jar.header() },
      form.toString(),
    );
    const answerMs = performance.now() - t1;
    if (record) {
      record.bodyBytes += answer.body.length;
      record.bodies++;
    }
    if (answer.status !== 200) fail(`answer HTTP ${answer.status} ${answer.body.replace(/\s+/g, ' ').slice(0, 120)}`);
    else if (record) {
      record.answers++;
      record.cycles.push({ pageMs, answerMs });
    }
    return 'next';
  };
  await Promise.all(students.map((s, i) => one(s, thinkMs ? (i * thinkMs) / students.length : 0)));
  agent.destroy();
}

async function phase(n: number, thinkMs: number, make: (students: number) => Promise<SetUp> = setUp): Promise<PhaseResult> {
  // A closed loop warms up with n students of its own (until they finish the course or the warm-up ends).
  const closed = thinkMs === 0;
  const setup = await make(closed ? 2 * n : n);
  const [warming, measured] = closed ? [setup.students.slice(0, n), setup.students.slice(n)] : [setup.students, setup.students];
  try {
    const child = setup.tool.process;
    await practise(setup, warming, performance.now() + SETTINGS.warmupSeconds * 1000, thinkMs, undefined);
    // The measured students' first page + answer creates their learner: counted apart, once (not a steady cost).
    let firstStatements: number | undefined;
    if (closed) {
      const before = await child.stats();
      await practise(setup, measured, Infinity, 0, undefined, 1);
      firstStatements = ((await child.stats()).statements - before.statements) / measured.length;
    }
    const idle0 = await child.stats();
    await sleep(2000);
    const idle1 = await child.stats();
    const idlePerSecond = (idle1.statements - idle0.statements) / 2;
    const result: PhaseResult = { cycles: [], answers: 0, otherPages: 0, failures: new Map(), wallMs: 0, cpuMs: 0, systemMs: 0, statements: 0, bodyBytes: 0, bodies: 0, idlePerSecond, ...(firstStatements === undefined ? {} : { firstStatements }) };
    const before: ToolStats = await child.stats();
    const t0 = performance.now();
    await practise(setup, measured, t0 + SETTINGS.seconds * 1000, thinkMs, result);
    result.wallMs = performance.now() - t0;
    const after = await child.stats();
    result.cpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
    result.systemMs = (after.systemMicros - before.systemMicros) / 1000;
    result.statements = after.statements - before.statements - (idlePerSecond * result.wallMs) / 1000;
    // BENCH_METRICS=1: what /metrics reported for this phase's tool (launches, answers, request latency, outbox…).
    if (setup.tool.metricsToken) result.metrics = await scrapeMetrics(setup.tool.baseUrl, setup.tool.metricsToken);
    return result;
  } finally {
    await setup.close();
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * The stack floor (BENCH_FLOOR=0 skips it) at the rate Masterly answered in `tool`'s phase: its CPU per page + answer,
 * and Masterly's as a multiple of it. CPU per request falls as a server gets busier (more requests per event-loop turn
 * and per socket read), so the floor is paced to Masterly's rate — 200 students, each thinking 200 / rate seconds —
 * rather than run flat out. Pages are as long as Masterly's were.
 */
async function floorFigures(label: string, tool: PhaseResult, notes: string[]): Promise<BenchFigure[]> {
  if (env.BENCH_FLOOR === '0' || tool.answers === 0) return [];
  const pageBytes = Math.round(tool.bodyBytes / Math.max(1, tool.bodies));
  const rate = tool.answers / (tool.wallMs / 1000);
  const n = 200;
  const thinkMs = Math.round((n * 1000) / rate);
  const floor = await phase(n, thinkMs, (students) => setUpFloor(students, pageBytes));
  const per = Math.max(1, floor.answers);
  const cpu = floor.cpuMs / per;
  const failed = [...floor.failures.values()].reduce((a, b) => a + b, 0);
  notes.push(`stack floor at the rate of the ${label} phase (${n} students thinking ${thinkMs} ms): ${floor.answers} answers in ${round(floor.wallMs / 1000, 2)} s, pages of ${pageBytes} bytes (Masterly's mean), ${failed} failed requests; CPU ${round(floor.cpuMs)} ms (${round(floor.systemMs)} ms in the kernel), ${round(floor.statements)} statements.`);
  return [
    { name: `stack floor CPU per page + answer (${label})`, value: round(cpu, 2), unit: 'ms' },
    { name: `tool CPU ÷ stack floor (${label})`, value: round(tool.cpuMs / Math.max(1, tool.answers) / cpu, 2), unit: '×' },
  ];
}

/** Runs the answers benchmark; see the module comment. */
export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  const load0 = os.loadavg()[0] ?? 0;
  const describe = (label: string, r: PhaseResult) => {
    const answers = r.cycles.map((c) => c.answerMs).filter((x): x is number => x !== undefined);
    const pages = r.cycles.map((c) => c.pageMs);
    notes.push(
      `${label}: ${r.answers} answers and ${r.cycles.length} pages (${r.otherPages} without an item) in ${round(r.wallMs / 1000, 2)} s; practice page p50 ${round(percentile(pages, 50))} ms, p95 ${round(percentile(pages, 95))} ms; mean answer POST ${round(mean(answers))} ms; tool CPU ${round(r.cpuMs)} ms (${round(r.systemMs)} ms of it in the kernel), ${round(r.statements)} statements (less ${round(r.idlePerSecond, 2)}/s idle).`,
    );
    for (const [why, k] of r.failures) notes.push(`${label} failure ×${k}: ${why}`);
    return { answers, pages };
  };
  if (SETTINGS.only !== 'paced') {
    const r = await phase(SETTINGS.students, 0);
    const { answers } = describe(`closed loop, ${SETTINGS.students} students`, r);
    const per = Math.max(1, r.answers);
    figures.push(
      { name: `answers/s (closed loop, ${SETTINGS.students} students)`, value: round(r.answers / (r.wallMs / 1000)), unit: 'answer/s' },
      { name: 'answer POST p50 (closed loop)', value: round(percentile(answers, 50)), unit: 'ms' },
      { name: 'answer POST p95 (closed loop)', value: round(percentile(answers, 95)), unit: 'ms' },
      { name: 'tool CPU per page + answer', value: round(r.cpuMs / per, 2), unit: 'ms', goal: { op: '<=', value: 2 } },
      { name: 'DB statements per page + answer', value: round(r.statements / per, 2), unit: 'stmt', goal: { op: '<=', value: 4 } },
      ...(r.firstStatements === undefined ? [] : [{ name: "DB statements of a student's first page + answer (once)", value: round(r.firstStatements, 2), unit: 'stmt' }]),
      { name: 'failed requests (closed loop)', value: [...r.failures.values()].reduce((a, b) => a + b, 0), unit: 'request', goal: { op: '<=', value: 0 } },
      ...metricsFigures('closed loop', r),
      ...(await floorFigures('closed loop', r, notes)),
    );
  }
  if (SETTINGS.only !== 'closed') {
    const r = await phase(SETTINGS.pacedStudents, SETTINGS.thinkMs);
    const { answers } = describe(`paced, ${SETTINGS.pacedStudents} students, ${SETTINGS.thinkMs} ms think time`, r);
    const per = Math.max(1, r.answers);
    figures.push(
      { name: `answers/s (${SETTINGS.pacedStudents} students, ${SETTINGS.thinkMs / 1000} s think)`, value: round(r.answers / (r.wallMs / 1000)), unit: 'answer/s' },
      { name: 'answer POST p50 (paced)', value: round(percentile(answers, 50)), unit: 'ms' },
      { name: 'answer POST p95 (paced)', value: round(percentile(answers, 95)), unit: 'ms', goal: { op: '<', value: 100 } },
      { name: 'tool CPU per page + answer (paced)', value: round(r.cpuMs / per, 2), unit: 'ms' },
      { name: 'DB statements per page + answer (paced)', value: round(r.statements / per, 2), unit: 'stmt' },
      { name: 'failed requests (paced)', value: [...r.failures.values()].reduce((a, b) => a + b, 0), unit: 'request', goal: { op: '<=', value: 0 } },
      ...metricsFigures('paced', r),
      ...(await floorFigures('paced', r, notes)),
    );
  }
  const cores = os.availableParallelism();
  const load1 = os.loadavg()[0] ?? 0;
  notes.unshift(
    `Built tool (tsc output), NODE_ENV=production, DEMO=true (demo course imported at the first launch), IN_PROCESS_WORKER=false, PostgreSQL; students launched through the LMS emulator (in the bench process), then practising over keep-alive HTTP; ${SETTINGS.warmupSeconds} s warm-up, ${SETTINGS.seconds} s measured per phase; right answers with probability ${SETTINGS.correct}. The stack floor (bench/lib/stackFloor.ts) is Express 5 + cookie-parser + the urlencoded parser + EJS + pg answering the same requests with the same statements (2 per request) and pages as long as Masterly's at Masterly's rate, doing nothing else: no CPU goal can be met below it on this stack.`,
    `Machine: ${cores} cores; 1-min load average ${round(load0, 2)} before, ${round(load1, 2)} after${Math.max(load0, load1) > cores ? ' (other work was running: rates and latencies are pessimistic; CPU and statements per answer are the steadier figures)' : ''}.`,
  );
  return { title: 'Answering: students practising over HTTP (PostgreSQL)', figures, notes };
}
