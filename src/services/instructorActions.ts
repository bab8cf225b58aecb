/**
 * What an instructor may do for one student: set accommodations, unlock an objective by override, and reset a
 * stuck ("not mastered") objective. All three are events of the append-only log, applied with the
 * domain's `applyEvent` in ONE transaction with the projection update and the `afterMasteryChange` hook (the
 * grade outbox), exactly as a submitted answer is, so `recomputeMastery` reproduces them.
 */
import { z } from 'zod';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import type { ObjectiveState } from '../domain/mastery.js';
import { advanceClock, applyEvent, probeOf, type ObjectiveProgress } from '../domain/projection.js';
import { restoreState } from '../domain/learnerSnapshot.js';
import type { Accommodations } from '../domain/release.js';
import type { Clock } from './ports.js';
import type { AfterMasteryChange, CourseRepo, EngineTx, IdGenerator, LearnerStore } from './enginePorts.js';
import { assertCourseCurrent, loadCourse, withCurrentCourse } from './engineModel.js';
import { saveLearnerChange } from './saveLearnerChange.js';
import { findStudent, type RoleClassifier } from './instructorDashboard.js';
import type { InstructorStore } from './instructorPorts.js';
import type { MessageOrText } from '../domain/message.js';
import { msg } from '../domain/message.js';
import type { AuditLog } from './privacyPorts.js';

/** What the instructor actions need. */
export interface InstructorActionDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  instructor: InstructorStore;
  clock: Clock;
  ids: IdGenerator;
  classifyRoles: RoleClassifier;
  /** Runs inside the action's transaction for every mastery change (the grade outbox). */
  afterMasteryChange?: AfterMasteryChange;
  /** Records who did what (docs/decisions/0019-privacy-audit-erasure.md). */
  audit?: AuditLog;
}

/**
 * Accommodations an instructor may set: θ offset −0.10…0, extra check cycles 0…3, extra tries 0…10,
 * time multiplier 1…3. Form values arrive as strings, so numbers are coerced.
 */
export const AccommodationsInput = z.object({
  thresholdOffset: z.coerce
    .number({ error: 'Enter the threshold offset as a number, e.g. -0.05.' })
    .min(-0.1, { error: 'The threshold offset must be between -0.10 and 0.' })
    .max(0, { error: 'The threshold offset must be between -0.10 and 0.' }),
  extraCycles: z.coerce
    .number({ error: 'Enter the extra check cycles as a whole number.' })
    .int({ error: 'Extra check cycles must be a whole number from 0 to 3.' })
    .min(0, { error: 'Extra check cycles must be a whole number from 0 to 3.' })
    .max(3, { error: 'Extra check cycles must be a whole number from 0 to 3.' }),
  extraOpportunities: z.coerce
    .number({ error: 'Enter the extra tries as a whole number.' })
    .int({ error: 'Extra tries must be a whole number from 0 to 10.' })
    .min(0, { error: 'Extra tries must be a whole number from 0 to 10.' })
    .max(10, { error: 'Extra tries must be a whole number from 0 to 10.' })
    .default(0),
  timeMultiplier: z.coerce
    .number({ error: 'Enter the time multiplier as a number, e.g. 1.5.' })
    .min(1, { error: 'The time multiplier must be between 1 and 3.' })
    .max(3, { error: 'The time multiplier must be between 1 and 3.' }),
});
export type AccommodationsInput = z.infer<typeof AccommodationsInput>;

/** Parses accommodations, or throws ValidationFailed (ERR_VALIDATION) with one plain message per field. */
export function parseAccommodations(raw: unknown): Required<Accommodations> {
  const parsed = AccommodationsInput.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationFailed(
      'Some accommodations are out of range.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, said: msg(`errors.accommodations.${String(i.path[0])}${i.code === 'invalid_type' ? 'Number' : ''}`) })),
      msg('errors.accommodations.invalid'),
    );
  }
  return parsed.data;
}

/**
 * Sets a student's accommodations: an `accommodations_set` event of the log, applied with the domain's
 * `applyEvent` in ONE transaction with the accommodations read model and the projection update, like an
 * override. They apply from the student's next answer (nothing already decided is revisited), and
 * `recomputeMastery` replays them at their place in the log.
 */
export async function setAccommodations(
  deps: InstructorActionDeps,
  input: { contextId: string; userId: string; accommodations: unknown; actorUserId?: string },
): Promise<Required<Accommodations>> {
  const acc = parseAccommodations(input.accommodations);
  await findStudent(deps, input.contextId, input.userId);
  await appendInstructorEvent(deps, { contextId: input.contextId, userId: input.userId, actorUserId: input.actorUserId ?? null }, { type: 'accommodations_set', accommodations: acc });
  await deps.audit?.record(
    { action: 'accommodations_set', actor: input.actorUserId ? { kind: 'instructor', userId: input.actorUserId } : { kind: 'system' }, contextId: input.contextId, subjectUserId: input.userId, details: { ...acc } },
    deps.clock.now(),
  );
  return acc;
}

/** What an override or reset did. */
export interface InstructorActionResult {
  eventId: string;
  objectiveId: string;
  objectiveTitle: string;
  stateBefore: ObjectiveState;
  stateAfter: ObjectiveState;
  /** The explanations the event produced (e.g. "… was unlocked by your instructor."). */
  messages: MessageOrText[];
}

type InstructorEvent = { type: 'unlock_override' | 'reset'; objectiveId: string } | { type: 'accommodations_set'; accommodations: Required<Accommodations> };

