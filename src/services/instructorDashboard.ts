/**
 * The instructor's view of a course: every student × objective (state and P(mastery)), per-objective
 * summaries, and who needs attention (stuck, wheel-spinning, falling behind) with the engine's own
 * explanations. Reads only; time-based releases are shown as of now, not stored.
 */
import type { BktParams } from '../domain/bkt.js';
import type { FitRefusal } from '../domain/fitBkt.js';
import { effectiveThreshold, type ObjectiveState } from '../domain/mastery.js';
import { advanceClock, reportedGrade, type CompiledConfig, type ObjectiveProgress, type StudentState } from '../domain/projection.js';
import { restoreState } from '../domain/learnerSnapshot.js';
import type { Accommodations } from '../domain/release.js';
import { NotFound } from '../domain/errors.js';
import type { Explanation } from '../domain/explain.js';
import type { Clock } from './ports.js';
import type { CourseRepo, LearnerStore } from './enginePorts.js';
import { loadCourse, POINTS_POSSIBLE, type LoadedCourse } from './engineModel.js';
import type { CoursePerson, InstructorStore, RosterOnlyMember, RosterStatus } from './instructorPorts.js';
import { msg, type Message, type MessageOrText } from '../domain/message.js';

/** Classifies LTI roles (src/lti/roles.ts `summariseRoles`, injected by main.ts). */
export type RoleClassifier = (roles: readonly string[]) => { isInstructor: boolean; isLearner: boolean };

/** What the dashboard use-cases need. */
export interface InstructorDashboardDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  instructor: InstructorStore;
  clock: Clock;
  classifyRoles: RoleClassifier;
  /** Tuning of the "needs attention" rules; defaults in {@link DEFAULT_ATTENTION}. */
  attention?: Partial<AttentionRules>;
}

/** When a student needs attention. */
export interface AttentionRules {
  /** Opportunities without mastery that count as wheel-spinning (default 10). */
  wheelSpinOpportunities: number;
  /** Days without an answer, while classmates answered, that count as falling behind (default 7). */
  inactiveDays: number;
  /** Mastered objectives behind the class median that count as falling behind (default 2). */
  behindMedian: number;
}

/** The default {@link AttentionRules}. */
export const DEFAULT_ATTENTION: AttentionRules = Object.freeze({ wheelSpinOpportunities: 10, inactiveDays: 7, behindMedian: 2 });

const DAY_MS = 86_400_000;

/** How far a student is on an objective, as the instructor pages count and draw it (the summary's four columns). */
export type ProgressLevel = 'mastered' | 'practising' | 'stuck' | 'notStarted';
/** The levels in the order the summary table and the pictures show them. */
export const PROGRESS_LEVELS: readonly ProgressLevel[] = ['mastered', 'practising', 'stuck', 'notStarted'];
/** The level of a state: locked or available is not started, a failed cycle cap is stuck, mastered is mastered. */
export const levelOf = (s: ObjectiveState): ProgressLevel =>
  s === 'mastered' ? 'mastered' : s === 'not_mastered' ? 'stuck' : s === 'locked' || s === 'available' ? 'notStarted' : 'practising';

/** One cell of the grid. */
export interface DashboardCell {
  objectiveId: string;
  state: ObjectiveState;
  p: number;
  responses: number;
  opportunities: number;
  cycles: number;
  stuck: boolean;
}

/** One student row. */
export interface DashboardStudent {
  /** users.id; null for a roster learner who never launched (no student page yet). */
  userId: string | null;
  name: string;
  cells: DashboardCell[];
  mastered: number;
  lastActivityAt: number | null;
  /** False for a learner on the NRPS roster who never opened Masterly in this course ("not started"). */
  started: boolean;
  /** Status in the NRPS roster (`inactive` / `deleted`: the LMS no longer lists them as active), or null when not on it. */
  rosterStatus: RosterStatus | null;
  /** The LMS's user id of a roster learner who never launched here (their roster page), else null. */
  rosterSub: string | null;
}

