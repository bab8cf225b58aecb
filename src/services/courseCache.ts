import type { CourseVersion } from './enginePorts.js';

/** A compiled course and what it was compiled from. */
interface Entry<C> {
  course: C;
  version: CourseVersion;
  loadedAt: number;
}

/** What the cache needs to know about a compiled course. */
export interface CourseCacheOptions {
  /** Oldest compiled course served (ms): bounds how stale the item statistics it carries may get. */
  maxAgeMs?: number;
  /** Contexts kept (the least recently loaded go first). */
  maxCourses?: number;
}

/**
 * Compiled courses by context, valid while the database's version of the course is the one they were compiled at.
 * Every use reads the version (one small statement) and compiles again only when it moved — an import bumps the
 * content version, a BKT fit appends a `params_fitted` event — so processes sharing a database never serve a stale
 * course. Item statistics travel with the course (selection reads difficulties): a process keeps its own answers'
 * statistics current in the cached course, and reloads at least every `maxAgeMs` for other processes'.
 */
export class CourseCache<C> {
  private readonly entries = new Map<string, Entry<C>>();
  private readonly loading = new Map<string, Promise<Entry<C>>>();
  private readonly maxAgeMs: number;
  private readonly maxCourses: number;

  constructor(opts: CourseCacheOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? 30_000;
    this.maxCourses = opts.maxCourses ?? 200;
  }

  /**
   * The compiled course of `contextId` at `version` (from `versionOf`), compiled by `load` when the cached one is
   * older or missing; `load` returns the course and the version it was read at. Concurrent misses share one load.
   */
  async get(
    contextId: string,
    version: CourseVersion,
    now: number,
    load: () => Promise<{ course: C; version: CourseVersion }>,
  ): Promise<C> {
    const hit = this.entries.get(contextId);
    if (hit && sameVersion(hit.version, version) && now - hit.loadedAt < this.maxAgeMs) return hit.course;
    let pending = this.loading.get(contextId);
    if (!pending) {
      pending = load().then(
        (r) => {
          this.loading.delete(contextId);
          const entry = { ...r, loadedAt: now };
          this.entries.delete(contextId);
          this.entries.set(contextId, entry);
          if (this.entries.size > this.maxCourses) {
            const oldest = this.entries.keys().next().value;
            if (oldest !== undefined) this.entries.delete(oldest);
          }
          return entry;
        },
        (err: unknown) => {
          this.loading.delete(contextId);
          throw err;
        },
      );
      this.loading.set(contextId, pending);
    }
    const entry = await pending;
    // A load that started before the version moved: this request compiles the course it was asked for.
    return sameVersion(entry.version, version) ? entry.course : (await load()).course;
  }

  /** The cached compiled course of `contextId`, unchecked (the caller checks its version later), or undefined. */
  peek(contextId: string): C | undefined {
    return this.entries.get(contextId)?.course;
  }

  /** Forgets a context's compiled course (after this process changed its content). */
  invalidate(contextId: string): void {
    this.entries.delete(contextId);
  }
}

const sameVersion = (a: CourseVersion, b: CourseVersion) => a.contentVersion === b.contentVersion && a.courseVersion === b.courseVersion;
