/**
 * The event-sourced mastery projection. Events (responses and instructor actions) are the
 * append-only source of truth; `project(events, config)` folds them deterministically into state,
 * and `applyEvent(state, event)` is the same step used online. An event id seen before is ignored,
 * so a double submission of the same attempt changes nothing.
 *
 * The state is plain data owned by the caller; `applyEvent` updates it in place (fast enough to
 * recompute a million responses) and returns the explanations it produced.
 *
 * Settings that change how later events are traced are events too, so a replay uses the values that were in
 * force when each event happened: `accommodations_set` (one student) and `params_fitted` (course-wide, no
 * student: it applies to every student's later events). The config holds the values in force before the log's
 * first event; the state holds what events changed since.
 */
import { aggregateScores, type CalculationSettings } from './aggregation.js';
import { clampBktParams, DEFAULT_BKT, predictCorrect, predictWithElo, updateMastery, type BktParams } from './bkt.js';
import { courseModelFromJson, type CourseModel, type CourseModelJson } from './fitItems.js';
import { ABILITY_NODES, boostNodes, decayNodes, mixtureKnown, observeMixture, predictMixture, priorAbility, startNodes } from './learnerAbility.js';
import { DEFAULT_ELO, expectedScore, newItemStats, updateElo, type EloConfig, type ItemStats } from './elo.js';
import { ObjectiveLocked, ValidationFailed } from './errors.js';
import { explanationMessage, type Evidence, type Explanation, type ExplanationKind, type ExplanationRule } from './explain.js';
import { DEFAULT_THRESHOLD, effectiveThreshold, MIN_MASTERY_ITEMS, transition, validateThreshold, type ObjectiveState, type Trigger } from './mastery.js';
import { dependentsIndex, topologicalOrder, validateObjectives, type Objective } from './objectives.js';
import { releaseDecision, type Accommodations } from './release.js';
import { cycleCapReached, DEFAULT_LOOP_POLICY, effectiveCaps, wheelSpinning, retentionDueAt, validateLoopPolicy, type LoopPolicy } from './reteach.js';

// ---------------------------------------------------------------- events

/** A checked answer (correctness decided server-side by `checkAnswer`). `id` is the attempt id. */
export interface ResponseEvent {
  readonly type: 'response';
  readonly id: string;
  readonly studentId: string;
  readonly itemId: string;
  readonly correct: boolean;
  /** Epoch ms. */
  readonly at: number;
}
/** An instructor unlocks an objective for one student. */
export interface UnlockOverrideEvent {
  readonly type: 'unlock_override';
  readonly id: string;
  readonly studentId: string;
  readonly objectiveId: string;
  readonly at: number;
}
/** A due date passed: the objective's grade is locked for the student (later retention misses cannot lower it). */
export interface GradeLockedEvent {
  readonly type: 'grade_locked';
  readonly id: string;
  readonly studentId: string;
  readonly objectiveId: string;
  readonly at: number;
}
/** An instructor resets a "not mastered" (stuck) objective so the student can try again. */
export interface ResetEvent {
  readonly type: 'reset';
  readonly id: string;
  readonly studentId: string;
  readonly objectiveId: string;
  readonly at: number;
}
/**
 * Evidence on one objective from outside Masterly (an LMS grade an instructor mapped to it, ADR 0004): moves P
 * like a practice answer, but is never a check item, an opportunity or a score. `id` is its idempotency key.
 */
export interface EvidenceEvent {
  readonly type: 'evidence';
  readonly id: string;
  readonly studentId: string;
  readonly objectiveId: string;
  readonly correct: boolean;
  readonly at: number;
}
/**
 * An instructor sets a student's accommodations: they replace the previous ones and apply to the student's
 * later events (the current state is kept; nothing is re-traced).
 */
export interface AccommodationsSetEvent {
  readonly type: 'accommodations_set';
  readonly id: string;
  readonly studentId: string;
  readonly accommodations: Accommodations;
  readonly at: number;
}
/**
 * Course-wide: BKT parameters of one objective were fitted (services/fitObjectiveParams.ts). Every student's later responses and
 * evidence on it are traced with them, and students who appear later start from their prior. Clamped to the
 * objective's bounds. Carries no student.
 */
export interface ParamsFittedEvent {
  readonly type: 'params_fitted';
  readonly id: string;
  readonly objectiveId: string;
  readonly params: BktParams;
  readonly at: number;
}
/**
 * A timed check's deadline passed before it was finished (ADR 0023), recorded when a late answer was refused:
 * the check ends now, the questions not reached count as not right, so it is failed like any other.
 */
export interface CheckExpiredEvent {
  readonly type: 'check_expired';
  readonly id: string;
  readonly studentId: string;
  readonly objectiveId: string;
  readonly at: number;
}
/**
 * Course-wide: the course-level learner model was fitted (ADR 0027, 0028). From here on, every student's responses
 * and evidence on the objectives it covers are traced with it: P(mastery) is the ability mixture's, with item
 * guess/slip, learning from reteach and forgetting per day. Students keep their current P (each node starts from
 * it); objectives nobody has answered start from the model's prior. Carries no student.
 */
export interface ModelFittedEvent {
  readonly type: 'model_fitted';
  readonly id: string;
  readonly model: CourseModelJson;
  readonly at: number;
}
/** An event about one student. */
export type StudentEvent = ResponseEvent | UnlockOverrideEvent | GradeLockedEvent | ResetEvent | EvidenceEvent | AccommodationsSetEvent | CheckExpiredEvent;
/** An event about the whole course (applies to every student from its place in the log on). */
export type CourseEvent = ParamsFittedEvent | ModelFittedEvent;
/** Any event of the log. */
export type EngineEvent = StudentEvent | CourseEvent;

