import { z } from 'zod';
import { itemFlags } from '../domain/elo.js';
import { applyEvent, emptyState, type EngineEvent } from '../domain/projection.js';
import type { Clock } from './ports.js';
import type { CourseRepo, LearnerStore, LoggedEvent } from './enginePorts.js';
import { loadCourse } from './engineModel.js';

/** What recomputeMastery needs. */
export interface RecomputeMasteryDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
}

/** What a recompute did. */
export interface RecomputeSummary {
  contextId: string;
  events: number;
  learners: number;
  explanations: number;
  millis: number;
}

const PAGE = 5000;

const AccommodationsPayload = z.object({
  thresholdOffset: z.number().optional(),
  extraCycles: z.number().optional(),
  extraOpportunities: z.number().optional(),
  timeMultiplier: z.number().optional(),
});
const ParamsPayload = z.object({ prior: z.number(), learn: z.number(), guess: z.number(), slip: z.number(), forget: z.number() });
/** The course-level learner model (ADR 0028) as the fit service logs it. */
const ModelPayload = z.object({
  objectives: z.record(z.string(), ParamsPayload),
  items: z.record(z.string(), z.object({ guess: z.number(), slip: z.number() })),
  coef: z.object({ prior: z.number(), learn: z.number(), guess: z.number(), slip: z.number() }),
  reteach: z.number(),
  forgetPerDay: z.number(),
});

/** The domain event of a log row (null for rows the domain does not know or that lack what their type needs). */
export function toEngineEvent(e: LoggedEvent): EngineEvent | null {
  const { userId, objectiveId } = e;
  switch (e.type) {
    case 'params_fitted': {
      const params = ParamsPayload.safeParse(e.outcome);
      return objectiveId === null || !params.success ? null : { type: 'params_fitted', id: e.attemptId, objectiveId, params: params.data, at: e.occurredAt };
    }
    case 'model_fitted': {
      const model = ModelPayload.safeParse(e.outcome);
      return model.success ? { type: 'model_fitted', id: e.attemptId, model: model.data, at: e.occurredAt } : null;
    }
    case 'accommodations_set': {
      const acc = AccommodationsPayload.safeParse(e.outcome);
      return userId === null || !acc.success ? null : { type: 'accommodations_set', id: e.attemptId, studentId: userId, accommodations: acc.data, at: e.occurredAt };
    }
    default:
      break;
  }
  if (userId === null || objectiveId === null) return null;
  switch (e.type) {
    case 'response':
      return e.itemId === null ? null : { type: 'response', id: e.attemptId, studentId: userId, itemId: e.itemId, correct: e.correct === true, at: e.occurredAt };
    case 'evidence':
      return e.correct === null ? null : { type: 'evidence', id: e.attemptId, studentId: userId, objectiveId, correct: e.correct, at: e.occurredAt };
    case 'unlock_override':
    case 'grade_locked':
    case 'reset':
    case 'check_expired':
      return { type: e.type, id: e.attemptId, studentId: userId, objectiveId, at: e.occurredAt };
  }
}

/**
 * Rebuilds a context's mastery projection from its event log, deterministically (the log's append order,
 * starting from the course file's BKT parameters and no accommodations; `params_fitted` and
 * `accommodations_set` events change them at their place in the log), and replaces the stored projection
 * (accommodations included) in one transaction.
 * The result equals what the incremental updates of submitResponse produced (`npm run recompute`).
 */
export async function recomputeMastery(deps: RecomputeMasteryDeps, input: { contextId: string }): Promise<RecomputeSummary> {
  const started = deps.clock.now();
  const course = await loadCourse(deps, input.contextId);
  const config = course.replayConfig();
  // An answer re-graded under a changed key (ADR 0016) counts with its new result from its own place in the log.
  const corrections = await deps.courses.answerCorrections(input.contextId);
  let events = 0;
  const state = await deps.learners.rebuildProjection(
    input.contextId,
    async (readPage) => {
      const folded = emptyState();
      for (let after = 0; ; ) {
        const page = await readPage(after, PAGE);
        for (const row of page) {
          const corrected = corrections.get(row.attemptId);
          const e = toEngineEvent(corrected === undefined ? row : { ...row, correct: corrected });
          if (e) applyEvent(folded, e, config);
          events++;
        }
        if (page.length < PAGE) return folded;
        after = (page[page.length - 1] as LoggedEvent).logId;
      }
    },
    [...course.items.keys()],
    (s) => itemFlags(s, course.config.elo),
    () => deps.clock.now(),
  );
  const at = deps.clock.now();
  return { contextId: input.contextId, events, learners: state.students.size, explanations: state.explanations.length, millis: at - started };
}
