/**
 * Prometheus metrics of one process (prom-client, its own registry: no global state, several apps per test
 * process). Everything is counted where it already happens, at a cost of a label lookup and an increment: the
 * request timer in src/web/metrics.ts (also launches and answers, by route and result), the LMS service client's
 * `observe` hook, the schedules' `observe` hook and the roster sync; the outbox gauges are read from the database
 * only when Prometheus scrapes. No process metrics (memory, CPU, GC): the container's exporter has them, and GC
 * observers would cost every process something. Without METRICS_TOKEN nothing can read them: nothing is counted and
 * prom-client is not loaded (about 4 MB of a process's memory). See README "Metrics".
 */
import type { Registry } from 'prom-client';
import type { RequestMetrics } from './web/metrics.js';

/** The grade outbox as the gauges report it. */
export interface OutboxStats {
  pending: number;
  /** Epoch ms of the oldest pending row's event, null when none is pending. */
  oldestAt: number | null;
}

/** The metrics of one process: what `/metrics` serves (when it is on) and the hooks that count. */
export interface Metrics {
  /** The registry `/metrics` serves and the series the request timer feeds; absent when metrics are off. */
  readonly served?: RequestMetrics & { registry: Registry };
  /** The LMS service client's hook: one call's duration and status. */
  observeLmsCall(ms: number, status: number | 'error'): void;
  /** One NRPS roster sync and whether it succeeded. */
  observeRosterSync(ok: boolean): void;
  /** The schedules' hook: one tick of a schedule, and whether it succeeded. */
  observeJob(job: string, ok: boolean): void;
}

/** Metrics that count nothing: no scraper can read them (no METRICS_TOKEN), so prom-client is not even loaded. */
const OFF: Metrics = { observeLmsCall: () => {}, observeRosterSync: () => {}, observeJob: () => {} };

/**
 * The registry and every series when `enabled` (METRICS_TOKEN is set), else {@link OFF}; `outbox` is read on scrape;
 * `now` gives the age of the oldest grade.
 */
export async function createMetrics(opts: { enabled: boolean; outbox?: () => Promise<OutboxStats>; now?: () => number }): Promise<Metrics> {
  if (!opts.enabled) return OFF;
  const { Counter, Gauge, Histogram, Registry } = await import('prom-client');
  const registry = new Registry();
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const http = new Histogram({
    name: 'masterly_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    buckets,
    registers: [registry],
  });
  const launches = new Counter({
    name: 'masterly_lti_launches_total',
    help: 'LTI launches by result (ok, refused) and refusal reason',
    labelNames: ['result', 'reason'] as const,
    registers: [registry],
  });
  const answers = new Counter({ name: 'masterly_answers_total', help: 'Answers submitted by students, by result (accepted, refused)', labelNames: ['result'] as const, registers: [registry] });
  const lmsCalls = new Histogram({
    name: 'masterly_lms_call_duration_seconds',
    help: 'Calls to LMS services (token, NRPS, AGS) by HTTP status ("error": no answer)',
    labelNames: ['status'] as const,
    buckets,
    registers: [registry],
  });
  const lmsFailures = new Counter({ name: 'masterly_lms_call_failures_total', help: 'LMS service calls that failed, by HTTP status ("error": no answer)', labelNames: ['status'] as const, registers: [registry] });
  const rosterSyncs = new Counter({ name: 'masterly_roster_syncs_total', help: 'NRPS roster syncs by result (ok, failed)', labelNames: ['result'] as const, registers: [registry] });
  const jobRuns = new Counter({ name: 'masterly_job_runs_total', help: 'Background schedule ticks by schedule and result (ok, failed)', labelNames: ['job', 'result'] as const, registers: [registry] });
  const now = opts.now ?? Date.now;
  let last: OutboxStats = { pending: 0, oldestAt: null };
  const refresh = async () => {
    if (opts.outbox) last = await opts.outbox().catch(() => last);
  };
  new Gauge({
    name: 'masterly_grade_outbox_depth',
    help: 'Grades waiting in the outbox to be sent to the LMS',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(last.pending);
    },
  });
  new Gauge({
    name: 'masterly_grade_outbox_oldest_age_seconds',
    help: 'Age of the oldest grade waiting in the outbox (0 when none)',
    registers: [registry],
    collect() {
      this.set(last.oldestAt === null ? 0 : Math.max(0, (now() - last.oldestAt) / 1000));
    },
  });
  return {
    served: { registry, http, launches, answers },
    observeLmsCall: (ms, status) => {
      const s = String(status);
      lmsCalls.observe({ status: s }, ms / 1000);
      if (status === 'error' || status >= 400) lmsFailures.inc({ status: s });
    },
    observeRosterSync: (ok) => rosterSyncs.inc({ result: ok ? 'ok' : 'failed' }),
    observeJob: (job, ok) => jobRuns.inc({ job, result: ok ? 'ok' : 'failed' }),
  };
}
