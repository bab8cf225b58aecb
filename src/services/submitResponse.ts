import { itemFlags, newItemStats, type ItemStats } from '../domain/elo.js';
import { CheckExpired, Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import { checkAnswer, isGenericFeedback, type ItemResponse } from '../domain/items.js';
import { restoreState } from '../domain/learnerSnapshot.js';
import type { ObjectiveState } from '../domain/mastery.js';
import { advanceClock, applyEvent, assertCanAnswer, probeOf, type ObjectiveProgress } from '../domain/projection.js';
import { checkDeadline } from '../domain/release.js';
import { phaseOf, type SelectionPhase } from '../domain/selection.js';
import type { Clock } from './ports.js';
import type { CourseCache } from './courseCache.js';
import type { AfterMasteryChange, CourseRepo, EngineTx, LearnerProjection, LearnerStore } from './enginePorts.js';
import { assertCourseCurrent, StaleCourse, withCurrentCourse, type LoadedCourse } from './engineModel.js';
import { saveLearnerChange } from './saveLearnerChange.js';
import type { MessageOrText } from '../domain/message.js';
import { msg } from '../domain/message.js';
import { isConfidence } from './checkConfidence.js';
import type { Confidence } from './studentGoalPorts.js';

/** What submitResponse needs. `afterMasteryChange` runs inside the same transaction (the grade outbox hooks in here). */
export interface SubmitResponseDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
  afterMasteryChange?: AfterMasteryChange;
  /** Reuses compiled courses while their version holds (see CourseCache); without it every call reads the course. */
  courseCache?: CourseCache<LoadedCourse>;
}

/** One submitted answer; `attemptId` was issued with the item and makes the submission idempotent. */
export interface SubmitResponseInput {
  contextId: string;
  userId: string;
  itemId: string;
  attemptId: string;
  answer: ItemResponse;
  /** The student's launch session, checked with the learner's lock (SessionErased or SessionRequired when gone: EngineTx.lockLearner). */
  sessionId?: string;
}

/** A state change caused by the submission, with its explanation. */
export interface ChangeNote {
  objectiveId: string;
  objectiveTitle: string;
  kind: string;
  rule: string;
  message: MessageOrText;
}

/** What the student sees after submitting (stored with the event and returned again on a double submit). */
export interface SubmitResult {
  attemptId: string;
  itemId: string;
  objectiveId: string;
  objectiveTitle: string;
  phase: SelectionPhase;
  correct: boolean;
  /** The author's feedback for a right or wrong answer. */
  feedback: string;
  /** A more specific note from the checker (e.g. "Please enter a number"), or null. */
  detail: MessageOrText | null;
  hint: string | null;
  change: { pBefore: number; pAfter: number; stateBefore: ObjectiveState; stateAfter: ObjectiveState };
  /** The mastery check this answer belonged to, if any. */
  /** `extended`: the check grew by an item because P was still below θ at its planned end (ADR 0013). */
  /** `startedAt`: when the check began (epoch ms), what the student's confidence is kept by (ADR 0024). */
  check: { answered: number; length: number; correct: number; finished: boolean; passed: boolean | null; extended?: boolean; startedAt?: number } | null;
  /** Explanations produced (state changes, unlocks, enrichment). */
  notes: ChangeNote[];
  /** Objectives this answer unlocked. */
  unlocked: { objectiveId: string; title: string; message: MessageOrText }[];
  /** True when this attempt had been submitted before and nothing changed now. */
  replayed: boolean;
  /**
   * Not replayed, in a check: what the student had said they were sure of before this check (ADR 0024), read with the
   * learner's lock (absent: nothing said). Never in the log: it changes no decision.
   */
  confidence?: Confidence;
}

const fromOutcome = (outcome: unknown): SubmitResult => ({ ...(outcome as SubmitResult), replayed: true });

/**
 * Checks an answer server-side, appends the response to the event log and updates the learner's projection
 * with the domain's `applyEvent`, all in ONE transaction; `afterMasteryChange` runs inside it for every
 * objective whose state or P changed. Idempotent on `attemptId`: a second submission returns the first result
 * and changes nothing. Throws NotFound (unknown item), ObjectiveLocked, Conflict (attempt id reused for
 * another item/learner, or an item from the previous mastery check).
 */
