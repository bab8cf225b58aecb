/**
 * A student's goal (master one objective by a date) and badges (one per objective ever mastered), read beside the
 * mastery map. Decisions: docs/decisions/0024-student-goals-confidence-badges.md. The engine never reads any of it.
 */
import { ValidationFailed } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { ObjectiveState } from '../domain/mastery.js';
import type { Clock } from './ports.js';
import type { MasteryMap } from './getMasteryMap.js';
import type { StudentGoalStore } from './studentGoalPorts.js';

export interface StudentGoalDeps {
  goals: StudentGoalStore;
  clock: Clock;
  /** The learner's mastery map (the engine's getMasteryMap). */
  masteryMap(input: { contextId: string; userId: string }): Promise<MasteryMap>;
}

const DAY = 86_400_000;
/** The latest target date accepted: about two years ahead. */
const MAX_DAYS_AHEAD = 731;

/** A calendar day 'YYYY-MM-DD' as epoch ms at 00:00 UTC, or NaN when it is not a real day. */
export function dayOf(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return NaN;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date ? ms : NaN;
}

/**
 * Today's date somewhere on Earth at the latest: the calendar day in UTC−12. A student anywhere can pick "today"
 * without their time zone being known (a date a few hours "past" in UTC is still today for them).
 */
export const earliestToday = (now: number): string => new Date(now - 12 * 3_600_000).toISOString().slice(0, 10);

/** Sets (or changes) the learner's goal: an objective of the course not mastered yet (locked is fine) and a day from today on. */
export async function setStudentGoal(deps: StudentGoalDeps, input: { contextId: string; userId: string; objectiveId: string; targetDate: string }): Promise<void> {
  const now = deps.clock.now();
  const issues: { path: string; message: string }[] = [];
  const map = await deps.masteryMap({ contextId: input.contextId, userId: input.userId });
  const o = map.objectives.find((x) => x.id === input.objectiveId);
  if (!o) issues.push({ path: 'objectiveId', message: 'goals.pickObjective' });
  else if (o.state === 'mastered') issues.push({ path: 'objectiveId', message: 'goals.alreadyMastered' });
  const day = dayOf(input.targetDate);
  if (input.targetDate === '') issues.push({ path: 'targetDate', message: 'goals.dateMissing' });
  else if (Number.isNaN(day)) issues.push({ path: 'targetDate', message: 'goals.dateInvalid' });
  else if (input.targetDate < earliestToday(now)) issues.push({ path: 'targetDate', message: 'goals.datePast' });
  else if (day > now + MAX_DAYS_AHEAD * DAY) issues.push({ path: 'targetDate', message: 'goals.dateTooFar' });
  // Each issue's message is a catalogue key, shown beside its field; one problem is also the error's own message.
  if (issues.length) throw new ValidationFailed('The goal was not saved.', issues, msg(issues.length === 1 ? (issues[0]?.message ?? 'goals.fixBelow') : 'goals.fixBelow'));
  await deps.goals.saveGoal(input.contextId, input.userId, { objectiveId: input.objectiveId, targetDate: input.targetDate, setAt: now });
}

/** Removes the learner's goal (nothing happens when there is none). */
export async function removeStudentGoal(deps: Pick<StudentGoalDeps, 'goals'>, input: { contextId: string; userId: string }): Promise<void> {
  await deps.goals.removeGoal(input.contextId, input.userId);
}

/** Where a goal stands: reached, its day passed, its objective still locked, or under way. */
export type GoalStatus = 'reached' | 'passed' | 'locked' | 'under_way';

export interface GoalView {
  objectiveId: string;
  title: string;
  targetDate: string;
  setAt: number;
  /** Whole days from today (UTC) to the target day; negative once it passed. */
  daysLeft: number;
  status: GoalStatus;
  state: ObjectiveState;
  /** What to master first when the objective is locked (titles). */
  lockedUntil: string[];
}

export interface BadgeView {
  objectiveId: string;
  title: string;
  earnedAt: number;
}

/** The learner's goal and badges, beside a mastery map already read. */
export async function getStudentGoals(deps: Pick<StudentGoalDeps, 'goals' | 'clock'>, input: { contextId: string; userId: string }, map: MasteryMap): Promise<{ goal: GoalView | null; badges: BadgeView[] }> {
  const [goal, earned] = await Promise.all([deps.goals.goal(input.contextId, input.userId), deps.goals.badges(input.contextId, input.userId)]);
  const byId = new Map(map.objectives.map((o) => [o.id, o]));
  // Badges of objectives no longer in the course are kept in the data but not shown (they have no title to show).
  const badges = earned.flatMap((b) => {
    const o = byId.get(b.objectiveId);
    return o ? [{ objectiveId: b.objectiveId, title: o.title, earnedAt: b.earnedAt }] : [];
  });
  const o = goal ? byId.get(goal.objectiveId) : undefined;
  if (!goal || !o) return { goal: null, badges };
  const today = dayOf(earliestToday(deps.clock.now()));
  const daysLeft = Math.round((dayOf(goal.targetDate) - today) / DAY);
  const reached = o.state === 'mastered' || earned.some((b) => b.objectiveId === o.id && b.earnedAt >= goal.setAt);
  const status: GoalStatus = reached ? 'reached' : daysLeft < 0 ? 'passed' : o.state === 'locked' ? 'locked' : 'under_way';
  return { goal: { objectiveId: o.id, title: o.title, targetDate: goal.targetDate, setAt: goal.setAt, daysLeft, status, state: o.state, lockedUntil: o.lockedUntil }, badges };
}