/** True for course-wide events (they carry no `studentId`). */
export const isCourseEvent = (e: EngineEvent): e is CourseEvent => e.type === 'params_fitted' || e.type === 'model_fitted';

// ---------------------------------------------------------------- config

/** What the engine needs of an item: its id, objectives (first = primary) and authored Elo difficulty. */
export interface ItemRef {
  readonly id: string;
  readonly objectiveIds: readonly string[];
  readonly difficulty?: number;
}

/** Course configuration of the engine. Only `objectives` and `items` are required. */
export interface EngineConfig {
  readonly objectives: readonly Objective[];
  readonly items: readonly ItemRef[];
  /**
   * BKT parameters by objective in force before the log's first event (`params_fitted` events change them
   * later); others use {@link DEFAULT_BKT}. Clamped to the objective's bounds.
   */
  readonly params?: Readonly<Record<string, BktParams>>;
  /** Mastery threshold θ, 0.80–0.99; default 0.95. */
  readonly threshold?: number;
  readonly policy?: LoopPolicy;
  /** Release dates (epoch ms) by objective. */
  readonly releaseDates?: Readonly<Record<string, number>>;
  /** Accommodations by student in force before the log's first event (`accommodations_set` events change them). */
  readonly accommodations?: Readonly<Record<string, Accommodations>>;
  /** Points of a full-score check (scores are scaled to it) and how scores roll up; default 4 points, mastery 3, Canvas weighted average 65%. */
  readonly scoring?: { readonly pointsPossible: number; readonly calculation: CalculationSettings };
  /** Objectives that have enrichment content (mastery unlocks it). */
  readonly enrichmentObjectiveIds?: readonly string[];
  readonly elo?: EloConfig;
  /** Whether "not mastered" (cap reached) unlocks dependents; default true ("the student may move on"). */
  readonly moveOnUnlocksDependents?: boolean;
  /** Keep explanations in `state.explanations` (default true; the recompute benchmark turns it off). */
  readonly keepExplanations?: boolean;
  /** The course-level learner model in force before the log's first event (`model_fitted` events change it); absent: BKT. */
  readonly model?: CourseModelJson;
  /** How many recent items per student are remembered for "not seen recently"; default 20. */
  readonly recentWindow?: number;
}

/** A validated config with indexes; build once with {@link compileConfig} and reuse. */
export interface CompiledConfig {
  readonly source: EngineConfig;
  readonly objectives: ReadonlyMap<string, Objective>;
  readonly order: readonly string[];
  readonly dependents: ReadonlyMap<string, readonly string[]>;
  readonly items: ReadonlyMap<string, ItemRef>;
  readonly itemsByObjective: ReadonlyMap<string, readonly string[]>;
  readonly params: ReadonlyMap<string, BktParams>;
  readonly threshold: number;
  readonly policy: LoopPolicy;
  readonly releaseDates: Readonly<Record<string, number>>;
  readonly scoring: { readonly pointsPossible: number; readonly calculation: CalculationSettings };
  readonly enrichment: ReadonlySet<string>;
  readonly elo: EloConfig;
  readonly moveOn: boolean;
  readonly keepExplanations: boolean;
  readonly recentWindow: number;
  readonly hasReleaseDates: boolean;
  /** Caps without accommodations. */
  readonly caps: { readonly cycles: number; readonly opportunities: number };
  /** The course-level learner model in force before the log's first event (clamped), or null. */
  readonly model: CourseModel | null;
}

/** Validates the config (DAG, θ, policy, item tags) and builds indexes. Throws ERR_OBJECTIVE_CYCLE or ERR_VALIDATION. */
export function compileConfig(config: EngineConfig): CompiledConfig {
  validateObjectives(config.objectives);
  const objectives = new Map(config.objectives.map((o) => [o.id, o]));
  const issues: { path: string; message: string }[] = [];
  const itemsByObjective = new Map<string, string[]>(config.objectives.map((o) => [o.id, []]));
  config.items.forEach((it, i) => {
    if (it.objectiveIds.length === 0) issues.push({ path: `items.${i}.objectiveIds`, message: `Item ${it.id} has no objective.` });
    for (const o of it.objectiveIds) {
      const list = itemsByObjective.get(o);
      if (list) list.push(it.id);
      else issues.push({ path: `items.${i}.objectiveIds`, message: `Item ${it.id} is tagged to unknown objective ${o}.` });
    }
  });
  if (issues.length) throw new ValidationFailed('Invalid items.', issues);
  const params = new Map(config.objectives.map((o) => [o.id, clampBktParams(config.params?.[o.id] ?? DEFAULT_BKT, o.responseKind ?? 'open')]));
  return {
    source: config,
    objectives,
    order: topologicalOrder(config.objectives),
    dependents: dependentsIndex(config.objectives),
    items: new Map(config.items.map((i) => [i.id, i])),
    itemsByObjective,
    params,
    threshold: validateThreshold(config.threshold ?? DEFAULT_THRESHOLD),
    policy: validateLoopPolicy(config.policy ?? DEFAULT_LOOP_POLICY),
    releaseDates: config.releaseDates ?? {},
    scoring: config.scoring ?? { pointsPossible: 4, calculation: { method: 'decaying_average', weight: 65, masteryPoints: 3 } },
    enrichment: new Set(config.enrichmentObjectiveIds ?? []),
    elo: config.elo ?? DEFAULT_ELO,
    moveOn: config.moveOnUnlocksDependents ?? true,
    keepExplanations: config.keepExplanations ?? true,
    recentWindow: config.recentWindow ?? 20,
    hasReleaseDates: Object.keys(config.releaseDates ?? {}).length > 0,
    caps: effectiveCaps(config.policy ?? DEFAULT_LOOP_POLICY),
    model: config.model ? clampModel(config.model, objectives) : null,
  };
}

