/**
 * Elo-style ratings: student ability and item difficulty on one scale, updated after each response,
 * used to match items to students and to flag items that behave badly.
 *
 * @see https://doi.org/10.1016/j.compedu.2011.03.006 (Pelánek, Elo in adaptive practice)
 */

/** Elo settings: logistic scale (400), student K, item K (shrinks with use), flag limits. */
export interface EloConfig {
  readonly scale: number;
  readonly studentK: number;
  /** Item K = itemK / (1 + n / itemKHalfLife): items settle as evidence accumulates. */
  readonly itemK: number;
  readonly itemKHalfLife: number;
  /** Flag when |difficulty − initial| exceeds this after `minResponses`. */
  readonly driftLimit: number;
  /** Flag when students who had mastered the objective get it right less often than this. */
  readonly masteredMinCorrectRate: number;
  readonly minResponses: number;
}

/** The default {@link EloConfig}. */
export const DEFAULT_ELO: EloConfig = Object.freeze({
  scale: 400,
  studentK: 32,
  itemK: 48,
  itemKHalfLife: 20,
  driftLimit: 400,
  masteredMinCorrectRate: 0.6,
  minResponses: 30,
});

/** Running statistics of one item. */
export interface ItemStats {
  difficulty: number;
  readonly initialDifficulty: number;
  responses: number;
  correct: number;
  /** Responses from students whose P(mastery) was ≥ θ at the time, and how many were right. */
  masteredResponses: number;
  masteredCorrect: number;
}

/** Fresh statistics for an item authored at `difficulty` (0 = average). */
export function newItemStats(difficulty = 0): ItemStats {
  return { difficulty, initialDifficulty: difficulty, responses: 0, correct: 0, masteredResponses: 0, masteredCorrect: 0 };
}

/** Expected score (probability right) of a student of `ability` on an item of `difficulty`: 1 / (1 + 10^((d − a)/scale)). */
export function expectedScore(ability: number, difficulty: number, scale = DEFAULT_ELO.scale): number {
  return 1 / (1 + Math.pow(10, (difficulty - ability) / scale));
}

/**
 * Updates ability and item statistics after one response (mutates `item`, returns the new ability).
 * `studentHadMastered` feeds the mastered-population check.
 */
export function updateElo(ability: number, item: ItemStats, correct: boolean, studentHadMastered: boolean, cfg: EloConfig = DEFAULT_ELO): number {
  const e = expectedScore(ability, item.difficulty, cfg.scale);
  const r = correct ? 1 : 0;
  const kItem = cfg.itemK / (1 + item.responses / cfg.itemKHalfLife);
  item.difficulty -= kItem * (r - e);
  item.responses++;
  if (correct) item.correct++;
  if (studentHadMastered) {
    item.masteredResponses++;
    if (correct) item.masteredCorrect++;
  }
  return ability + cfg.studentK * (r - e);
}

/** Reasons an item is flagged for the instructor. */
export type ItemFlag = 'difficulty_drift' | 'fails_mastered_students';

/** Flags an item whose difficulty drifted far from its authored value, or that students who mastered the objective often miss. */
export function itemFlags(item: ItemStats, cfg: EloConfig = DEFAULT_ELO): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (item.responses >= cfg.minResponses && Math.abs(item.difficulty - item.initialDifficulty) > cfg.driftLimit) flags.push('difficulty_drift');
  if (item.masteredResponses >= cfg.minResponses && item.masteredCorrect / item.masteredResponses < cfg.masteredMinCorrectRate) flags.push('fails_mastered_students');
  return flags;
}
