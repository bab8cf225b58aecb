/**
 * After a validated launch from a resource link: remembers the placement and its own grade column (the AGS
 * `lineitem` claim), so the activity's column receives the activity-level grade — for deep-linked activities and for
 * ones added by hand, in Moodle's "grade sync only" mode too (docs/decisions/0014-placement-columns.md). When the
 * column is new to Masterly it is filled at once with every learner's current grade.
 */
import { CUSTOM_ACTIVITY, CUSTOM_OBJECTIVE, WHOLE_UNIT } from './deepLinking.js';
import { enqueueScores } from './enqueueGradeChange.js';
import type { CourseRepo } from './enginePorts.js';
import type { Clock } from './ports.js';
import type { GradeLineItemRepo } from './servicePorts.js';

export interface RememberPlacementDeps {
  lineItems: GradeLineItemRepo;
  courses: Pick<CourseRepo, 'snapshot'>;
  clock: Clock;
}

/** What a launch says about its placement. */
export interface PlacementLaunch {
  contextId: string;
  resourceLink: { id: string; title?: string };
  /** The launch's custom parameters (`masterly_activity`, `masterly_objective`). */
  custom: Record<string, unknown>;
  /** The AGS `lineitem` claim: the placement's own column. */
  lineItemUrl: string | null;
}

/** The activity id of a placement added by hand (no deep-linked activity of ours): one per resource link. */
export const linkActivityId = (resourceLinkId: string): string => `link-${resourceLinkId}`;

/** Records the placement; returns how many scores were queued to fill its column (0 when nothing changed). */
export async function rememberPlacement(deps: RememberPlacementDeps, l: PlacementLaunch): Promise<number> {
  const customActivity = typeof l.custom[CUSTOM_ACTIVITY] === 'string' ? l.custom[CUSTOM_ACTIVITY] : undefined;
  const deepLinked = customActivity ? await deps.lineItems.activity(l.contextId, customActivity) : undefined;
  // A link without a column of its own (a course menu link) and not one of our deep-linked activities grades nothing.
  if (!deepLinked && !l.lineItemUrl) return 0;
  let objectiveIds = deepLinked?.objectiveIds;
  if (!objectiveIds) {
    const snap = await deps.courses.snapshot(l.contextId);
    const objectives = snap?.objectives ?? [];
    const key = l.custom[CUSTOM_OBJECTIVE];
    const one = typeof key === 'string' && customActivity !== WHOLE_UNIT ? objectives.find((o) => o.key === key) : undefined;
    objectiveIds = one ? [one.id] : objectives.map((o) => o.id);
  }
  if (!objectiveIds.length) return 0;
  const activityId = deepLinked?.activityId ?? linkActivityId(l.resourceLink.id);
  const now = deps.clock.now();
  const changed = await deps.lineItems.place(
    l.contextId,
    { activityId, title: deepLinked?.title ?? l.resourceLink.title ?? 'Masterly', objectiveIds, resourceLinkId: l.resourceLink.id, lineItemUrl: l.lineItemUrl },
    now,
  );
  if (!changed) return 0;
  return fillColumn(deps, l.contextId, objectiveIds, now);
}

/** Queues every learner's current grade for the columns covering `objectiveIds` (a new placement's column). */
export async function fillColumn(deps: Pick<RememberPlacementDeps, 'lineItems'>, contextId: string, objectiveIds: readonly string[], now: number): Promise<number> {
  let queued = 0;
  const covered = new Set(objectiveIds);
  for (const u of await deps.lineItems.standingUsers(contextId)) {
    const ids = u.objectiveIds.filter((id) => covered.has(id));
    if (ids.length) queued += await deps.lineItems.withGrades((tx) => enqueueScores(tx, contextId, u.userId, ids, now, now));
  }
  return queued;
}
