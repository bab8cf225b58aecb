/**
 * Shared set-up for the passback tests: a real tool (start()) and the LMS emulator, people launched so
 * their contexts carry AGS/NRPS claims, and helpers that feed mastery changes through the engine's hook
 * inside a real database transaction, exactly as submitResponse does.
 */
import { expect } from 'vitest';
import type { Mode } from '../../src/devplatform/index.js';
import type { ObjectiveState } from '../../src/domain/mastery.js';
import type { MasteryChange } from '../../src/services/enginePorts.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { buildAdvantage, type Advantage, type AdvantageOptions } from '../../src/advantage.js';
import { startRig, type LaunchRig } from '../support/tool.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';

export const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
export const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

/** Fast retries for tests (the schedule, not the assertions, is what changes). */
export const FAST_RETRY = { baseMs: 20, maxMs: 400, maxAttempts: 50 };

export interface PassbackRig extends LaunchRig {
  contextId: string;
  /** sub → users.id of everyone launched. */
  userIds: Map<string, string>;
  students: string[];
  instructorSub: string;
  adv: Advantage;
  /** The browser (session cookie) of everyone launched, by sub. */
  browsers: Map<string, TestBrowser>;
}

/** Starts tool + emulator, launches the instructor and `students` learners (emulator ids). */
export async function startPassbackRig(
  mode: Mode,
  opts: { students?: number; env?: Record<string, string>; advantage?: Partial<AdvantageOptions>; lmsNow?: () => number; perObjective?: boolean } = {},
): Promise<PassbackRig> {
  const rig = await startRig(mode, { gradeWorker: false, ...(opts.env ? { env: opts.env } : {}), ...(opts.lmsNow ? { lmsNow: opts.lmsNow } : {}) } as never);
  const instructor = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('TeachingAssistant')));
  const learners = rig.lms.devplatform.users.filter((u) => u.roles.includes(LEARNER) && u.status === 'Active' && u.name);
  const students = learners.slice(0, opts.students ?? 4).map((u) => u.id);
  const browsers = new Map<string, TestBrowser>();
  for (const sub of [instructor!.id, ...students]) {
    const { response, browser } = await launchAs(rig.lms, rig.toolUrl, { userId: sub });
    expect(response.status, await response.clone().text()).toBe(200);
    browsers.set(sub, browser);
  }
  const db = rig.tool.db.kysely;
  const ctx = await db.selectFrom('contexts').select('id').executeTakeFirstOrThrow();
  const users = await db.selectFrom('users').select(['id', 'sub']).execute();
  const adv = buildAdvantage({ db: rig.tool.db, signer: rig.tool.keys, retry: FAST_RETRY, leaseMs: 3000, ...opts.advantage });
  // These suites grade objectives one column each: the instructor's opt-in (the default is one column per placement).
  if (opts.perObjective !== false) await adv.lineItems.savePolicy({ ...defaultPolicy(ctx.id), perObjective: true, activityGrade: 'objective_grade' }, Date.now());
  return { ...rig, browsers, contextId: ctx.id, userIds: new Map(users.map((u) => [u.sub, u.id])), students, instructorSub: instructor!.id, adv };
}

/** Runs the hook in its own unit of work, as the engine's submitResponse does. */
export async function masteryChange(rig: PassbackRig, sub: string, objectiveId: string, p: number, state: ObjectiveState, occurredAt: number): Promise<void> {
  const change: MasteryChange = {
    contextId: rig.contextId,
    userId: rig.userIds.get(sub)!,
    objectiveId,
    objectiveKey: objectiveId,
    pBefore: 0,
    pAfter: p,
    stateBefore: 'available',
    stateAfter: state,
    grade: state === 'mastered' ? 100 : 0,
    gradeMaximum: 100,
    attemptId: `attempt-${sub}-${objectiveId}-${occurredAt}`,
    occurredAt,
  };
  await rig.tool.composition.repos.learners.inTransaction((tx) => rig.adv.afterMasteryChange(tx, change));
}

/** The emulator's gradebook as { `${resourceId}|${userId}`: scoreGiven }. */
export async function gradebook(rig: LaunchRig): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const r of await rig.lms.devplatform.results()) out[`${r.resourceId ?? r.label}|${r.userId}`] = r.scoreGiven;
  return out;
}

/** Asserts the emulator's score history never goes back in time per user and line item, and every score applied. */
export async function expectOrderedHistory(rig: LaunchRig): Promise<void> {
  const last = new Map<string, number>();
  for (const s of await rig.lms.devplatform.scoreHistory()) {
    const key = `${s.lineItemId}|${s.userId}`;
    const t = Date.parse(s.timestamp);
    expect(t, `timestamps for ${key}`).toBeGreaterThanOrEqual(last.get(key) ?? 0);
    expect(s.applied).toBe(true);
    last.set(key, t);
  }
}