/** A course model from its plain form, each objective's parameters clamped to its bounds; objectives not in the course dropped. */
function clampModel(json: CourseModelJson, objectives: ReadonlyMap<string, Objective>): CourseModel {
  const model = courseModelFromJson(json);
  const params = new Map<string, BktParams>();
  for (const [id, p] of model.params) {
    const o = objectives.get(id);
    if (o) params.set(id, clampBktParams(p, o.responseKind ?? 'open'));
  }
  return { ...model, params };
}

// ---------------------------------------------------------------- state

/** One student × objective. */
export interface ObjectiveProgress {
  readonly objectiveId: string;
  state: ObjectiveState;
  /** P(mastery) from BKT. */
  p: number;
  /** All responses on this objective. */
  responses: number;
  lastCorrect: boolean | null;
  /** Responses since release (or reset) without mastery; drives the opportunity cap. */
  opportunities: number;
  /** Failed mastery checks. */
  cycles: number;
  /**
   * The check in progress: items answered so far, how many were right, its length (absent: the policy's) and when
   * it began (epoch ms, the event that began it; a timed check's deadline runs from there, ADR 0023).
   */
  check: { itemIds: string[]; correct: number; length?: number; startedAt?: number } | null;
  /** Items of the last finished check: never reused in the next one. */
  previousCheckItemIds: string[];
  /** Guided-practice responses since the last failed check. */
  guided: number;
  /** Flagged for the instructor: wheel-spinning or the cycle cap, without mastery. */
  stuck: boolean;
  /** Under the course model (ADR 0028): P(known) at each ability node; absent before the model traced a response here. */
  nodes?: number[];
  /** Under the course model: time of the latest response or evidence here (epoch ms), for forgetting per day. */
  lastAt?: number;
  /** Wrong answers in a row (struggle); absent in progress saved before it existed. */
  wrongStreak?: number;
  /** Highest P(mastery) since practice (or guided practice) began: the falling-estimate rule (ADR 0013); absent: none yet. */
  peakP?: number;
  masteredAt: number | null;
  /** Next retention item: step index and due time (epoch ms). */
  retention: { step: number; dueAt: number } | null;
  /** Check and retention scores in points, oldest first (rolled up with the course's calculation method). */
  scores: number[];
  /** Grade locked by a due date; the reported grade never drops below it. */
  lockedGrade: number | null;
  /** Prerequisites that need review: the remedial path for this objective. */
  remedialFor: string[];
  enrichmentUnlocked: boolean;
}

/** One student: ability, objectives, instructor overrides, recently seen items (newest last) and applied event ids. */
export interface StudentState {
  readonly studentId: string;
  /** Ids of this student's events already applied (idempotency; kept per student, which is cheaper than one global set). */
  readonly applied: Set<string>;
  ability: number;
  /** Under the course model (ADR 0028): the posterior weight of each ability node; absent: the prior. */
  weights?: number[];
  readonly objectives: Record<string, ObjectiveProgress>;
  readonly overrides: Set<string>;
  readonly recentItems: string[];
  /** Accommodations in force (the latest `accommodations_set`, else the config's), or null for none. */
  accommodations: Accommodations | null;
}

/** The whole projection. */
export interface EngineState {
  readonly students: Map<string, StudentState>;
  readonly items: Map<string, ItemStats>;
  readonly explanations: Explanation[];
  /** BKT parameters set by `params_fitted` events (clamped), by objective; the config's apply to the others. */
  readonly params: Map<string, BktParams>;
  /** Ids of course-wide events already applied. */
  readonly courseApplied: Set<string>;
  /** The course-level learner model in force (the latest `model_fitted`), or null: BKT per objective. */
  model: CourseModel | null;
  /** Time of the latest event applied (epoch ms). */
  clock: number;
}

/** An empty projection. */
export function emptyState(): EngineState {
  return { students: new Map(), items: new Map(), explanations: [], params: new Map(), courseApplied: new Set(), model: null, clock: 0 };
}

/** The BKT parameters in force for an objective: the latest `params_fitted`, else the config's. */
export function paramsInForce(state: EngineState, objectiveId: string, config: CompiledConfig): BktParams {
  return state.params.get(objectiveId) ?? (config.params.get(objectiveId) as BktParams);
}

const isCompiled = (c: EngineConfig | CompiledConfig): c is CompiledConfig => 'order' in c && 'source' in c;

/** A fresh, locked progress record for an objective a student has not met yet. */
export function newObjectiveProgress(objectiveId: string, p0: number): ObjectiveProgress {
  return {
    objectiveId,
    state: 'locked',
    p: p0,
    responses: 0,
    lastCorrect: null,
    opportunities: 0,
    cycles: 0,
    check: null,
    previousCheckItemIds: [],
    guided: 0,
    stuck: false,
    wrongStreak: 0,
    masteredAt: null,
    retention: null,
    scores: [],
    lockedGrade: null,
    remedialFor: [],
    enrichmentUnlocked: false,
  };
}

// ---------------------------------------------------------------- folding

/** Context of one event's application: collects explanations. */
interface Step {
  readonly cfg: CompiledConfig;
  readonly state: EngineState;
  readonly student: StudentState;
  readonly eventId: string;
  readonly at: number;
  readonly out: Explanation[];
  /** Build explanation records (off only for a bulk rebuild that keeps none). */
  readonly collect: boolean;
  /** Set when something changed that may release objectives (a state change or an override). */
  dirty: boolean;
  /** Under the course model: each traced objective's room to learn from this event (for the reteach boost). */
  rooms?: Map<string, number[]>;
}

