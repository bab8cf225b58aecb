/**
 * LMS grades as evidence (ADR 0004): an instructor maps an LMS column (a quiz or assignment line item, read
 * through AGS) to an objective; importing reads its results and appends one `evidence` event per new or changed
 * result to the engine's log, so the learner model — and a recompute from the log — includes it.
 *
 * @see https://www.imsglobal.org/spec/lti-ags/v2p0#result-service
 */
import { createHash } from 'node:crypto';
import { AppError, NotFound, ValidationFailed } from '../domain/errors.js';
import { restoreState } from '../domain/learnerSnapshot.js';
import { applyEvent, type ObjectiveProgress } from '../domain/projection.js';
import { assertCourseCurrent, loadCourse, StaleCourse, type LoadedCourse } from './engineModel.js';
import { saveLearnerChange } from './saveLearnerChange.js';
import type { AfterMasteryChange, CourseRepo, LearnerStore } from './enginePorts.js';
import type { EvidenceMap, LmsEvidenceRepo } from './lmsEvidencePorts.js';
import type { Clock } from './ports.js';
import type { AgsResult, LineItem, LtiServices, ServiceContextRepo } from './servicePorts.js';
import { msg, type Message, type MessageOrText } from '../domain/message.js';

/** The default rule: 80 % of the column's points or more is a correct observation. */
export const DEFAULT_EVIDENCE_THRESHOLD = 0.8;

/** What the LMS-evidence use-cases need. */
export interface LmsEvidenceDeps {
  evidence: LmsEvidenceRepo;
  contexts: ServiceContextRepo;
  lti: Pick<LtiServices, 'listLineItems' | 'listResults'>;
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
  /** The grade outbox hook: runs inside the evidence transaction for every mastery change, as for responses. */
  afterMasteryChange?: AfterMasteryChange;
}

/** An LMS column as the mapping page shows it. */
export interface LmsColumn {
  lineItemUrl: string;
  label: string;
  scoreMaximum: number;
  /** The mapping, when the column feeds an objective. */
  map: { objectiveId: string; objectiveTitle: string; threshold: number } | null;
}

/** The mapping page's data. */
export interface EvidencePage {
  /** Columns the LMS lists (Masterly's own grade columns left out); null when the LMS could not be asked. */
  columns: LmsColumn[] | null;
  /** Why `columns` is null, in plain words. */
  unavailable: Message | null;
  /** Mappings whose column the LMS no longer lists (or could not be listed). */
  orphans: EvidenceMap[];
  objectives: { id: string; title: string }[];
}

/** What one import did. */
export interface EvidenceImportReport {
  columns: number;
  results: number;
  /** Evidence events appended. */
  added: number;
  /** Results already fed with the same score. */
  unchanged: number;
  /** Results not graded yet (no score). */
  ungraded: number;
  /** Results of people who never opened Masterly (fed once they launch). */
  waiting: number;
  /** Columns that could not be read (LMS refused or unreachable); the rest were imported. */
  failedColumns: { lineItemUrl: string; label: string; error: MessageOrText }[];
}

const isOurs = (li: LineItem): boolean => (li.resourceId ?? '').startsWith('masterly:') || (li.tag ?? '').startsWith('masterly-');

async function agsOf(deps: LmsEvidenceDeps, contextId: string) {
  const ctx = await deps.contexts.get(contextId);
  if (!ctx?.ags?.lineitems) return undefined;
  return { target: ctx.target, lineitems: ctx.ags.lineitems };
}

/** The LMS's columns with their mappings, and the course's objectives (for the mapping form). */
export async function listEvidenceColumns(deps: LmsEvidenceDeps, input: { contextId: string }): Promise<EvidencePage> {
  const snap = await deps.courses.snapshot(input.contextId);
  const objectives = (snap?.objectives ?? []).map((o) => ({ id: o.id, title: o.title }));
  const titleOf = new Map(objectives.map((o) => [o.id, o.title]));
  const maps = await deps.evidence.listMaps(input.contextId);
  const ags = await agsOf(deps, input.contextId);
  if (!ags) return { columns: null, unavailable: msg('instructor.evidence.noGradebook'), orphans: maps, objectives };
  let items: LineItem[];
  try {
    items = await deps.lti.listLineItems(ags.target, ags.lineitems, {});
  } catch (err) {
    if (err instanceof AppError) return { columns: null, unavailable: msg('instructor.evidence.listFailed', { error: err.said ?? err.message }), orphans: maps, objectives };
    throw err;
  }
  const byUrl = new Map(maps.map((m) => [m.lineItemUrl, m]));
  const columns = items
    .filter((li) => !isOurs(li))
    .map((li): LmsColumn => {
      const m = byUrl.get(li.id);
      return {
        lineItemUrl: li.id,
        label: li.label,
        scoreMaximum: li.scoreMaximum,
        map: m ? { objectiveId: m.objectiveId, objectiveTitle: titleOf.get(m.objectiveId) ?? 'an objective no longer in the course', threshold: m.threshold } : null,
      };
    });
  const listed = new Set(columns.map((c) => c.lineItemUrl));
  return { columns, unavailable: null, orphans: maps.filter((m) => !listed.has(m.lineItemUrl)), objectives };
}

