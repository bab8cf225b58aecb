/**
 * The one timer loop of the background schedules: runs `tick` every `ms`, never two ticks at once. A tick that
 * throws (the database is down, the LMS is unreachable) backs the schedule off exponentially — ms, 2·ms, 4·ms …
 * up to `maxBackoffMs` (never below `ms`) — logs once per failure streak, and the schedule returns to `ms` after
 * the first tick that succeeds (logging the recovery).
 */

/** Where a schedule reports a failure streak (a pino logger fits). */
export interface ScheduleLog {
  info(data: object, msg: string): void;
  warn(data: object, msg: string): void;
}

export interface EveryOptions {
  /** The schedule's name in log lines. */
  name: string;
  log?: ScheduleLog;
  /** Longest wait after repeated failures (default 5 minutes; a schedule never waits less than `ms`). */
  maxBackoffMs?: number;
  /** First tick at once instead of after `ms`. */
  immediate?: boolean;
  /** Called after every failed tick (tests, counters); the log line is written only once per streak. */
  onError?: (err: unknown, failures: number, retryInMs: number) => void;
}

/** A running schedule. */
export interface Every {
  /** Stops the schedule and waits for a tick in flight. */
  stop(): Promise<void>;
  /** Runs the next tick now (e.g. after work was queued), or right after the one in flight. */
  nudge(): void;
}

/** Delay before the next tick after `failures` failures in a row (0 = the last tick succeeded). */
export function nextDelay(ms: number, failures: number, maxBackoffMs = 5 * 60_000): number {
  if (failures === 0) return ms;
  return Math.min(Math.max(ms, maxBackoffMs), ms * 2 ** (failures - 1));
}

/**
 * Starts `tick` every `ms`. A tick that resolves to `true` has more work waiting: the next one runs at once.
 */
export function every(ms: number, tick: () => Promise<boolean | void>, opts: EveryOptions): Every {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;
  let failingSince = 0;
  let nudged = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  const once = async (): Promise<number> => {
    try {
      const more = await tick();
      if (failures > 0) opts.log?.info({ schedule: opts.name, failures, downMs: Date.now() - failingSince }, `${opts.name}: recovered`);
      failures = 0;
      return more === true ? 0 : ms;
    } catch (err) {
      failures++;
      const retryInMs = nextDelay(ms, failures, opts.maxBackoffMs);
      if (failures === 1) {
        failingSince = Date.now();
        opts.log?.warn({ err, schedule: opts.name, retryInMs }, `${opts.name} failed; backing off until it succeeds`);
      }
      opts.onError?.(err, failures, retryInMs);
      return retryInMs;
    }
  };
  function run() {
    timer = undefined;
    if (stopped || running) return;
    nudged = false;
    running = once().then((delay) => {
      running = undefined;
      schedule(nudged && failures === 0 ? 0 : delay);
    });
  }

  schedule(opts.immediate ? 0 : ms);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    nudge: () => {
      if (running) nudged = true;
      else schedule(0);
    },
  };
}