/** A student's progress on an objective of the course (every objective has one once the student exists). */
export function progressOf(student: StudentState, objectiveId: string): ObjectiveProgress {
  const prog = student.objectives[objectiveId];
  if (!prog) throw new Error(`no progress on objective ${objectiveId}: it is not part of the compiled course`);
  return prog;
}

function thetaFor(cfg: CompiledConfig, student: StudentState): number {
  const acc = student.accommodations;
  if (acc === null) return cfg.threshold;
  return effectiveThreshold(cfg.threshold, acc.thresholdOffset ?? 0);
}

function emit(s: Step, objectiveId: string, kind: ExplanationKind, rule: ExplanationRule, from: ObjectiveState | null, to: ObjectiveState | null, evidence: Evidence): void {
  s.dirty = true;
  if (!s.collect) return;
  const title = s.cfg.objectives.get(objectiveId)?.title ?? objectiveId;
  s.out.push({ studentId: s.student.studentId, objectiveId, at: s.at, eventId: s.eventId, kind, rule, from, to, evidence, message: explanationMessage(kind, rule, title, evidence, s.at) });
}

function move(s: Step, prog: ObjectiveProgress, trigger: Trigger, kind: ExplanationKind, rule: ExplanationRule, evidence: Evidence): void {
  const from = prog.state;
  prog.state = transition(from, trigger);
  emit(s, prog.objectiveId, kind, rule, from, prog.state, evidence);
}

/** Unlocks every locked objective whose release rule now holds (in topological order, so chains resolve in one pass). */
function release(s: Step): void {
  const { cfg, student } = s;
  const theta = thetaFor(cfg, student);
  const ctx = {
    stateOf: (id: string) => student.objectives[id]?.state ?? 'locked',
    overrides: student.overrides,
    releaseDates: cfg.releaseDates,
    now: s.at,
    moveOnCountsAsMet: cfg.moveOn,
  };
  for (const id of cfg.order) {
    const prog = progressOf(student, id);
    if (prog.state !== 'locked') continue;
    const decision = releaseDecision(cfg.objectives.get(id) as Objective, ctx);
    if (!decision) continue;
    const prerequisites = decision.prerequisites.map((p) => {
      const pp = progressOf(student, p);
      return { id: p, title: cfg.objectives.get(p)?.title ?? p, p: pp.p, responses: pp.responses, state: pp.state };
    });
    move(s, prog, 'unlock', 'unlocked', decision.rule, {
      threshold: theta,
      prerequisites,
      releaseDate: decision.rule === 'release_date' ? cfg.releaseDates[id] : undefined,
    });
  }
}

function ensureStudent(cfg: CompiledConfig, state: EngineState, studentId: string): StudentState {
  let st = state.students.get(studentId);
  if (!st) {
    const objectives: Record<string, ObjectiveProgress> = {};
    for (const id of cfg.order) objectives[id] = newObjectiveProgress(id, startingP(state, cfg, id));
    const acc = cfg.source.accommodations?.[studentId];
    st = { studentId, applied: new Set(), ability: 0, objectives, overrides: new Set(), recentItems: [], accommodations: acc ? { ...acc } : null };
    state.students.set(studentId, st);
  }
  return st;
}

function currentGrade(cfg: CompiledConfig, prog: ObjectiveProgress): number | null {
  return aggregateScores(prog.scores, cfg.scoring.calculation);
}

function reopen(s: Step, prog: ObjectiveProgress, rule: 'retention_miss' | 'probability_below_threshold', ev: Evidence): void {
  move(s, prog, 'reopen', 'reopened', rule, ev);
  prog.retention = null;
  // Remedial path: dependents already released learn that this prerequisite needs review.
  for (const d of s.cfg.dependents.get(prog.objectiveId) ?? []) {
    const dp = progressOf(s.student, d);
    if (dp.state === 'locked' || dp.remedialFor.includes(prog.objectiveId)) continue;
    dp.remedialFor.push(prog.objectiveId);
    const title = s.cfg.objectives.get(prog.objectiveId)?.title ?? prog.objectiveId;
    emit(s, d, 'remedial', 'weak_prerequisite', dp.state, dp.state, {
      weakPrerequisiteId: prog.objectiveId,
      prerequisites: [{ id: prog.objectiveId, title, p: prog.p, responses: prog.responses, state: prog.state }],
      pAfter: prog.p,
      threshold: ev.threshold,
    });
  }
}

function becomeMastered(s: Step, prog: ObjectiveProgress, trigger: 'pass_check', rule: ExplanationRule, ev: Evidence): void {
  move(s, prog, trigger, 'mastered', rule, ev);
  prog.masteredAt = s.at;
  prog.stuck = false;
  // The caps count tries without mastery: a later reopen starts them afresh.
  prog.opportunities = 0;
  prog.cycles = 0;
  const due = retentionDueAt(s.at, 0, s.cfg.policy.retentionIntervalsDays);
  prog.retention = due === null ? null : { step: 0, dueAt: due };
  for (const d of s.cfg.dependents.get(prog.objectiveId) ?? []) {
    const dp = progressOf(s.student, d);
    const i = dp.remedialFor.indexOf(prog.objectiveId);
    if (i >= 0) dp.remedialFor.splice(i, 1);
  }
  if (!prog.enrichmentUnlocked && s.cfg.enrichment.has(prog.objectiveId)) {
    prog.enrichmentUnlocked = true;
    emit(s, prog.objectiveId, 'enrichment_unlocked', rule, 'mastered', 'mastered', { pAfter: prog.p, threshold: ev.threshold });
  }
}