/**
 * Maps an LMS column to an objective. The column must be one the LMS lists for the course (never an arbitrary
 * URL) and not one of Masterly's own; the objective must belong to the course; threshold 0 < t ≤ 1.
 */
export async function mapEvidenceColumn(
  deps: LmsEvidenceDeps,
  input: { contextId: string; lineItemUrl: string; objectiveId: string; threshold?: number },
): Promise<EvidenceMap> {
  const threshold = input.threshold ?? DEFAULT_EVIDENCE_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new ValidationFailed('The pass mark must be between 1 % and 100 %.', [{ path: 'threshold', message: 'out of range' }], msg('errors.passMark'));
  const snap = await deps.courses.snapshot(input.contextId);
  if (!snap?.objectives.some((o) => o.id === input.objectiveId)) throw new NotFound('That objective');
  const ags = await agsOf(deps, input.contextId);
  if (!ags) throw new AppError('ERR_FORBIDDEN', 'The course has not shared its gradebook with Masterly.', { said: msg('errors.noGradebook') });
  const column = (await deps.lti.listLineItems(ags.target, ags.lineitems, {})).find((li) => li.id === input.lineItemUrl && !isOurs(li));
  if (!column) throw new NotFound('That LMS grade column');
  const map: EvidenceMap = { contextId: input.contextId, lineItemUrl: column.id, objectiveId: input.objectiveId, label: column.label, threshold, createdAt: deps.clock.now() };
  await deps.evidence.saveMap(map);
  return map;
}

/** Stops a column feeding the model (evidence already appended stays in the log). */
export async function unmapEvidenceColumn(deps: LmsEvidenceDeps, input: { contextId: string; lineItemUrl: string }): Promise<boolean> {
  return deps.evidence.removeMap(input.contextId, input.lineItemUrl);
}

const fingerprintOf = (score: number, max: number): string => `${score}/${max}`;

/** The event's idempotency key: the same result (after the same previous one) always gets the same id. */
export function evidenceEventId(contextId: string, lineItemUrl: string, userSub: string, fingerprint: string, previous: string | undefined): string {
  const h = createHash('sha256').update(JSON.stringify([contextId, lineItemUrl, userSub, fingerprint, previous ?? null])).digest('base64url');
  return `lms-${h.slice(0, 40)}`;
}

/** Correct when resultScore / resultMaximum ≥ threshold (ADR 0004); null for an ungraded result. */
export function observationOf(result: AgsResult, columnMaximum: number, threshold: number): { correct: boolean; fingerprint: string } | null {
  if (result.resultScore === null) return null;
  const max = result.resultMaximum ?? columnMaximum;
  if (!(max > 0)) return null;
  return { correct: result.resultScore / max >= threshold - 1e-9, fingerprint: fingerprintOf(result.resultScore, max) };
}

/**
 * Appends one evidence event and updates the learner's projection in ONE transaction, like submitResponse:
 * the seen-row is written in the same transaction, and the grade outbox hook runs for every changed objective.
 * Idempotent on `eventId` (an event already in the log only marks the result seen).
 */
async function recordEvidence(
  deps: LmsEvidenceDeps,
  course: LoadedCourse,
  e: { contextId: string; userId: string; userSub: string; objectiveId: string; correct: boolean; eventId: string; lineItemUrl: string; label: string; score: string; fingerprint: string },
): Promise<'added' | 'duplicate'> {
  const cfg = course.config;
  const at = deps.clock.now();
  return deps.learners.inTransaction(async (tx) => {
    const seenRow = { contextId: e.contextId, lineItemUrl: e.lineItemUrl, userSub: e.userSub, fingerprint: e.fingerprint, seenAt: at };
    if (await tx.findEvent(e.eventId)) {
      await tx.markEvidenceSeen(seenRow);
      return 'duplicate';
    }
    const learner = await tx.lockLearner(e.contextId, e.userId, at);
    if (await tx.findEvent(e.eventId)) {
      await tx.markEvidenceSeen(seenRow);
      return 'duplicate';
    }
    assertCourseCurrent(course, learner);
    const isNew = learner.events === 0 && learner.objectives.length === 0;
    const state = restoreState(cfg, e.userId, isNew ? undefined : learner, new Map());
    const before = new Map<string, ObjectiveProgress>();
    for (const [id, p] of Object.entries(state.students.get(e.userId)?.objectives ?? {})) before.set(id, structuredClone(p));
    const explanations = applyEvent(state, { type: 'evidence', id: e.eventId, studentId: e.userId, objectiveId: e.objectiveId, correct: e.correct, at }, cfg);
    const student = state.students.get(e.userId);
    if (!student) throw new Error('the projection lost the learner');
    await tx.appendEvent({
      attemptId: e.eventId,
      contextId: e.contextId,
      userId: e.userId,
      objectiveId: e.objectiveId,
      type: 'evidence',
      itemId: null,
      correct: e.correct,
      answer: { source: 'lms', lineItem: e.lineItemUrl, label: e.label, score: e.score },
      phase: null,
      occurredAt: at,
      outcome: null,
    });
    await saveLearnerChange(tx, course, deps.afterMasteryChange, { contextId: e.contextId, userId: e.userId, learner, isNew, student, before, explanations, eventId: e.eventId, at });
    await tx.markEvidenceSeen(seenRow);
    return 'added';
  });
}