/** Why a student is listed under "Needs attention". */
export type AttentionReason = 'stuck' | 'wheel_spinning' | 'inactive' | 'behind_median';

/** One "needs attention" entry. */
export interface AttentionItem {
  userId: string;
  name: string;
  reason: AttentionReason;
  /** The objective concerned (stuck, wheel-spinning), or null (falling behind). */
  objectiveId: string | null;
  objectiveTitle: string | null;
  /** The engine's stored explanation for that objective (e.g. "… not mastered after 10 tries …"), or a summary. */
  explanation: MessageOrText;
  /** Facts behind the flag, in plain language. */
  detail: Message;
}

/** Objective header and summary. */
export interface DashboardObjective {
  id: string;
  key: string;
  title: string;
  /** Ids of the objectives it needs first. */
  prerequisites: string[];
  counts: Record<ProgressLevel, number>;
  /** Fitted BKT parameters (null while the defaults are used). */
  fitted: { at: number; params: BktParams } | null;
  /** The last fit was refused as degenerate after any successful one (ADR 0013): why and when; the parameters were kept. */
  refused: { at: number; code: FitRefusal } | null;
}

/** What the instructor dashboard shows. */
export interface InstructorDashboard {
  course: { title: string; threshold: number };
  objectives: DashboardObjective[];
  students: DashboardStudent[];
  attention: AttentionItem[];
  rules: AttentionRules;
  medianMastered: number;
}