function stuck(s: Step, prog: ObjectiveProgress, caps: { cycles: number; opportunities: number }, ev: Evidence): void {
  prog.check = null;
  prog.stuck = true;
  move(s, prog, 'reach_cap', 'stuck', 'cycle_cap', { ...ev, cycles: prog.cycles, opportunities: prog.opportunities, cap: caps.cycles });
}

function evidenceOf(prog: ObjectiveProgress, pBefore: number, theta: number, correct: boolean): Evidence {
  return { pBefore, pAfter: prog.p, threshold: theta, responses: prog.responses, lastCorrect: correct, opportunities: prog.opportunities, cycles: prog.cycles };
}

/**
 * Guard rail (ADR 0010): forgetting F caps P(mastery) below 1 − F, so F ≥ 1 − θ would make mastery unreachable.
 * F is held at most (1 − θ) / 2 for a learner whose θ is `theta`, leaving room for a slip.
 */
export function guardedParams(k: BktParams, theta: number): BktParams {
  const max = (1 - theta) / 2;
  return k.forget > max ? { ...k, forget: max } : k;
}

const DAY = 86_400_000;

/** The course model's parameters for an objective (guarded as BKT's are), or undefined where BKT traces it. */
function modelParams(state: EngineState, objectiveId: string, theta: number): BktParams | undefined {
  const p = state.model?.params.get(objectiveId);
  return p === undefined ? undefined : guardedParams(p, theta);
}

/**
 * P(mastery) of an objective not answered on yet: the model's prior mixed over the prior ability (not the learner's
 * current weights, so the value a replay leaves and the one a restore sets agree), else BKT's prior.
 */
export function startingP(state: EngineState, cfg: CompiledConfig, objectiveId: string): number {
  const model = state.model;
  const p = model?.params.get(objectiveId);
  if (!model || !p) return paramsInForce(state, objectiveId, cfg).prior;
  return mixtureKnown(priorAbility(), startNodes(p, model.coef));
}

/**
 * One answer (or piece of evidence) on an objective: the new P(mastery). BKT with the objective's parameters, or,
 * once the course model covers the objective (ADR 0028), the ability mixture: forgetting over the days since the
 * objective's previous answer, then Bayes with the item's guess/slip and the learn/forget transition. Only the
 * item's primary objective moves the learner's ability weights (one answer is one piece of evidence about them).
 */
function trace(s: Step, prog: ObjectiveProgress, itemId: string | undefined, correct: boolean, theta: number, primary: boolean): number {
  const model = s.state.model;
  const params = model ? modelParams(s.state, prog.objectiveId, theta) : undefined;
  if (!model || !params) return updateMastery(prog.p, correct, guardedParams(paramsInForce(s.state, prog.objectiveId, s.cfg), theta));
  // Answered before the model: every node continues from the learner's current P (history is not rewritten).
  const nodes = (prog.nodes ??= prog.responses === 0 ? startNodes(params, model.coef) : ABILITY_NODES.map(() => prog.p));
  if (prog.lastAt !== undefined && s.at > prog.lastAt) decayNodes(nodes, model.forgetPerDay ?? 0, (s.at - prog.lastAt) / DAY);
  prog.lastAt = s.at;
  const w = primary ? (s.student.weights ??= priorAbility()) : (s.student.weights ?? priorAbility()).slice();
  const room: number[] = [];
  const known = observeMixture(w, nodes, params, itemId === undefined ? undefined : model.items.get(itemId), model.coef, correct, 0, room);
  (s.rooms ??= new Map()).set(prog.objectiveId, room);
  return known;
}

/** The response began reteaching: under the course model, its extra chance to learn (fitted) applies to this transition. */
function reteachBoost(s: Step, prog: ObjectiveProgress): void {
  const model = s.state.model, room = s.rooms?.get(prog.objectiveId);
  if (!model || !room || !prog.nodes || !(model.reteach ?? 0)) return;
  boostNodes(prog.nodes, room, model.reteach ?? 0);
  prog.p = mixtureKnown(s.student.weights ?? priorAbility(), prog.nodes);
}

/**
 * The probability the student answers `itemId` right at `at`, before the answer is seen: the course model's
 * mixture when it covers the item's primary objective, else BKT with the Elo term (what `npm run model -- predict`
 * and the model bench report). Pure: the state is not changed.
 */
export function predictResponse(state: EngineState, studentId: string, itemId: string, at: number, cfg: CompiledConfig): number {
  const student = state.students.get(studentId);
  const objectiveId = cfg.items.get(itemId)?.objectiveIds[0];
  if (objectiveId === undefined) return 0.5;
  const prog = student?.objectives[objectiveId];
  const theta = student ? thetaFor(cfg, student) : cfg.threshold;
  const model = state.model;
  const params = model ? modelParams(state, objectiveId, theta) : undefined;
  if (!model || !params) {
    const k = paramsInForce(state, objectiveId, cfg);
    const elo = expectedScore(student?.ability ?? 0, state.items.get(itemId)?.difficulty ?? 0, cfg.elo.scale);
    return predictWithElo(predictCorrect(prog ? prog.p : k.prior, k), elo);
  }
  const nodes = prog?.nodes ? prog.nodes.slice() : prog && prog.responses > 0 ? ABILITY_NODES.map(() => prog.p) : startNodes(params, model.coef);
  if (prog?.lastAt !== undefined && at > prog.lastAt) decayNodes(nodes, model.forgetPerDay ?? 0, (at - prog.lastAt) / DAY);
  return predictMixture(student?.weights ?? priorAbility(), nodes, params, model.items.get(itemId), model.coef);
}