/**
 * Reads every mapped column's results (AGS, all pages) and appends evidence for each new or changed graded
 * result of someone who has opened Masterly. Running it again with the same results adds nothing.
 * A column the LMS refuses is reported and skipped; the others are still imported.
 */
export async function importLmsEvidence(deps: LmsEvidenceDeps, input: { contextId: string }): Promise<EvidenceImportReport> {
  const report: EvidenceImportReport = { columns: 0, results: 0, added: 0, unchanged: 0, ungraded: 0, waiting: 0, failedColumns: [] };
  const maps = await deps.evidence.listMaps(input.contextId);
  if (maps.length === 0) return report;
  const ags = await agsOf(deps, input.contextId);
  if (!ags) throw new AppError('ERR_FORBIDDEN', 'The course has not shared its gradebook with Masterly.', { said: msg('errors.noGradebook') });
  let course = await loadCourse(deps, input.contextId);
  const maxima = new Map<string, number>();
  for (const li of await deps.lti.listLineItems(ags.target, ags.lineitems, {})) maxima.set(li.id, li.scoreMaximum);
  for (const map of maps) {
    if (!course.objectives.has(map.objectiveId)) continue; // objective deactivated by a re-import
    let results: AgsResult[];
    try {
      results = await deps.lti.listResults(ags.target, map.lineItemUrl);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      report.failedColumns.push({ lineItemUrl: map.lineItemUrl, label: map.label, error: err.said ?? err.message });
      continue;
    }
    report.columns++;
    report.results += results.length;
    const seen = await deps.evidence.seen(input.contextId, map.lineItemUrl);
    const users = await deps.evidence.usersBySub(input.contextId, results.map((r) => r.userId));
    for (const r of results) {
      const obs = observationOf(r, maxima.get(map.lineItemUrl) ?? 0, map.threshold);
      if (!obs) {
        report.ungraded++;
        continue;
      }
      const previous = seen.get(r.userId);
      if (previous === obs.fingerprint) {
        report.unchanged++;
        continue;
      }
      const userId = users.get(r.userId);
      if (!userId) {
        report.waiting++;
        continue;
      }
      const evidence = {
        contextId: input.contextId,
        userId,
        userSub: r.userId,
        objectiveId: map.objectiveId,
        correct: obs.correct,
        eventId: evidenceEventId(input.contextId, map.lineItemUrl, r.userId, obs.fingerprint, previous),
        lineItemUrl: map.lineItemUrl,
        label: map.label,
        score: obs.fingerprint,
        fingerprint: obs.fingerprint,
      };
      let outcome: 'added' | 'duplicate';
      try {
        outcome = await recordEvidence(deps, course, evidence);
      } catch (err) {
        // A fit committed since the course was loaded: reload it and record with the parameters in force now.
        if (!(err instanceof StaleCourse)) throw err;
        course = await loadCourse(deps, input.contextId);
        outcome = await recordEvidence(deps, course, evidence);
      }
      if (outcome === 'added') report.added++;
      else report.unchanged++;
    }
  }
  return report;
}

/** The LMS-evidence use-cases, bound. */
export interface LmsEvidenceServices {
  listEvidenceColumns(input: { contextId: string }): Promise<EvidencePage>;
  mapEvidenceColumn(input: { contextId: string; lineItemUrl: string; objectiveId: string; threshold?: number }): Promise<EvidenceMap>;
  unmapEvidenceColumn(input: { contextId: string; lineItemUrl: string }): Promise<boolean>;
  importLmsEvidence(input: { contextId: string }): Promise<EvidenceImportReport>;
  contextsWithMaps(): Promise<string[]>;
}

/** Binds the LMS-evidence use-cases to their dependencies (main.ts). */
export function buildLmsEvidenceServices(deps: LmsEvidenceDeps): LmsEvidenceServices {
  return {
    listEvidenceColumns: (i) => listEvidenceColumns(deps, i),
    mapEvidenceColumn: (i) => mapEvidenceColumn(deps, i),
    unmapEvidenceColumn: (i) => unmapEvidenceColumn(deps, i),
    importLmsEvidence: (i) => importLmsEvidence(deps, i),
    contextsWithMaps: () => deps.evidence.contextsWithMaps(),
  };
}
