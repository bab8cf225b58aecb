/**
 * Background EM fitting of BKT parameters per objective, so the model follows how students really learn. When an objective has enough data
 * (`shouldFit`: by default ≥ 100 students with ≥ 5 responses), its parameters are fitted from the response log
 * with the domain's seeded `fitBkt` and stored as the objective's parameters (bkt_fitted), together with a
 * course-wide `params_fitted` event in the log (one transaction).
 *
 * What changes: new responses are traced with the fitted parameters from then on; every learner's current
 * P(mastery) and state are left as they are (history is not rewritten). A later `recomputeMastery` replays the
 * event at its place in the log, so it reproduces exactly that: earlier events with the earlier parameters.
 * An objective is refitted only when it has responses newer than its last fit or refused fit. A refused fit
 * (ADR 0010) keeps the parameters and is recorded with its reason for the instructor dashboard (ADR 0013).
 *
 * When a run fits an objective, the course-level learner model (ADR 0027) is fitted too, over every fitted objective
 * of the context, and stored with a course-wide `model_fitted` event; from then on the projection traces the
 * course's learners with it (ADR 0028).
 *
 * The fits themselves are pure CPU (seconds to a minute for a large course): `compute` runs them, on a worker thread
 * where the composition root wires src/jobs/fitThread.ts, so a web process running the schedule keeps answering.
 */
import { clampBktParams, type BktParams } from '../domain/bkt.js';
import type { ObjectiveResponseKind } from '../domain/bkt.js';
import { DEFAULT_FIT_RULE, fitObjective, shouldFit, type FitOptions, type FitRefusal, type FitRule, type ObjectiveFit, type ResponseSequence } from '../domain/fitBkt.js';
import { courseModelToJson, fitCourseModel, type CourseModelJson, type CourseSequence } from '../domain/fitItems.js';
import { deriveSeed } from '../domain/random.js';
import type { Clock } from './ports.js';
import type { FitCandidate, FitStore } from './instructorPorts.js';

/** The fits, pure functions of their inputs (structured-cloneable both ways, so they can run on another thread). */
export interface FitComputations {
  fitObjective(seqs: readonly ResponseSequence[], opts: Omit<FitOptions, 'fitForget'>): Promise<ObjectiveFit>;
  fitCourseModel(learners: readonly CourseSequence[], objectives: ReadonlyMap<string, { params: BktParams; kind: ObjectiveResponseKind }>): Promise<CourseModelJson>;
}

/** The fits on the calling thread (tests, CLIs; a worker thread runs these same functions). */
export const inThreadFits: FitComputations = {
  fitObjective: async (seqs, opts) => fitObjective(seqs, opts),
  fitCourseModel: async (learners, objectives) => courseModelToJson(fitCourseModel(learners, objectives).model),
};

/** What fitting needs. */
export interface FitObjectiveParamsDeps {
  fits: FitStore;
  clock: Clock;
  /** Where the fits run (default: this thread). */
  compute?: FitComputations;
  /** Seed of the EM restarts (default 4242): the same log gives the same parameters. */
  seed?: number;
  rule?: FitRule;
}

/** What happened to one objective. */
export type FitOutcome =
  | { objectiveId: string; contextId: string; status: 'fitted'; params: BktParams; students: number; responses: number; logLikelihood: number }
  | { objectiveId: string; contextId: string; status: 'not_enough_data'; students: number }
  /** The fit is degenerate (ADR 0010): the objective keeps its parameters; `reason` is shown to the instructor. */
  | { objectiveId: string; contextId: string; status: 'refused'; code: FitRefusal; reason: string; students: number }
  | { objectiveId: string; contextId: string; status: 'up_to_date' };

/** A course-level learner model fitted in a run (ADR 0028). */
export interface CourseModelOutcome {
  contextId: string;
  /** Fitted objectives it covers. */
  objectives: number;
  learners: number;
  /** Items with their own guess/slip (enough responses). */
  items: number;
}

/** A fitting run's report. */
export interface FitReport {
  fitted: number;
  outcomes: FitOutcome[];
  courseModels: CourseModelOutcome[];
  millis: number;
}