/** Starts a check of `length` items (the policy's, or the short re-check after a reopen). */
function beginCheck(s: Step, prog: ObjectiveProgress, kind: 'checking' | 'rechecking', length: number, ev: Evidence): void {
  move(s, prog, 'begin_check', kind, 'mastery_rule_met', { ...ev, checkLength: length });
  prog.check = { itemIds: [], correct: 0, length, startedAt: s.at };
  prog.wrongStreak = 0;
  delete prog.peakP;
}

/** A failed check: one more cycle, then reteach, or "stuck" at the cycle cap. */
function failCheck(s: Step, prog: ObjectiveProgress, caps: { cycles: number; opportunities: number }, checkEv: Evidence): void {
  prog.cycles++;
  prog.guided = 0;
  if (cycleCapReached(prog.cycles, caps)) stuck(s, prog, caps, checkEv);
  else move(s, prog, 'fail_check', 'reteaching', 'check_failed', { ...checkEv, cycles: prog.cycles });
}

/**
 * A timed check ran out (ADR 0023): the questions not reached count as not right, so the check scores what was
 * right out of its full length and fails (reteach, or "stuck" at the cycle cap). A check already over is left alone.
 */
function expireCheck(s: Step, prog: ObjectiveProgress): void {
  const check = prog.check;
  if (prog.state !== 'checking' || !check) return;
  const length = Math.max(check.length ?? s.cfg.policy.checkLength, check.itemIds.length);
  const theta = thetaFor(s.cfg, s.student);
  prog.scores.push(Math.round((check.correct / length) * s.cfg.scoring.pointsPossible * 1e6) / 1e6);
  const checkEv: Evidence = { ...evidenceOf(prog, prog.p, theta, false), lastCorrect: null, itemIds: check.itemIds.slice(), checkCorrect: check.correct, checkLength: length, expired: true };
  prog.previousCheckItemIds = check.itemIds;
  prog.check = null;
  const acc = s.student.accommodations;
  failCheck(s, prog, acc ? effectiveCaps(s.cfg.policy, acc) : s.cfg.caps, checkEv);
}

/** Reteach before any check: struggle (wrong answers in a row) or wheel-spinning (many tries without mastery). */
function reteach(s: Step, prog: ObjectiveProgress, rule: 'struggling' | 'falling' | 'wheel_spinning', ev: Evidence): void {
  if (prog.state === 'practising') move(s, prog, 'struggle', 'reteaching', rule, ev);
  else emit(s, prog.objectiveId, 'reteaching', rule, prog.state, prog.state, ev);
  prog.guided = 0;
  prog.wrongStreak = 0;
  delete prog.peakP;
}

/**
 * One response on one objective: BKT, then the state machine (ADR 0011).
 * Practice: a right answer with P ≥ the readiness starts a check; `struggleErrors` wrong answers in a row lead to
 * reteach first; `maxOpportunities` responses without mastery flag wheel-spinning and lead to reteach. A check of
 * n items passes on ≥ k right AND the mastery rule at its end; a failed one leads to reteach, and `maxCycles`
 * failed ones to "stuck". After a reopen, re-mastery takes a short re-check of `recheckLength` items, all right.
 */
function respond(s: Step, prog: ObjectiveProgress, itemId: string, correct: boolean, primary: boolean): void {
  const { cfg, student } = s;
  const policy = cfg.policy;
  const theta = thetaFor(cfg, student);
  const pBefore = prog.p;
  prog.p = trace(s, prog, itemId, correct, theta, primary);
  prog.responses++;
  prog.lastCorrect = correct;
  prog.wrongStreak = correct ? 0 : (prog.wrongStreak ?? 0) + 1;
  // Fast path of masteryRule (see mastery.ts): evaluated on every response.
  const met = prog.p >= theta && prog.responses >= MIN_MASTERY_ITEMS && correct;
  const ready = correct && prog.p >= Math.min(policy.checkReadiness, theta);
  const acc = student.accommodations;
  const caps = acc ? effectiveCaps(policy, acc) : cfg.caps;
  const pts = cfg.scoring.pointsPossible;
  const practice = (canCheck: boolean): void => {
    prog.opportunities++;
    const ev = () => evidenceOf(prog, pBefore, theta, correct);
    if (canCheck && ready) return beginCheck(s, prog, prog.state === 'reteaching' ? 'rechecking' : 'checking', policy.checkLength, ev());
    if (!prog.stuck && wheelSpinning(prog.opportunities, caps)) {
      prog.stuck = true;
      return reteach(s, prog, 'wheel_spinning', ev());
    }
    if (policy.struggleErrors > 0 && (prog.wrongStreak ?? 0) >= policy.struggleErrors) return reteach(s, prog, 'struggling', { ...ev(), wrongInARow: prog.wrongStreak ?? 0 });
    // Falling estimate (ADR 0013): P fell by `struggleDrop` or more from its highest point in this practice.
    const peak = Math.max(prog.peakP ?? pBefore, pBefore);
    if (policy.struggleDrop > 0 && !correct && peak - prog.p >= policy.struggleDrop) return reteach(s, prog, 'falling', { ...ev(), peak });
    prog.peakP = Math.max(peak, prog.p);
  };

  switch (prog.state) {
    case 'locked':
      return; // not released: the service refuses these (assertCanAnswer); a stray event only moves P
    case 'available':
      move(s, prog, 'start', 'practising', 'first_response', evidenceOf(prog, pBefore, theta, correct));
    // falls through: the first response is also practice
    case 'practising':
      return practice(true);
    case 'reteaching':
      prog.guided++;
      return practice(prog.guided >= policy.minGuidedItems);
    case 'checking': {
      prog.opportunities++;
      const check = (prog.check ??= { itemIds: [], correct: 0 });
      const length = check.length ?? policy.checkLength;
      check.itemIds.push(itemId);
      if (correct) check.correct++;
      if (check.itemIds.length < length) return;
      // k of n for a full check; a shorter one (the re-check after a reopen) needs every item right.
      const needed = length < policy.checkLength ? length : policy.checkPassCorrect;
      // Enough right but P still below θ at the end: up to `checkExtension` more items (one at a time) before failing.
      if (check.correct >= needed && !met && length >= policy.checkLength && length < policy.checkLength + policy.checkExtension) {
        check.length = length + 1;
        return;
      }
      prog.scores.push(Math.round((check.correct / check.itemIds.length) * pts * 1e6) / 1e6);
      const checkEv: Evidence = { ...evidenceOf(prog, pBefore, theta, correct), itemIds: check.itemIds.slice(), checkCorrect: check.correct, checkLength: check.itemIds.length };
      prog.previousCheckItemIds = check.itemIds;
      prog.check = null;
      if (check.correct >= needed && met) {
        becomeMastered(s, prog, 'pass_check', 'check_passed', checkEv);
        return;
      }
      return failCheck(s, prog, caps, checkEv);
    }
    case 'mastered': {
      const due = prog.retention !== null && s.at >= prog.retention.dueAt;
      if (due) prog.scores.push(correct ? pts : 0);
      if (due && !correct) return reopen(s, prog, 'retention_miss', evidenceOf(prog, pBefore, theta, correct));
      if (prog.p < theta) return reopen(s, prog, 'probability_below_threshold', evidenceOf(prog, pBefore, theta, correct));
      if (due && prog.retention && prog.masteredAt !== null) {
        const step = prog.retention.step + 1;
        const next = retentionDueAt(prog.masteredAt, step, cfg.policy.retentionIntervalsDays);
        prog.retention = next === null ? null : { step, dueAt: next };
        emit(s, prog.objectiveId, 'retention_passed', 'retention_correct', 'mastered', 'mastered', { ...evidenceOf(prog, pBefore, theta, correct), nextRetentionAt: next });
      }
      return;
    }
    case 'needs_review':
      if (ready) beginCheck(s, prog, 'rechecking', policy.recheckLength, evidenceOf(prog, pBefore, theta, correct));
      return;
    case 'not_mastered':
      return; // moved on; P still tracks the evidence, the instructor may reset
  }
}

