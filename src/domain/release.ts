/**
 * Release rules: when an objective unlocks for a student, when a weak prerequisite opens a remedial
 * path, and per-student accommodations. Time is passed in (`now`, epoch ms), never read.
 */
import type { ObjectiveState } from './mastery.js';
import type { Objective } from './objectives.js';

/** Per-student accommodations (e.g. from an IEP/504 plan). */
export interface Accommodations {
  /** Added to θ (e.g. −0.05); the result is clamped to 0.80–0.99. */
  readonly thresholdOffset?: number;
  /** Extra failed checks allowed before "stuck". */
  readonly extraCycles?: number;
  /** Extra responses allowed before "stuck". */
  readonly extraOpportunities?: number;
  /** Multiplies time limits (e.g. 1.5 for time and a half). */
  readonly timeMultiplier?: number;
}

/** A time limit after the student's time multiplier (seconds in, seconds out, rounded up). */
export function effectiveTimeLimit(seconds: number, acc?: Accommodations): number {
  return Math.ceil(seconds * Math.max(1, acc?.timeMultiplier ?? 1));
}

/**
 * When a timed mastery check ends (ADR 0023): its start plus the course's limit stretched by the student's time
 * multiplier; epoch ms. `null` when the course sets no limit or the check carries no start (begun before limits).
 */
export function checkDeadline(startedAt: number | undefined, limitMinutes: number | null | undefined, acc?: Accommodations | null): number | null {
  if (startedAt === undefined || !limitMinutes || limitMinutes <= 0) return null;
  return startedAt + effectiveTimeLimit(limitMinutes * 60, acc ?? undefined) * 1000;
}

/** Why an objective is released. */
export type ReleaseRule = 'no_prerequisites' | 'prerequisites_mastered' | 'instructor_override' | 'release_date';

/** What release needs to know about one student. */
export interface ReleaseContext {
  /** State of each objective for this student. */
  readonly stateOf: (objectiveId: string) => ObjectiveState;
  /** Objectives an instructor unlocked for this student. */
  readonly overrides: ReadonlySet<string>;
  /** Release dates (epoch ms) by objective id. */
  readonly releaseDates: Readonly<Record<string, number>>;
  readonly now: number;
  /** When true (default), "not mastered" after the cap lets the student move on to dependents. */
  readonly moveOnCountsAsMet?: boolean;
}

/** True when a prerequisite in `state` no longer blocks its dependents. */
export function prerequisiteMet(state: ObjectiveState, moveOnCountsAsMet = true): boolean {
  return state === 'mastered' || (moveOnCountsAsMet && state === 'not_mastered');
}

/**
 * Decides whether a locked objective unlocks now, and by which rule (checked in this order:
 * instructor override, prerequisites, release date). Returns null while it stays locked.
 */
export function releaseDecision(objective: Objective, ctx: ReleaseContext): { rule: ReleaseRule; prerequisites: string[] } | null {
  if (ctx.overrides.has(objective.id)) return { rule: 'instructor_override', prerequisites: [] };
  const moveOn = ctx.moveOnCountsAsMet ?? true;
  if (objective.prerequisites.length === 0) return { rule: 'no_prerequisites', prerequisites: [] };
  if (objective.prerequisites.every((p) => prerequisiteMet(ctx.stateOf(p), moveOn))) {
    return { rule: 'prerequisites_mastered', prerequisites: [...objective.prerequisites] };
  }
  const date = ctx.releaseDates[objective.id];
  if (date !== undefined && ctx.now >= date) return { rule: 'release_date', prerequisites: [] };
  return null;
}

/** Prerequisites of `objective` that need review (a weak prerequisite found later): the remedial path. */
export function weakPrerequisites(objective: Objective, stateOf: (id: string) => ObjectiveState): string[] {
  return objective.prerequisites.filter((p) => stateOf(p) === 'needs_review');
}
