/**
 * What a student did, newest first, for their "what I did" page: built from the event log (`responses`) and the
 * explanations of state changes, plus the current goal, so nothing is recorded twice. Consecutive answers on one
 * objective outside a check make one "practised" entry; a check's answers are told by its result.
 */
import type { MasteryMap } from './getMasteryMap.js';
import type { HistoryChange, HistoryResponse, StudentGoalStore } from './studentGoalPorts.js';

/** What happened, for the page's wording (no engine state names reach the page: the presenter words each kind). */
export type HistoryEntry =
  | { kind: 'practised'; at: number; objective: string; questions: number; right: number }
  | { kind: 'check_started' | 'unlocked' | 'reteach' | 'stuck' | 'review_needed' | 'remembered'; at: number; objective: string }
  | { kind: 'check_passed' | 'check_not_passed'; at: number; objective: string; right: number | null; length: number | null }
  | { kind: 'mastered' | 'badge'; at: number; objective: string }
  | { kind: 'goal_set'; at: number; objective: string; targetDate: string };

/** How many answers and changes are read (newest first): a long history shows its latest part. */
export const HISTORY_READ_LIMIT = 2000;
export const HISTORY_PAGE_SIZE = 20;

const CHANGE_KINDS: Record<string, HistoryEntry['kind'] | undefined> = {
  checking: 'check_started',
  rechecking: 'check_started',
  unlocked: 'unlocked',
  stuck: 'stuck',
  reopened: 'review_needed',
  retention_passed: 'remembered',
};

/** Groups answers (newest first) into practice sessions: a run of answers on one objective, outside checks. */
function practised(responses: readonly HistoryResponse[], titleOf: (id: string) => string | undefined): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let run: { objectiveId: string; at: number; questions: number; right: number } | null = null;
  const flush = () => {
    const title = run ? titleOf(run.objectiveId) : undefined;
    if (run && title) out.push({ kind: 'practised', at: run.at, objective: title, questions: run.questions, right: run.right });
    run = null;
  };
  for (const r of responses) {
    if (r.phase === 'check') {
      flush();
      continue;
    }
    if (!run || run.objectiveId !== r.objectiveId) {
      flush();
      run = { objectiveId: r.objectiveId, at: r.at, questions: 0, right: 0 };
    }
    run.questions += 1;
    if (r.correct) run.right += 1;
  }
  flush();
  return out;
}

function changes(list: readonly HistoryChange[], titleOf: (id: string) => string | undefined): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  // Oldest first, to know which `mastered` is an objective's first (its badge).
  const badged = new Set<string>();
  const entries: HistoryEntry[][] = [];
  for (const c of [...list].reverse()) {
    const objective = titleOf(c.objectiveId);
    if (!objective) continue;
    const here: HistoryEntry[] = [];
    if (c.kind === 'mastered') {
      here.push(c.rule === 'check_passed' ? { kind: 'check_passed', at: c.at, objective, right: c.checkCorrect, length: c.checkLength } : { kind: 'mastered', at: c.at, objective });
      if (!badged.has(c.objectiveId)) here.push({ kind: 'badge', at: c.at, objective });
      badged.add(c.objectiveId);
    } else if (c.kind === 'reteaching') {
      if (c.rule === 'check_failed') here.push({ kind: 'check_not_passed', at: c.at, objective, right: c.checkCorrect, length: c.checkLength });
      here.push({ kind: 'reteach', at: c.at, objective });
    } else {
      const kind = CHANGE_KINDS[c.kind];
      if (kind === 'check_started' || kind === 'unlocked' || kind === 'stuck' || kind === 'review_needed' || kind === 'remembered') here.push({ kind, at: c.at, objective });
    }
    entries.push(here.reverse());
  }
  for (const e of entries.reverse()) out.push(...e);
  return out;
}

/**
 * One page (1-based) of the learner's history, newest first, and whether an older page exists. Only objectives of
 * the course as it is now are named; entries about removed ones are left out.
 */
export async function listStudentHistory(
  deps: { goals: StudentGoalStore },
  input: { contextId: string; userId: string; page: number },
  map: MasteryMap,
): Promise<{ entries: HistoryEntry[]; page: number; hasOlder: boolean }> {
  const titles = new Map(map.objectives.map((o) => [o.id, o.title]));
  const titleOf = (id: string) => titles.get(id);
  const [{ responses, changes: list }, goal] = await Promise.all([deps.goals.activity(input.contextId, input.userId, HISTORY_READ_LIMIT), deps.goals.goal(input.contextId, input.userId)]);
  const all = [...changes(list, titleOf), ...practised(responses, titleOf)];
  const goalTitle = goal ? titleOf(goal.objectiveId) : undefined;
  if (goal && goalTitle) all.push({ kind: 'goal_set', at: goal.setAt, objective: goalTitle, targetDate: goal.targetDate });
  // Stable: same-time entries keep their order (a check's result before its badge).
  const sorted = all.map((e, i) => ({ e, i })).sort((a, b) => b.e.at - a.e.at || a.i - b.i).map((x) => x.e);
  const page = Math.max(1, Math.floor(input.page));
  const start = (page - 1) * HISTORY_PAGE_SIZE;
  return { entries: sorted.slice(start, start + HISTORY_PAGE_SIZE), page, hasOlder: sorted.length > start + HISTORY_PAGE_SIZE };
}