/** Outside evidence on one objective (ADR 0004): BKT moves P; it may start practice, call for a check, re-master or reopen. */
function observe(s: Step, prog: ObjectiveProgress, correct: boolean): void {
  const theta = thetaFor(s.cfg, s.student);
  const pBefore = prog.p;
  prog.p = trace(s, prog, undefined, correct, theta, true);
  prog.responses++;
  prog.lastCorrect = correct;
  const met = prog.p >= theta && prog.responses >= MIN_MASTERY_ITEMS && correct;
  switch (prog.state) {
    case 'available':
      move(s, prog, 'start', 'practising', 'first_response', evidenceOf(prog, pBefore, theta, correct));
    // falls through: the evidence is also practice
    case 'practising':
      if (met) {
        move(s, prog, 'begin_check', 'checking', 'mastery_rule_met', evidenceOf(prog, pBefore, theta, correct));
        // Begun by outside evidence, with the student elsewhere: untimed (no start, ADR 0023).
        prog.check = { itemIds: [], correct: 0 };
      }
      return;
    case 'mastered':
      if (prog.p < theta) reopen(s, prog, 'probability_below_threshold', evidenceOf(prog, pBefore, theta, correct));
      return;
    case 'needs_review':
      if (met) {
        beginCheck(s, prog, 'rechecking', s.cfg.policy.recheckLength, evidenceOf(prog, pBefore, theta, correct));
        delete prog.check?.startedAt; // begun by outside evidence: untimed (ADR 0023)
      }
      return;
    default:
      return; // locked, in a check, reteaching, moved on: only P tracks the evidence (checks are Masterly's own items)
  }
}

/**
 * Applies one event to the state in place and returns the explanations it produced.
 * Deterministic; an event whose id was already applied is ignored (returns []).
 * Unknown items or objectives are ignored too (the log may outlive content).
 */
export function applyEvent(state: EngineState, event: EngineEvent, config: CompiledConfig): Explanation[] {
  return applyInternal(state, event, config, true);
}

