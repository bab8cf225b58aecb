/**
 * The instructor use-cases bound to their dependencies (what the instructor dashboard router calls).
 * Built once in src/main.ts.
 */
import type { Accommodations } from '../domain/release.js';
import { writePyBktCsv } from '../domain/csv.js';
import { loadCourse } from './engineModel.js';
import { resetObjective, setAccommodations, unlockObjective, type InstructorActionDeps, type InstructorActionResult } from './instructorActions.js';
import { getInstructorDashboard, getRosterMember, getStudentDetail, type AttentionRules, type RosterMemberDetail, type InstructorDashboard, type StudentDetail } from './instructorDashboard.js';
import type { GradeLineItemRepo } from './servicePorts.js';
import { studentGrades } from './studentGrades.js';
import { getItemStatistics, type ItemStatistics } from './itemStatistics.js';

/** Everything the instructor use-cases need: the actions' dependencies, with the dashboard's attention rules and the gradebook. */
export interface InstructorDeps extends InstructorActionDeps {
  attention?: Partial<AttentionRules>;
  /** The gradebook: when given, the student page shows each grade as the LMS holds it (src/services/studentGrades.ts). */
  grades?: GradeLineItemRepo;
}

/** The student page with each objective's grade replaced by the one the LMS holds, and how it is computed. */
async function studentDetailWithLmsGrades(deps: InstructorDeps, input: { contextId: string; userId: string }): Promise<StudentDetail> {
  const detail = await getStudentDetail(deps, input);
  if (!deps.grades) return detail;
  const g = await studentGrades({ lineItems: deps.grades }, { ...input, objectiveIds: detail.objectives.map((o) => o.objectiveId) });
  return {
    ...detail,
    gradeHow: g.how,
    activityGrades: g.activities,
    objectives: detail.objectives.map((o) => {
      const lms = g.byObjective.get(o.objectiveId);
      return lms ? { ...o, grade: lms.score, gradeMaximum: lms.maximum } : o;
    }),
  };
}

/** An instructor action on one student's objective. */
export interface ObjectiveActionInput {
  contextId: string;
  userId: string;
  objectiveId: string;
  /** The instructor (users.id), recorded with the event. */
  actorUserId: string;
}

/** The instructor use-cases. */
export interface InstructorServices {
  getInstructorDashboard(input: { contextId: string }): Promise<InstructorDashboard>;
  getStudentDetail(input: { contextId: string; userId: string }): Promise<StudentDetail>;
  /** A learner on the course's roster who never opened Masterly here, or their users.id once they have. */
  getRosterMember(input: { contextId: string; userSub: string }): Promise<RosterMemberDetail>;
  /** Sets a student's accommodations (an `accommodations_set` event); `actorUserId` is recorded with it. */
  setAccommodations(input: { contextId: string; userId: string; accommodations: unknown; actorUserId?: string }): Promise<Required<Accommodations>>;
  unlockObjective(input: ObjectiveActionInput): Promise<InstructorActionResult>;
  resetObjective(input: ObjectiveActionInput): Promise<InstructorActionResult>;
  /** Every question of the course with how it behaves (difficulty, discrimination, guessing, flags). */
  getItemStatistics(input: { contextId: string }): Promise<ItemStatistics>;
  /** The course's answers as pyBKT-style CSV (issue 10 §5), with a file name for the download. */
  exportResponses(input: { contextId: string }): Promise<{ fileName: string; csv: string; rows: number }>;
}

/** The course's answers for researchers' tools (pyBKT, `npm run model`); no names or e-mail addresses. */
async function exportCourseResponses(deps: InstructorDeps, input: { contextId: string }): Promise<{ fileName: string; csv: string; rows: number }> {
  const course = await loadCourse(deps, input.contextId);
  const rows = await deps.instructor.exportResponses(input.contextId);
  const slug = course.snapshot.settings.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'course';
  return { fileName: `${slug}-responses.csv`, csv: writePyBktCsv(rows), rows: rows.length };
}

/** Binds the instructor use-cases to their dependencies. */
export function buildInstructorServices(deps: InstructorDeps): InstructorServices {
  return {
    getInstructorDashboard: (input) => getInstructorDashboard(deps, input),
    getStudentDetail: (input) => studentDetailWithLmsGrades(deps, input),
    getRosterMember: (input) => getRosterMember(deps, input),
    setAccommodations: (input) => setAccommodations(deps, input),
    unlockObjective: (input) => unlockObjective(deps, input),
    resetObjective: (input) => resetObjective(deps, input),
    getItemStatistics: (input) => getItemStatistics(deps, input),
    exportResponses: (input) => exportCourseResponses(deps, input),
  };
}
