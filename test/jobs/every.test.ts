/**
 * The one scheduler (src/jobs/every.ts) every background schedule runs on: ticks never overlap, a failing tick
 * (e.g. the database is down) backs the schedule off exponentially up to a cap, is logged once per failure
 * streak, and the schedule returns to its interval after the first tick that succeeds.
 */
import { describe, expect, it } from 'vitest';
import { every, nextDelay } from '../../src/jobs/every.js';

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

function recordingLog() {
  const lines: { level: 'info' | 'warn'; msg: string; data: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (data: object, msg: string) => void lines.push({ level: 'info', msg, data: data as Record<string, unknown> }),
    warn: (data: object, msg: string) => void lines.push({ level: 'warn', msg, data: data as Record<string, unknown> }),
  };
}

describe('every(ms, tick)', () => {
  it('backs off exponentially up to the cap, never below the interval', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => nextDelay(10, n, 100))).toEqual([10, 10, 20, 40, 80, 100, 100]);
    expect(nextDelay(600_000, 3, 60_000)).toBe(600_000); // a slow schedule never runs more often when failing
  });

  it('during an outage: backs off, logs once per streak, recovers when a tick succeeds', async () => {
    const log = recordingLog();
    let down = true;
    let ticks = 0;
    const retries: number[] = [];
    const s = every(
      5,
      async () => {
        ticks++;
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      { name: 'purge', log, maxBackoffMs: 40, onError: (_err, failures, retryInMs) => retries.push(retryInMs) },
    );
    await until(() => retries.length >= 6);
    expect(retries.slice(0, 6)).toEqual([5, 10, 20, 40, 40, 40]);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(log.lines[0]!.data).toMatchObject({ schedule: 'purge', retryInMs: 5 });

    down = false; // the database is back
    const failed = retries.length;
    await until(() => log.lines.some((l) => l.msg === 'purge: recovered'));
    const recovered = log.lines.find((l) => l.msg === 'purge: recovered')!;
    expect(recovered.data.failures).toBeGreaterThanOrEqual(failed);
    const after = ticks;
    await until(() => ticks >= after + 3); // back on its interval
    expect(retries.length).toBeLessThanOrEqual(failed + 1);

    down = true; // a second outage is a new streak: logged once more, backoff starts again from the interval
    const before = retries.length;
    await until(() => retries.length >= before + 2);
    expect(retries.slice(before, before + 2)).toEqual([5, 10]);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    await s.stop();
  });

  it('never overlaps ticks; stop() waits for the tick in flight and no tick runs after it', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let ticks = 0;
    let release: () => void = () => {};
    const s = every(
      1,
      async () => {
        ticks++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((r) => (release = r));
        inFlight--;
      },
      { name: 'fit', immediate: true },
    );
    await until(() => ticks === 1);
    s.nudge();
    await new Promise((r) => setTimeout(r, 20));
    expect(maxInFlight).toBe(1);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const n = ticks;
    await new Promise((r) => setTimeout(r, 20));
    expect(ticks).toBe(n);
  });

  it('a tick that reports more work runs again at once; nudge() wakes an idle schedule', async () => {
    let ticks = 0;
    const s = every(60_000, async () => ++ticks < 3, { name: 'grade outbox', immediate: true });
    await until(() => ticks === 3); // back to back while there is more work, then idle for a minute
    s.nudge();
    await until(() => ticks === 4);
    await s.stop();
  });
});
