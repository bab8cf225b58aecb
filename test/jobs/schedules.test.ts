import { describe, expect, it } from 'vitest';
import { SCHEDULES, startSchedules, type ScheduleServices } from '../../src/jobs/schedules.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Services that count their calls (the schedules' own behaviour is tested with the real store elsewhere). */
function counting() {
  const calls: Record<string, number> = {};
  const hit = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
  const services: ScheduleServices = {
    drainOutbox: async () => (hit('outbox'), { claimed: 0, sent: 0, retried: 0, failed: 0 }),
    staleRosters: async () => (hit('roster'), ['ctx-1']),
    syncRoster: async () => (hit('rosterSync'), { contextId: 'ctx-1', mode: 'full', members: 0, pages: 0 }),
    contextsWithMaps: async () => (hit('lmsEvidence'), []),
    importLmsEvidence: async () => ({ columns: 0, results: 0, added: 0, unchanged: 0, ungraded: 0, waiting: 0, failedColumns: [] }),
    fitObjectiveParams: async () => (hit('bktFitting'), { fitted: 0, outcomes: [], courseModels: [], millis: 0 }),
    purgeExpired: async () => (hit('purge'), { loginStates: 0, sessions: 0 }),
    sendAlertDigests: async () => (hit('alertDigest'), { sent: 0, failed: 0 }),
    purgeInactiveCourses: async () => (hit('retention'), { dryRun: false, before: 0, courses: [] }),
    closeDueGrades: async () => (hit('gradeDue'), { standings: 0, queued: 0 }),
  };
  return { calls, services };
}

describe('background schedules (one list for the web process and the worker)', () => {
  it('runs every schedule, and stop() waits for them', async () => {
    const { calls, services } = counting();
    const running = startSchedules(services, { every: { outbox: 10, roster: 10, lmsEvidence: 10, bktFitting: 10, purge: 10, retention: 10, alertDigest: 10, gradeDue: 10 } });
    expect(running.started).toEqual([...SCHEDULES]);
    await sleep(120);
    await running.stop();
    for (const name of ['outbox', 'roster', 'rosterSync', 'lmsEvidence', 'bktFitting', 'purge', 'retention', 'alertDigest', 'gradeDue']) expect(calls[name], name).toBeGreaterThan(0);
    const after = { ...calls };
    await sleep(50);
    expect(calls).toEqual(after);
  });

  it('leaves out a schedule set to 0', async () => {
    const { calls, services } = counting();
    const running = startSchedules(services, { every: { outbox: 0, bktFitting: 0, roster: 10, lmsEvidence: 10, purge: 10, retention: 0, alertDigest: 0, gradeDue: 0 } });
    expect(running.started).toEqual(['roster', 'lmsEvidence', 'purge']);
    expect(running.outbox).toBeUndefined();
    await sleep(60);
    await running.stop();
    expect(calls.outbox).toBeUndefined();
    expect(calls.bktFitting).toBeUndefined();
    expect(calls.purge).toBeGreaterThan(0);
  });
});