/** What appending an instructor event did (before/after of the objective it names, if any). */
interface Appended {
  eventId: string;
  stateBefore: ObjectiveState | null;
  stateAfter: ObjectiveState | null;
  messages: MessageOrText[];
}

/**
 * Appends one instructor event for a student and applies it to their projection in ONE transaction, with the
 * outbox hook for every changed objective. Checks that an override or reset makes sense as of now.
 */
function appendInstructorEvent(
  deps: InstructorActionDeps,
  input: { contextId: string; userId: string; actorUserId: string | null },
  action: InstructorEvent,
): Promise<Appended> {
  const { contextId, userId } = input;
  const eventId = deps.ids.newId();
  return withCurrentCourse(deps, contextId, (course) => {
    const cfg = course.config;
    const objectiveId = action.type === 'accommodations_set' ? null : action.objectiveId;
    const title = objectiveId === null ? '' : (course.objectives.get(objectiveId)?.title ?? objectiveId);
    const at = deps.clock.now();
    return deps.learners.inTransaction(async (tx: EngineTx) => {
      const learner = await tx.lockLearner(contextId, userId, at);
      assertCourseCurrent(course, learner);
      const isNew = learner.events === 0 && learner.objectives.length === 0;
      const state = restoreState(cfg, userId, isNew ? undefined : learner, new Map());
      // The state as of now (release dates applied), to check the action makes sense and to report changes.
      const probe = probeOf(state, userId);
      advanceClock(probe, userId, at, cfg);
      const current = objectiveId === null ? undefined : (probe.students.get(userId)?.objectives[objectiveId] as ObjectiveProgress);
      if (action.type === 'unlock_override' && current?.state !== 'locked') throw new Conflict(`${title} is already unlocked for this student.`, msg('errors.alreadyUnlocked', { title }));
      if (action.type === 'reset' && current?.state !== 'not_mastered') throw new Conflict(`${title} is not stuck for this student, so there is nothing to reset.`, msg('errors.nothingToReset', { title }));

      const before = new Map<string, ObjectiveProgress>();
      for (const [id, p] of Object.entries(state.students.get(userId)?.objectives ?? probe.students.get(userId)?.objectives ?? {})) before.set(id, structuredClone(p));
      const explanations =
        action.type === 'accommodations_set'
          ? applyEvent(state, { type: 'accommodations_set', id: eventId, studentId: userId, accommodations: action.accommodations, at }, cfg)
          : applyEvent(state, { type: action.type, id: eventId, studentId: userId, objectiveId: action.objectiveId, at }, cfg);
      const student = state.students.get(userId);
      if (!student) throw new Error('the projection lost the learner');

      await tx.appendEvent({
        attemptId: eventId,
        contextId,
        userId,
        objectiveId,
        type: action.type,
        itemId: null,
        correct: null,
        // Who did it, for audits (the projection ignores it).
        answer: action.type === 'accommodations_set' && input.actorUserId !== null ? { by: input.actorUserId } : null,
        phase: null,
        occurredAt: at,
        // The event's payload: the accommodations set (replayed by recomputeMastery).
        outcome: action.type === 'accommodations_set' ? action.accommodations : { by: input.actorUserId },
      });
      if (action.type === 'accommodations_set') await tx.saveAccommodations(contextId, userId, action.accommodations, at);
      await saveLearnerChange(tx, course, deps.afterMasteryChange, { contextId, userId, learner, isNew, student, before, explanations, eventId, at });
      const after = objectiveId === null ? undefined : student.objectives[objectiveId];
      return { eventId, stateBefore: current?.state ?? null, stateAfter: after?.state ?? null, messages: explanations.map((e) => e.message) };
    });
  });
}

async function applyObjectiveAction(
  deps: InstructorActionDeps,
  input: { contextId: string; userId: string; objectiveId: string; actorUserId: string },
  type: 'unlock_override' | 'reset',
): Promise<InstructorActionResult> {
  const course = await loadCourse(deps, input.contextId);
  const objective = course.objectives.get(input.objectiveId);
  if (!objective) throw new NotFound('This objective');
  await findStudent(deps, input.contextId, input.userId);
  const done = await appendInstructorEvent(deps, input, { type, objectiveId: input.objectiveId });
  await deps.audit?.record(
    {
      action: type === 'reset' ? 'objective_reset' : 'objective_unlocked',
      actor: { kind: 'instructor', userId: input.actorUserId },
      contextId: input.contextId,
      subjectUserId: input.userId,
      details: { objectiveId: input.objectiveId, objective: objective.title },
    },
    deps.clock.now(),
  );
  return {
    eventId: done.eventId,
    objectiveId: input.objectiveId,
    objectiveTitle: objective.title,
    stateBefore: done.stateBefore as ObjectiveState,
    stateAfter: done.stateAfter as ObjectiveState,
    messages: done.messages,
  };
}

/** Unlocks a locked objective for one student (an `unlock_override` event). Throws Conflict when it is not locked. */
export function unlockObjective(deps: InstructorActionDeps, input: { contextId: string; userId: string; objectiveId: string; actorUserId: string }): Promise<InstructorActionResult> {
  return applyObjectiveAction(deps, input, 'unlock_override');
}

/** Resets a stuck ("not mastered") objective so the student can try again (a `reset` event). Throws Conflict otherwise. */
export function resetObjective(deps: InstructorActionDeps, input: { contextId: string; userId: string; objectiveId: string; actorUserId: string }): Promise<InstructorActionResult> {
  return applyObjectiveAction(deps, input, 'reset');
}