export async function submitResponse(deps: SubmitResponseDeps, input: SubmitResponseInput): Promise<SubmitResult> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(input.attemptId)) throw new ValidationFailed('The attempt id is invalid.', [{ path: 'attemptId', message: 'invalid' }], msg('errors.badAnswer'));
  return withCurrentCourse(deps, input.contextId, (course, checked) => submitWith(deps, course, checked, input));
}

async function submitWith(deps: SubmitResponseDeps, course: LoadedCourse, checked: boolean, input: SubmitResponseInput): Promise<SubmitResult> {
  const stored = course.items.get(input.itemId);
  // An unchecked cached course may predate an import that added the item: check the version before refusing.
  if (!stored) throw checked ? new NotFound('This question') : new StaleCourse();
  const cfg = course.config;
  const { userId, contextId, attemptId } = input;
  const at = deps.clock.now();

  const replay = async (tx: EngineTx): Promise<SubmitResult | undefined> => {
    const seen = await tx.findEvent(attemptId);
    if (!seen) return undefined;
    // The late answer that ended a timed check (ADR 0023): refused again, nothing more changes.
    if (seen.type === 'check_expired' && seen.userId === userId && seen.objectiveId !== null) throw new CheckExpired(seen.objectiveId);
    if (seen.userId !== userId || seen.itemId !== input.itemId) throw new Conflict('This attempt was already used for another question.', msg('errors.attemptUsed'));
    return fromOutcome(seen.outcome);
  };

  let written: { stats: ItemStats; flags: string[] } | undefined;
  let expired: string | undefined;
  let said: LearnerProjection['latestConfidence'];
  const submitted = await deps.learners.inTransaction(async (tx): Promise<SubmitResult | undefined> => {
    written = undefined;
    expired = undefined;
    const learner = await tx.lockLearner(contextId, userId, at, { attemptId, itemIds: [stored.id], ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }) });
    said = learner.latestConfidence;
    // Under the learner's lock: a double submit (even one that committed while we waited) returns its first result.
    const seen = await replay(tx);
    if (seen) return seen;
    // A fit may have committed since the course was loaded: trace with the parameters in force now.
    assertCourseCurrent(course, learner);

    const lockedStats = await tx.lockItemStats([stored.id]);
    const stats = new Map<string, ItemStats>([[stored.id, lockedStats.get(stored.id) ?? newItemStats(cfg.items.get(stored.id)?.difficulty ?? 0)]]);
    const isNew = learner.events === 0 && learner.objectives.length === 0;
    const state = restoreState(cfg, userId, isNew ? undefined : learner, stats);

    // Release rules as of now (the event applies them too); refuse locked objectives and reused check items.
    const probe = probeOf(state, userId);
    advanceClock(probe, userId, at, cfg);
    assertCanAnswer(probe, userId, stored.objectiveId, cfg);
    const probeProg = probe.students.get(userId)?.objectives[stored.objectiveId];
    if (probeProg?.state === 'checking' && (probeProg.previousCheckItemIds.includes(stored.id) || probeProg.check?.itemIds.includes(stored.id))) {
      throw new Conflict('This question was already used in a mastery check. Please load the next question.', msg('errors.checkItemUsed'));
    }
    // A timed check past its deadline (ADR 0023): the answer is not counted; the check ends, failed, in the log.
    const deadline = probeProg?.state === 'checking' ? checkDeadline(probeProg.check?.startedAt, course.snapshot.settings.checkTimeLimitMinutes, probe.students.get(userId)?.accommodations) : null;
    if (deadline !== null && at > deadline) {
      const before = new Map(Object.entries(state.students.get(userId)?.objectives ?? {}).map(([id, p]) => [id, structuredClone(p)]));
      const explanations = applyEvent(state, { type: 'check_expired', id: attemptId, studentId: userId, objectiveId: stored.objectiveId, at }, cfg);
      const student = state.students.get(userId);
      if (!student) throw new Error('the projection lost the learner');
      await tx.appendEvent({ attemptId, contextId, userId, objectiveId: stored.objectiveId, type: 'check_expired', itemId: stored.id, correct: null, answer: input.answer, phase: 'check', occurredAt: at, outcome: { deadline } });
      await saveLearnerChange(tx, course, deps.afterMasteryChange, { contextId, userId, learner, isNew, student, before, explanations, eventId: attemptId, at });
      expired = stored.objectiveId;
      return undefined;
    }

    const before = new Map<string, ObjectiveProgress>();
    for (const [id, p] of Object.entries(state.students.get(userId)?.objectives ?? probe.students.get(userId)?.objectives ?? {})) {
      before.set(id, structuredClone(p));
    }
    const phase = phaseOf(before.get(stored.objectiveId), at);
    const checked = checkAnswer(stored.item, input.answer);
    const explanations = applyEvent(state, { type: 'response', id: attemptId, studentId: userId, itemId: stored.id, correct: checked.correct, at }, cfg);
    const student = state.students.get(userId);
    if (!student) throw new Error('the projection lost the learner');
    const primaryBefore = before.get(stored.objectiveId);
    const primary = student.objectives[stored.objectiveId] as ObjectiveProgress;

    const titleOf = (id: string) => course.objectives.get(id)?.title ?? id;
    const checkOf = (): SubmitResult['check'] => {
      if (phase !== 'check') return null;
      if (primary.check) {
        const length = primary.check.length ?? cfg.policy.checkLength;
        const startedAt = primary.check.startedAt;
        return { answered: primary.check.itemIds.length, length, correct: primary.check.correct, finished: false, passed: null, extended: length > cfg.policy.checkLength, ...(startedAt !== undefined ? { startedAt } : {}) };
      }
      const done = explanations.find((e) => e.objectiveId === stored.objectiveId && (e.kind === 'mastered' || e.kind === 'reteaching' || e.kind === 'stuck'));
      const ev = done?.evidence;
      const startedAt = primaryBefore?.check?.startedAt;
      return {
        ...(startedAt !== undefined ? { startedAt } : {}),
        answered: ev?.checkLength ?? cfg.policy.checkLength,
        length: ev?.checkLength ?? cfg.policy.checkLength,
        correct: ev?.checkCorrect ?? 0,
        finished: true,
        passed: done?.kind === 'mastered',
      };
    };
    const result: SubmitResult = {
      attemptId,
      itemId: stored.id,
      objectiveId: stored.objectiveId,
      objectiveTitle: titleOf(stored.objectiveId),
      phase,
      correct: checked.correct,
      feedback: checked.correct ? stored.feedback.correct : stored.feedback.incorrect,
      detail: isGenericFeedback(checked.feedback) ? null : checked.feedback,
      hint: checked.correct ? null : stored.hint,
      change: {
        pBefore: primaryBefore?.p ?? primary.p,
        pAfter: primary.p,
        stateBefore: primaryBefore?.state ?? 'locked',
        stateAfter: primary.state,
      },
      check: checkOf(),
      notes: explanations.map((e) => ({ objectiveId: e.objectiveId, objectiveTitle: titleOf(e.objectiveId), kind: e.kind, rule: e.rule, message: e.message })),
      unlocked: explanations
        .filter((e) => e.kind === 'unlocked' && e.objectiveId !== stored.objectiveId && before.get(e.objectiveId)?.state === 'locked')
        .map((e) => ({ objectiveId: e.objectiveId, title: titleOf(e.objectiveId), message: e.message })),
      replayed: false,
    };

    await tx.appendEvent({
      attemptId,
      contextId,
      userId,
      objectiveId: stored.objectiveId,
      type: 'response',
      itemId: stored.id,
      correct: checked.correct,
      answer: input.answer,
      phase,
      occurredAt: at,
      outcome: { ...result, replayed: undefined },
    });
    const newStats = state.items.get(stored.id) as ItemStats;
    const flags = itemFlags(newStats, cfg.elo);
    await tx.saveItemStats(stored.id, newStats, flags, at);
    await saveLearnerChange(tx, course, deps.afterMasteryChange, { contextId, userId, learner, isNew, student, before, explanations, eventId: attemptId, at });
    written = { stats: newStats, flags };
    return result;
  });
  // Committed: the (possibly cached) course selects the next items with this item's new difficulty.
  if (written) course.stats.set(stored.id, { ...written.stats, itemId: stored.id, flags: written.flags });
  if (expired !== undefined || !submitted) throw new CheckExpired(expired ?? stored.objectiveId);
  const startedAt = submitted.check?.startedAt;
  const confidence = !submitted.replayed && startedAt !== undefined ? said?.get(stored.objectiveId) : undefined;
  return confidence && confidence.checkStartedAt === startedAt && isConfidence(confidence.confidence) ? { ...submitted, confidence: confidence.confidence } : submitted;
}
