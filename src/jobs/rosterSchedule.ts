/**
 * The roster schedule: every `everyMs`, syncs the rosters that are older than the staleness limit.
 */
import { syncRosterJob, type SyncRosterServices } from './syncRoster.job.js';

export interface RosterScheduleOptions {
  services: SyncRosterServices;
  everyMs?: number;
  limit?: number;
  onError?: (err: unknown, contextId?: string) => void;
}

/** Starts the schedule; returns `stop`. */
export function startRosterSchedule(opts: RosterScheduleOptions): { stop(): Promise<void> } {
  const running = new Set<string>();
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    let ids: string[];
    try {
      ids = await opts.services.staleRosters(opts.limit ?? 20);
    } catch (err) {
      opts.onError?.(err);
      return;
    }
    for (const contextId of ids) {
      const key = syncRosterJob.key({ contextId });
      if (running.has(key)) continue;
      running.add(key);
      try {
        await syncRosterJob.run(opts.services, { contextId });
      } catch (err) {
        opts.onError?.(err, contextId);
      } finally {
        running.delete(key);
      }
    }
  };
  const timer = setInterval(() => {
    current = current.then(tick);
  }, opts.everyMs ?? 15 * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}