/** A student's page: their objectives, explanation history and accommodations. */
export interface StudentDetail {
  /** `checkTimeLimitMinutes`: the course's check time limit before the student's multiplier (ADR 0023); null = untimed. */
  course: { title: string; threshold: number; checkTimeLimitMinutes: number | null };
  student: { userId: string; name: string; lastActivityAt: number | null };
  objectives: (DashboardCell & {
    title: string;
    key: string;
    grade: number | null;
    gradeMaximum: number;
    /** The student's θ on this objective (course θ plus their offset). */
    threshold: number;
    overridden: boolean;
    canUnlock: boolean;
    canReset: boolean;
    why: MessageOrText | null;
  })[];
  history: { objectiveId: string; objectiveTitle: string; kind: string; message: MessageOrText; at: number }[];
  /**
   * Each started objective's level over time, oldest first, from the stored explanations of its state changes (the
   * last {@link TIMELINE_EXPLANATIONS}), ending with the level as of `now`.
   */
  timelines: { objectiveId: string; title: string; steps: { at: number; level: ProgressLevel }[] }[];
  /** When the page was built (the timelines run to it). */
  now: number;
  accommodations: Required<Accommodations>;
  /** How the grades are computed (set when the grades are the LMS's: src/services/instructorServices.ts). */
  gradeHow?: string;
  /** Each activity's column in the LMS: its grade (null: none yet) and comment. */
  activityGrades?: { title: string; score: number | null; maximum: number; comment: string }[];
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** A person's projection as of `now` (release rules applied in memory, nothing stored). */
function studentNow(cfg: CompiledConfig, person: CoursePerson, now: number): StudentState {
  const slice = person.learner && (person.learner.events > 0 || person.learner.objectives.length > 0) ? person.learner : undefined;
  const state = restoreState(cfg, person.userId, slice, new Map());
  advanceClock(state, person.userId, now, cfg);
  return state.students.get(person.userId) as StudentState;
}

const cellOf = (p: ObjectiveProgress): DashboardCell => ({
  objectiveId: p.objectiveId,
  state: p.state,
  p: p.p,
  responses: p.responses,
  opportunities: p.opportunities,
  cycles: p.cycles,
  stuck: p.stuck,
});

/** Students of the course: people who are learners, or have progress and are not teaching staff. */
const isStudent = (deps: InstructorDashboardDeps, p: CoursePerson): boolean => {
  if (p.roles.length === 0) return p.learner !== undefined;
  const r = deps.classifyRoles(p.roles);
  return r.isLearner || !r.isInstructor;
};

const displayName = (p: CoursePerson) => p.name || `Student ${p.userId.slice(0, 8)}`;
const rosterName = (m: RosterOnlyMember) => m.name || `Student ${m.userSub.slice(0, 8)}`;

const countLevels = (states: readonly ObjectiveState[]): Record<ProgressLevel, number> => {
  const counts: Record<ProgressLevel, number> = { mastered: 0, practising: 0, stuck: 0, notStarted: 0 };
  for (const s of states) counts[levelOf(s)]++;
  return counts;
};

/** Builds the dashboard of a context. Throws NotFound when no course was imported. */
export async function getInstructorDashboard(deps: InstructorDashboardDeps, input: { contextId: string }): Promise<InstructorDashboard> {
  const rules: AttentionRules = { ...DEFAULT_ATTENTION, ...deps.attention };
  const course = await loadCourse(deps, input.contextId);
  const cfg = course.config;
  const now = deps.clock.now();
  const [people, rosterOnly, fittedAt, refusals] = await Promise.all([
    deps.instructor.people(input.contextId),
    deps.instructor.rosterOnly(input.contextId),
    deps.instructor.fittedAt(input.contextId),
    deps.instructor.fitRefusals(input.contextId),
  ]);
  const students = people
    .filter((p) => isStudent(deps, p))
    .map((p) => ({ person: p, state: studentNow(cfg, p, now) }))
    .sort((a, b) => displayName(a.person).localeCompare(displayName(b.person)) || a.person.userId.localeCompare(b.person.userId));

  const rows: DashboardStudent[] = students.map(({ person, state }) => {
    const cells = cfg.order.map((id) => cellOf(state.objectives[id] as ObjectiveProgress));
    return {
      userId: person.userId,
      name: displayName(person),
      cells,
      mastered: cells.filter((c) => c.state === 'mastered').length,
      lastActivityAt: person.lastActivityAt,
      started: true,
      rosterStatus: person.rosterStatus,
      rosterSub: null,
    };
  });
  // Learners on the NRPS roster who never opened Masterly here: "not started", with the state a first launch gives.
  const fresh = restoreState(cfg, '', undefined, new Map());
  const start = (advanceClock(fresh, '', now, cfg), fresh.students.get('') as StudentState);
  const notStarted: DashboardStudent[] = rosterOnly
    .filter((m) => deps.classifyRoles(m.roles).isLearner)
    .map((m) => ({
      userId: m.userId,
      name: rosterName(m),
      cells: cfg.order.map((id) => cellOf(start.objectives[id] as ObjectiveProgress)),
      mastered: 0,
      lastActivityAt: null,
      started: false,
      rosterStatus: m.status,
      rosterSub: m.userSub,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const objectives: DashboardObjective[] = cfg.order.map((id, i) => {
    const o = course.objectives.get(id);
    const states = [...rows, ...notStarted].map((r) => (r.cells[i] as DashboardCell).state);
    const fitted = fittedAt.get(id);
    return {
      id,
      key: o?.key ?? id,
      title: o?.title ?? id,
      prerequisites: o?.prerequisites ?? [],
      counts: countLevels(states),
      fitted: fitted !== undefined && o?.bktFitted ? { at: fitted, params: o.bkt } : null,
      refused: refusals.get(id) ?? null,
    };
  });

  // Needs attention: among students who started (a roster row says "not started" by itself).
  const medianMastered = median(rows.map((r) => r.mastered));
  const since = now - rules.inactiveDays * DAY_MS;
  const flags: Omit<AttentionItem, 'explanation'>[] = [];
  const titleOf = (id: string) => course.objectives.get(id)?.title ?? id;
  for (const r of rows) {
    if (r.userId === null) continue;
    for (const c of r.cells) {
      if (c.state === 'not_mastered') {
        flags.push({
          userId: r.userId,
          name: r.name,
          reason: 'stuck',
          objectiveId: c.objectiveId,
          objectiveTitle: titleOf(c.objectiveId),
          detail: msg('instructor.attention.stuck', { count: c.cycles, tries: c.opportunities }),
        });
      } else if (c.state !== 'mastered' && c.opportunities >= rules.wheelSpinOpportunities) {
        flags.push({
          userId: r.userId,
          name: r.name,
          reason: 'wheel_spinning',
          objectiveId: c.objectiveId,
          objectiveTitle: titleOf(c.objectiveId),
          detail: msg('instructor.attention.wheelSpinning', { tries: c.opportunities, p: c.p }),
        });
      }
    }
    const classmatesActive = rows.some((o) => o.userId !== r.userId && o.lastActivityAt !== null && o.lastActivityAt >= since);
    if (classmatesActive && (r.lastActivityAt === null || r.lastActivityAt < since)) {
      flags.push({
        userId: r.userId,
        name: r.name,
        reason: 'inactive',
        objectiveId: null,
        objectiveTitle: null,
        detail:
          r.lastActivityAt === null
            ? msg('instructor.attention.neverAnswered', { count: rules.inactiveDays })
            : msg('instructor.attention.inactive', { count: Math.floor((now - r.lastActivityAt) / DAY_MS) }),
      });
    } else if (medianMastered - r.mastered >= rules.behindMedian) {
      flags.push({
        userId: r.userId,
        name: r.name,
        reason: 'behind_median',
        objectiveId: null,
        objectiveTitle: null,
        detail: msg('instructor.attention.behindMedian', { count: r.mastered, median: medianMastered }),
      });
    }
  }
  const pairs = flags.filter((f) => f.objectiveId !== null).map((f) => ({ userId: f.userId, objectiveId: f.objectiveId as string }));
  const latest = pairs.length ? await deps.instructor.latestExplanations(input.contextId, pairs) : new Map<string, Explanation>();
  const attention = flags.map((f): AttentionItem => {
    const e = f.objectiveId ? latest.get(`${f.userId}:${f.objectiveId}`) : undefined;
    return { ...f, explanation: e?.message ?? f.detail };
  });
  const order: Record<AttentionReason, number> = { stuck: 0, wheel_spinning: 1, inactive: 2, behind_median: 3 };
  attention.sort((a, b) => order[a.reason] - order[b.reason] || a.name.localeCompare(b.name));

  return { course: { title: course.snapshot.settings.title, threshold: cfg.threshold }, objectives, students: [...rows, ...notStarted], attention, rules, medianMastered };
}

/** The accommodations in force when none were set. */
export const NO_ACCOMMODATIONS: Required<Accommodations> = Object.freeze({ thresholdOffset: 0, extraCycles: 0, extraOpportunities: 0, timeMultiplier: 1 });

/** Finds a student of the course, or throws NotFound. */
export async function findStudent(deps: InstructorDashboardDeps, contextId: string, userId: string): Promise<CoursePerson> {
  const person = (await deps.instructor.people(contextId)).find((p) => p.userId === userId);
  if (!person || !isStudent(deps, person)) throw new NotFound('This student');
  return person;
}

/**
 * Level changes per started objective: the level before the first stored change, then each change (explanations are
 * newest first), then the level now (time-based changes are not stored). Objectives never started are left out.
 */
function timelinesOf(order: readonly string[], newestFirst: readonly Explanation[], student: StudentState, now: number, titleOf: (id: string) => string): StudentDetail['timelines'] {
  const out: StudentDetail['timelines'] = [];
  for (const id of order) {
    const steps: { at: number; level: ProgressLevel }[] = [];
    const push = (at: number, level: ProgressLevel) => {
      if (steps[steps.length - 1]?.level !== level) steps.push({ at, level });
    };
    for (let i = newestFirst.length - 1; i >= 0; i--) {
      const e = newestFirst[i] as Explanation;
      if (e.objectiveId !== id || e.to === null) continue;
      if (steps.length === 0) push(e.at, levelOf(e.from ?? 'locked'));
      push(e.at, levelOf(e.to));
    }
    const current = (student.objectives[id] as ObjectiveProgress | undefined)?.state ?? 'locked';
    push(now, levelOf(current));
    if (steps.some((s) => s.level !== 'notStarted')) out.push({ objectiveId: id, title: titleOf(id), steps });
  }
  return out;
}

/** Explanations read for a student's timelines (the history table shows the newest 200 of them). */
export const TIMELINE_EXPLANATIONS = 1000;

/** One student's page: objectives (with what the instructor may do), explanation history, accommodations. */
export async function getStudentDetail(deps: InstructorDashboardDeps, input: { contextId: string; userId: string }): Promise<StudentDetail> {
  const course: LoadedCourse = await loadCourse(deps, input.contextId);
  const cfg = course.config;
  const person = await findStudent(deps, input.contextId, input.userId);
  const now = deps.clock.now();
  const student = studentNow(cfg, person, now);
  const [history, all] = await Promise.all([
    deps.learners.listExplanations(input.contextId, input.userId, { limit: TIMELINE_EXPLANATIONS }),
    deps.learners.accommodations(input.contextId),
  ]);
  const acc: Required<Accommodations> = { ...NO_ACCOMMODATIONS, ...all[input.userId] };
  const latest = new Map<string, MessageOrText>();
  for (const e of history) if (!latest.has(e.objectiveId)) latest.set(e.objectiveId, e.message);
  const titleOf = (id: string) => course.objectives.get(id)?.title ?? id;
  const theta = effectiveThreshold(cfg.threshold, acc.thresholdOffset);
  return {
    course: { title: course.snapshot.settings.title, threshold: cfg.threshold, checkTimeLimitMinutes: course.snapshot.settings.checkTimeLimitMinutes },
    student: { userId: person.userId, name: displayName(person), lastActivityAt: person.lastActivityAt },
    objectives: cfg.order.map((id) => {
      const prog = student.objectives[id] as ObjectiveProgress;
      return {
        ...cellOf(prog),
        title: titleOf(id),
        key: course.objectives.get(id)?.key ?? id,
        grade: reportedGrade(prog, cfg),
        gradeMaximum: POINTS_POSSIBLE,
        threshold: theta,
        overridden: student.overrides.has(id),
        canUnlock: prog.state === 'locked',
        canReset: prog.state === 'not_mastered',
        why: latest.get(id) ?? null,
      };
    }),
    history: history.slice(0, 200).map((e) => ({ objectiveId: e.objectiveId, objectiveTitle: titleOf(e.objectiveId), kind: e.kind, message: e.message, at: e.at })),
    timelines: timelinesOf(cfg.order, history, student, now, titleOf),
    now,
    accommodations: acc,
  };
}

/**
 * A roster member's page: a learner on the course's NRPS roster, or where to go now that they opened Masterly here.
 * `started: false`: they never launched in this course (nothing to show but who they are and their roster status).
 */
export type RosterMemberDetail =
  | { started: true; userId: string }
  | { started: false; course: { title: string }; member: { userSub: string; name: string; status: RosterStatus } };

/**
 * Finds a learner on this course's NRPS roster by their LMS user id (`sub`). Throws NotFound when this course's roster
 * does not list them as a learner (another course's members included), or when they launched but are not a student.
 */
export async function getRosterMember(deps: InstructorDashboardDeps, input: { contextId: string; userSub: string }): Promise<RosterMemberDetail> {
  const course = await loadCourse(deps, input.contextId);
  const m = await deps.instructor.rosterMember(input.contextId, input.userSub);
  if (!m) throw new NotFound('This student');
  if (m.launched && m.userId !== null) return { started: true, userId: (await findStudent(deps, input.contextId, m.userId)).userId };
  if (!deps.classifyRoles(m.roles).isLearner) throw new NotFound('This student');
  return { started: false, course: { title: course.snapshot.settings.title }, member: { userSub: m.userSub, name: rosterName(m), status: m.status } };
}
