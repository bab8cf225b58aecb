import { SessionErased } from '../domain/errors.js';
import type { Clock, LaunchRepo, LaunchSession } from './ports.js';

/** How a caller reads a session. */
export interface GetSessionOptions {
  /**
   * The caller's own statements refuse a session whose row is gone (the learner statements of a practice page and an
   * answer, given the session id: see `LearnerStore.loadLearner`), so a kept copy is served without the lookup by
   * primary key: those pages cost no statement for their session.
   */
  checkedByCaller?: boolean;
}

/** Bounds of the session cache. */
export interface SessionCacheOptions {
  /** Sessions kept (the least recently read go first). */
  maxSessions?: number;
  /** How long a read session is served from memory (ms) before it is read again. */
  maxAgeMs?: number;
}

/**
 * The live launch session with this id (undefined when unknown or expired), with the sessions this process read
 * recently kept in memory: a student's pages and answers then cost one lookup by primary key instead of the session
 * read's join. A session row never changes after the launch (only its deep-linking mark, which it does not carry, and the reader's time zone, which `setTimeZone` updates here too), so
 * a kept copy is the row while the row exists; the lookup catches a row deleted by any process sharing the database
 * (an erasure, a removed platform), and a person erased with their session gets {@link SessionErased}, not a page
 * of someone who is no longer there. A kept copy is still refused once expired, dropped with `clear()` when this
 * process removes a platform, and read again after `maxAgeMs`. A caller whose own statements make the same check
 * (`checkedByCaller`) gets the kept copy without the lookup.
 */
export function cachedSessions(deps: { launches: LaunchRepo; clock: Clock }, opts: SessionCacheOptions = {}) {
  const max = opts.maxSessions ?? 2000;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const kept = new Map<string, { session: LaunchSession; readAt: number }>();
  // Sessions found erased: their next pages say so too (the row is gone, so a fresh read could only say "ended").
  const erased = new Set<string>();
  return {
    get: async (id: string, opts?: GetSessionOptions): Promise<LaunchSession | undefined> => {
      if (erased.has(id)) throw new SessionErased();
      const now = deps.clock.now();
      const hit = kept.get(id);
      if (hit && now - hit.readAt < maxAgeMs && hit.session.expiresAt > now) {
        if (opts?.checkedByCaller) return hit.session;
        const state = await deps.launches.sessionState(id, hit.session.userId);
        if (state === 'live') return hit.session;
        kept.delete(id);
        if (state === 'erased') {
          erased.add(id);
          if (erased.size > max) erased.delete(erased.values().next().value as string);
          throw new SessionErased();
        }
        return undefined;
      }
      if (hit) kept.delete(id);
      const session = await deps.launches.findSession(id, now);
      if (session) {
        // "No content yet" is true only of this read: the kept copy does not say it.
        const { courseHasContent, ...rest } = session;
        kept.set(id, { session: courseHasContent ? session : rest, readAt: now });
        if (kept.size > max) {
          const oldest = kept.keys().next().value;
          if (oldest !== undefined) kept.delete(oldest);
        }
      }
      return session;
    },
    /** The reader's time zone was just stored: the kept copy shows it too (another process reads it within `maxAgeMs`). */
    setTimeZone: (id: string, timeZone: string) => {
      const hit = kept.get(id);
      if (hit) hit.session = { ...hit.session, timeZone };
    },
    clear: () => kept.clear(),
  };
}