/** A stable 32-bit number for a string (FNV-1a), so each objective gets its own restart seeds. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Fits every objective of one context (or of every context with responses) that has enough new data. */
export async function fitObjectiveParams(deps: FitObjectiveParamsDeps, input: { contextId?: string } = {}): Promise<FitReport> {
  const started = deps.clock.now();
  const rule = deps.rule ?? DEFAULT_FIT_RULE;
  const contexts = input.contextId ? [input.contextId] : await deps.fits.contextsWithResponses();
  const outcomes: FitOutcome[] = [];
  const courseModels: CourseModelOutcome[] = [];
  for (const contextId of contexts) {
    const candidates = await deps.fits.fitCandidates(contextId);
    const fittedNow = new Map<string, BktParams>();
    for (const c of candidates) {
      const base = { objectiveId: c.objectiveId, contextId };
      if (!shouldFit(c.sequenceLengths, rule)) {
        outcomes.push({ ...base, status: 'not_enough_data', students: c.sequenceLengths.filter((n) => n >= rule.minResponses).length });
        continue;
      }
      const lastLook = Math.max(c.fittedAt ?? -Infinity, c.refusedAt ?? -Infinity);
      if (lastLook > -Infinity && (c.lastResponseAt === null || c.lastResponseAt <= lastLook)) {
        outcomes.push({ ...base, status: 'up_to_date' });
        continue;
      }
      const seqs = await deps.fits.responseSequences(c.objectiveId);
      const result = await (deps.compute ?? inThreadFits).fitObjective(seqs, { kind: c.responseKind, seed: deriveSeed(deps.seed ?? 4242, hash32(c.objectiveId)) });
      if (result.status === 'refused') {
        await deps.fits.saveFitRefusal(c.objectiveId, result.code, deps.clock.now());
        outcomes.push({ ...base, status: 'refused', code: result.code, reason: result.reason, students: seqs.length });
        continue;
      }
      const fit = result.fit;
      const params = clampBktParams(result.params, c.responseKind);
      const at = deps.clock.now();
      await deps.fits.saveFittedParams(contextId, c.objectiveId, params, at);
      fittedNow.set(c.objectiveId, params);
      outcomes.push({ ...base, status: 'fitted', params, students: seqs.length, responses: fit.responses, logLikelihood: fit.logLikelihood });
    }
    if (fittedNow.size) {
      const model = await fitContextModel(deps, contextId, candidates, fittedNow);
      if (model) courseModels.push(model);
    }
  }
  return { fitted: outcomes.filter((o) => o.status === 'fitted').length, outcomes, courseModels, millis: deps.clock.now() - started };
}

/** Items with fewer responses keep their objective's guess/slip (as in fitItemEmissions). */
const MIN_ITEM_RESPONSES = 30;

/**
 * The course-level learner model over the context's fitted objectives (ADR 0027), from every learner's course
 * sequence, starting from each objective's BKT fit; stored with its `model_fitted` event. Deterministic.
 */
async function fitContextModel(deps: FitObjectiveParamsDeps, contextId: string, candidates: readonly FitCandidate[], fittedNow: ReadonlyMap<string, BktParams>): Promise<CourseModelOutcome | null> {
  const objectives = new Map(
    candidates
      .filter((c) => fittedNow.has(c.objectiveId) || c.fittedAt !== null)
      .map((c) => [c.objectiveId, { params: fittedNow.get(c.objectiveId) ?? c.params, kind: c.responseKind }] as const),
  );
  const learners = (await deps.fits.courseSequences(contextId)).map((s) => s.filter((r) => objectives.has(r.objectiveId))).filter((s) => s.length > 0);
  if (!learners.length) return null;
  const model = await (deps.compute ?? inThreadFits).fitCourseModel(learners, objectives);
  await deps.fits.saveCourseModel(contextId, model, deps.clock.now());
  const counts = new Map<string, number>();
  for (const s of learners) for (const r of s) counts.set(r.itemId, (counts.get(r.itemId) ?? 0) + 1);
  return { contextId, objectives: objectives.size, learners: learners.length, items: [...counts.values()].filter((n) => n >= MIN_ITEM_RESPONSES).length };
}