function applyInternal(state: EngineState, event: EngineEvent, config: CompiledConfig, collect: boolean): Explanation[] {
  const cfg = config;
  if (isCourseEvent(event)) {
    if (state.courseApplied.has(event.id)) return [];
    state.courseApplied.add(event.id);
    if (event.at > state.clock) state.clock = event.at;
    if (event.type === 'model_fitted') {
      state.model = clampModel(event.model, cfg.objectives);
      for (const st of state.students.values()) {
        for (const id of state.model.params.keys()) {
          const prog = st.objectives[id];
          if (prog && prog.responses === 0) prog.p = startingP(state, cfg, id);
        }
      }
      return [];
    }
    const objective = cfg.objectives.get(event.objectiveId);
    if (!objective) return [];
    const params = clampBktParams(event.params, objective.responseKind ?? 'open');
    state.params.set(objective.id, params);
    // Fitted priors reach every learner (ADR 0010): objectives nobody has answered on yet start from the new prior.
    for (const st of state.students.values()) {
      const prog = st.objectives[objective.id];
      if (prog && prog.responses === 0) prog.p = startingP(state, cfg, objective.id);
    }
    return [];
  }
  const existing = state.students.get(event.studentId);
  if (existing?.applied.has(event.id)) return [];
  const isNew = existing === undefined;
  const student = existing ?? ensureStudent(cfg, state, event.studentId);
  student.applied.add(event.id);
  if (event.at > state.clock) state.clock = event.at;
  const s: Step = { cfg, state, student, eventId: event.id, at: event.at, out: [], collect, dirty: isNew };
  // Release only when something could have changed it: a new student, release dates, or (below) a state change.
  if (isNew || cfg.hasReleaseDates) release(s);
  switch (event.type) {
    case 'response': {
      const item = cfg.items.get(event.itemId);
      if (!item) break;
      let stats = state.items.get(item.id);
      if (!stats) state.items.set(item.id, (stats = newItemStats(item.difficulty ?? 0)));
      const [primaryId] = item.objectiveIds;
      const primary = primaryId === undefined ? undefined : student.objectives[primaryId];
      const hadMastered = primary !== undefined && primary.p >= thetaFor(cfg, student);
      if (primary && primary.state !== 'locked') student.ability = updateElo(student.ability, stats, event.correct, hadMastered, cfg.elo);
      for (const o of item.objectiveIds) {
        const prog = student.objectives[o];
        if (!prog) continue;
        const was = prog.state;
        respond(s, prog, item.id, event.correct, o === primaryId);
        if (prog.state === 'reteaching' && was !== 'reteaching') reteachBoost(s, prog);
      }
      const recent = student.recentItems;
      recent.push(item.id);
      while (recent.length > cfg.recentWindow) recent.shift();
      break;
    }
    case 'unlock_override':
      if (cfg.objectives.has(event.objectiveId)) student.overrides.add(event.objectiveId);
      s.dirty = true;
      break;
    case 'grade_locked': {
      const prog = student.objectives[event.objectiveId];
      if (!prog) break;
      const grade = currentGrade(cfg, prog);
      prog.lockedGrade = grade === null ? prog.lockedGrade : Math.max(grade, prog.lockedGrade ?? -Infinity);
      emit(s, prog.objectiveId, 'grade_locked', 'due_date', prog.state, prog.state, { grade: prog.lockedGrade });
      break;
    }
    case 'evidence': {
      const prog = student.objectives[event.objectiveId];
      if (prog) observe(s, prog, event.correct);
      break;
    }
    case 'check_expired': {
      const prog = student.objectives[event.objectiveId];
      if (prog) expireCheck(s, prog);
      break;
    }
    case 'accommodations_set':
      // From the next event on; like the instructor's form, nothing already decided is revisited.
      student.accommodations = { ...event.accommodations };
      break;
    case 'reset': {
      const prog = student.objectives[event.objectiveId];
      if (!prog || prog.state !== 'not_mastered') break;
      move(s, prog, 'reset', 'reset', 'instructor_reset', { cycles: prog.cycles, opportunities: prog.opportunities });
      Object.assign(prog, { opportunities: 0, cycles: 0, guided: 0, check: null, stuck: false, wrongStreak: 0, previousCheckItemIds: [] });
      break;
    }
  }
  if (s.dirty) release(s);
  if (cfg.keepExplanations) for (const e of s.out) state.explanations.push(e);
  return s.out;
}

/**
 * Releases objectives whose release date has passed by `now` (reads call this before showing a
 * student's map). Returns the explanations produced; deterministic in `now`.
 */
export function advanceClock(state: EngineState, studentId: string, now: number, config: CompiledConfig): Explanation[] {
  const student = ensureStudent(config, state, studentId);
  const s: Step = { cfg: config, state, student, eventId: `clock:${now}`, at: now, out: [], collect: true, dirty: true };
  release(s);
  if (config.keepExplanations) for (const e of s.out) state.explanations.push(e);
  return s.out;
}

/**
 * A copy of `state` to apply the release rules to for one student (see {@link advanceClock}) without changing the
 * state itself: that student is cloned and the explanations copied; the course-wide parts (item statistics,
 * parameters, the course model) are shared, as the clock touches none of them. A whole clone copied the fitted course
 * model, every item's parameters, on every answer.
 */
export function probeOf(state: EngineState, studentId: string): EngineState {
  const students = new Map<string, StudentState>();
  const student = state.students.get(studentId);
  if (student) students.set(studentId, structuredClone(student));
  return { ...state, students, explanations: [...state.explanations] };
}

/**
 * Rebuilds the projection from the log: a deterministic fold of {@link applyEvent}.
 * Events are applied in the given order (the log's append order).
 */
export function project(events: Iterable<EngineEvent>, config: EngineConfig | CompiledConfig): EngineState {
  const cfg = isCompiled(config) ? config : compileConfig(config);
  const state = emptyState();
  state.model = cfg.model;
  for (const e of events) applyInternal(state, e, cfg, cfg.keepExplanations);
  return state;
}

/** The grade to report for an objective (points): the roll-up of its scores, never below a locked grade. */
export function reportedGrade(prog: ObjectiveProgress, config: CompiledConfig): number | null {
  const g = currentGrade(config, prog);
  if (prog.lockedGrade === null) return g;
  return g === null ? prog.lockedGrade : Math.max(g, prog.lockedGrade);
}

/** Throws `ObjectiveLocked` (ERR_OBJECTIVE_LOCKED) unless the student may answer items on the objective. */
export function assertCanAnswer(state: EngineState, studentId: string, objectiveId: string, config: CompiledConfig): void {
  const prog = state.students.get(studentId)?.objectives[objectiveId];
  const released = prog ? prog.state !== 'locked' : config.objectives.get(objectiveId)?.prerequisites.length === 0;
  if (!released) throw new ObjectiveLocked(objectiveId);
}

