/**
 * A learner simulator for the model bench (issue 10 §4) that is NOT the model being evaluated:
 *
 * - a spread of ability a ~ N(0, 1) that shifts each learner's prior, learning rate, guess and slip;
 * - items of varying difficulty and guessability (per-item guess 0.1–0.3 and slip 0.05–0.2, harder items slip
 *   more and are guessed less);
 * - forgetting per opportunity (0.5–3 % per objective) and over elapsed time between sessions (1–3 % per day);
 * - learning from reteach: entering the product's `reteaching` state gives the learner an extra chance to learn.
 *
 * Each learner × objective is simulated online against the PRODUCT's projection (`applyEvent`, the same function
 * the service uses), so the product's decisions (check, reteach, cap) shape the sequence. The oracle knows every
 * generating parameter (not the hidden state) and filters exactly; the product sees only the responses.
 * Everything is seeded.
 */
import { applyEvent, compileConfig, emptyState, paramsInForce, predictResponse, type CompiledConfig, type EngineConfig, type EngineState, type ObjectiveProgress } from '../../src/domain/projection.js';
import { predictCorrect, type BktParams } from '../../src/domain/bkt.js';
import { mulberry32, uniform, type Rng } from '../../src/domain/random.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const DAY = 86_400_000;

/** Standard normal draw (Box–Muller). */
function normal(rng: Rng): number {
  const u = Math.max(1e-12, rng.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export interface SimItem {
  readonly id: string;
  readonly guess: number;
  readonly slip: number;
}
export interface SimObjective {
  readonly id: string;
  readonly prior: number;
  readonly learn: number;
  /** Forgetting per opportunity. */
  readonly forget: number;
  /** Forgetting rate per day between responses (P(forget over g days) = 1 − e^(−rate·g)). */
  readonly forgetPerDay: number;
  /** Extra chance to learn when the product starts reteaching. */
  readonly reteach: number;
  readonly items: readonly SimItem[];
}
/** The generating world of one seed. */
export interface SimWorld {
  readonly objectives: readonly SimObjective[];
  /** How strongly ability shifts prior, learning, slip and guess (on the logit scale). */
  readonly abilityEffect: { prior: number; learn: number; slip: number; guess: number };
}

/** A world in the ranges published BKT fits report. */
export function makeWorld(seed: number, objectives = 3, itemsPerObjective = 12): SimWorld {
  const rng = mulberry32(seed);
  const objs: SimObjective[] = [];
  for (let o = 0; o < objectives; o++) {
    const items: SimItem[] = [];
    for (let i = 0; i < itemsPerObjective; i++) {
      const hard = rng.next(); // 0 easy … 1 hard
      items.push({
        id: `o${o}-i${i}`,
        guess: Math.min(0.3, Math.max(0.1, 0.3 - 0.2 * hard + uniform(rng, -0.03, 0.03))),
        slip: Math.min(0.2, Math.max(0.05, 0.05 + 0.15 * hard + uniform(rng, -0.02, 0.02))),
      });
    }
    objs.push({
      id: `o${o}`,
      prior: uniform(rng, 0.1, 0.35),
      learn: uniform(rng, 0.08, 0.25),
      forget: uniform(rng, 0.005, 0.03),
      forgetPerDay: uniform(rng, 0.01, 0.03),
      reteach: uniform(rng, 0.25, 0.45),
      items,
    });
  }
  return { objectives: objs, abilityEffect: { prior: 0.8, learn: 0.6, slip: 0.4, guess: 0.3 } };
}

/** The product's course for a world: one multiple-choice objective per simulated one, no prerequisites. */
export function productConfig(world: SimWorld, extra: Partial<EngineConfig> = {}): CompiledConfig {
  return compileConfig({
    objectives: world.objectives.map((o) => ({ id: o.id, title: o.id, prerequisites: [], responseKind: 'multiple_choice' as const })),
    items: world.objectives.flatMap((o) => o.items.map((i) => ({ id: i.id, objectiveIds: [o.id] }))),
    keepExplanations: false,
    ...extra,
  });
}

/** One simulated learner × objective: what happened at each response (index t = the t-th response). */
export interface PairTrace {
  readonly learnerId: string;
  readonly objectiveId: string;
  readonly itemIds: string[];
  readonly correct: boolean[];
  readonly at: number[];
  /** True hidden state when the response was given. */
  readonly known: boolean[];
  /** Oracle P(correct) before the response (all generating parameters known, hidden state filtered). */
  readonly oracle: number[];
  /** The product's P(correct) before the response (`predictResponse`: BKT with the Elo term, or the course model once fitted). */
  readonly product: number[];
  /** BKT's P(correct) alone before the response (for information). */
  readonly bkt: number[];
  /** The product's P(mastery) after each response. */
  readonly pMastery: number[];
  /** Index of the response after which the product first declared mastery, or −1. */
  declaredAt: number;
  /** Index of the response after which the product flagged the learner stuck, or −1. */
  stuckAt: number;
  /** Whether the response moved the product into reteaching (what the product knows of reteach). */
  readonly reteachStarts: boolean[];
  /** Index of the response after which the product first entered reteaching, or −1 (for information). */
  reteachAt: number;
  /** Index of the response after which the product first flagged the pair for the instructor (wheel-spinning or cap), or −1. */
  flaggedAt: number;
}

export interface CohortOptions {
  readonly learners: number;
  /** Responses per learner × objective (the sequence continues after a decision, so other rules can be replayed). */
  readonly length: number;
  readonly seed: number;
  readonly idPrefix: string;
  /** Start time, epoch ms. */
  readonly start?: number;
}

/** Hook for the product: called with the state before each learner starts (lets the bench apply course events). */
export interface CohortResult {
  readonly pairs: PairTrace[];
  /** Every learner's responses, for fitting: objectiveId → sequences. */
  readonly sequences: Map<string, boolean[][]>;
  readonly state: EngineState;
}

/**
 * Simulates `learners` learners, each working through every objective in turn for `length` responses, against
 * the product's projection with `config` (and whatever course events `state` already holds).
 */
export function simulateCohort(world: SimWorld, config: CompiledConfig, opts: CohortOptions, state: EngineState = emptyState()): CohortResult {
  const rng = mulberry32(opts.seed);
  const pairs: PairTrace[] = [];
  const sequences = new Map<string, boolean[][]>(world.objectives.map((o) => [o.id, []]));
  const eff = world.abilityEffect;
  let at = opts.start ?? Date.UTC(2026, 0, 5, 9);
  for (let l = 0; l < opts.learners; l++) {
    const learnerId = `${opts.idPrefix}${l}`;
    const a = normal(rng);
    let n = 0;
    for (const obj of world.objectives) {
      const prior = sig(logit(obj.prior) + eff.prior * a);
      const learn = sig(logit(obj.learn) + eff.learn * a);
      let known = rng.next() < prior;
      let belief = prior; // oracle P(known) before the next response
      const tr: PairTrace = { learnerId, objectiveId: obj.id, itemIds: [], correct: [], at: [], known: [], oracle: [], product: [], bkt: [], pMastery: [], reteachStarts: [], declaredAt: -1, stuckAt: -1, reteachAt: -1, flaggedAt: -1 };
      for (let t = 0; t < opts.length; t++) {
        const item = obj.items[Math.floor(rng.next() * obj.items.length)] as SimItem;
        const slip = sig(logit(item.slip) - eff.slip * a);
        const guess = sig(logit(item.guess) + eff.guess * a);
        const correct = known ? rng.next() >= slip : rng.next() < guess;
        const student = state.students.get(learnerId);
        const before = student?.objectives[obj.id] as ObjectiveProgress | undefined;
        const pBefore = before ? before.p : paramsInForce(state, obj.id, config).prior;
        const stateBefore = before?.state;
        const bkt = predictCorrect(pBefore, paramsInForce(state, obj.id, config));
        tr.bkt.push(bkt);
        tr.product.push(predictResponse(state, learnerId, item.id, at, config));
        const pc = belief * (1 - slip) + (1 - belief) * guess;
        tr.oracle.push(pc);
        tr.itemIds.push(item.id);
        tr.correct.push(correct);
        tr.known.push(known);
        tr.at.push(at);
        applyEvent(state, { type: 'response', id: `${learnerId}-${n++}`, studentId: learnerId, itemId: item.id, correct, at }, config);
        const prog = (state.students.get(learnerId) as NonNullable<typeof student>).objectives[obj.id] as ObjectiveProgress;
        tr.pMastery.push(prog.p);
        if (prog.stuck && tr.flaggedAt < 0) tr.flaggedAt = t;
        if (prog.state !== stateBefore) {
          if (prog.state === 'mastered' && tr.declaredAt < 0) tr.declaredAt = t;
          if (prog.state === 'not_mastered' && tr.stuckAt < 0) tr.stuckAt = t;
          if (prog.state === 'reteaching' && tr.reteachAt < 0) tr.reteachAt = t;
        }
        const reteachStart = prog.state === 'reteaching' && stateBefore !== 'reteaching';
        tr.reteachStarts.push(reteachStart);
        const reteach = reteachStart ? obj.reteach : 0;
        // Time to the next response: 40 s within a session, a break of 1–4 days with probability 0.15.
        const gap = rng.next() < 0.15 ? uniform(rng, 1, 4) * DAY : 40_000;
        at += gap;
        const forget = 1 - (1 - obj.forget) * Math.exp((-obj.forgetPerDay * gap) / DAY);
        const gain = 1 - (1 - learn) * (1 - reteach);
        // Oracle filter: Bayes on the response, then the true transition.
        const post = correct ? (belief * (1 - slip)) / pc : (belief * slip) / (1 - pc);
        belief = post * (1 - forget) + (1 - post) * gain;
        known = known ? rng.next() >= forget : rng.next() < gain;
      }
      (sequences.get(obj.id) as boolean[][]).push(tr.correct);
      pairs.push(tr);
    }
    state.students.delete(learnerId);
  }
  return { pairs, sequences, state };
}

/** Decision outcomes of one rule on one pair: declared mastered, and flagged for the instructor. */
export interface Decision {
  declaredAt: number;
  stuckAt: number;
}

/** The "N correct in a row" rule (ASSISTments skill builders) on the same responses. */
export function nInARow(correct: readonly boolean[], n: number): Decision {
  let run = 0;
  for (let t = 0; t < correct.length; t++) {
    run = correct[t] ? run + 1 : 0;
    if (run >= n) return { declaredAt: t, stuckAt: -1 };
  }
  return { declaredAt: -1, stuckAt: -1 };
}

/** The decision metrics over pairs (known states from the simulator, decisions from a rule). */
export interface DecisionMetrics {
  declared: number;
  falseMastery: number;
  learnedNeverDeclared: number;
  stuck: number;
  stuckButLearned: number;
  medianOverPractice: number;
  /** Responses until declaration for learners who knew the skill from the first response (median). */
  medianResponsesIfKnownFromStart: number;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * - false mastery: share of declarations made at a response where the learner's true state is unlearned;
 * - learned but never declared: among pairs whose learner is in the learned state at least 10 responses before the
 *   end of the sequence, the share never declared;
 * - flagged stuck but learned: among pairs flagged stuck, the share in the learned state when flagged;
 * - over-practice: responses from the first learned response to the declaration (declared pairs that had learned).
 */
export function decisionMetrics(pairs: readonly PairTrace[], decide: (p: PairTrace) => Decision): DecisionMetrics {
  let declared = 0, falseM = 0, eligible = 0, never = 0, stuck = 0, stuckLearned = 0;
  const over: number[] = [];
  const fromStart: number[] = [];
  for (const p of pairs) {
    const d = decide(p);
    const firstKnown = p.known.indexOf(true);
    if (d.declaredAt >= 0) {
      declared++;
      if (!p.known[d.declaredAt]) falseM++;
      if (firstKnown >= 0 && firstKnown <= d.declaredAt) over.push(d.declaredAt - firstKnown);
      if (firstKnown === 0) fromStart.push(d.declaredAt + 1);
    }
    const learnedEarly = p.known.some((k, t) => k && t <= p.known.length - 10);
    if (learnedEarly) {
      eligible++;
      if (d.declaredAt < 0) never++;
    }
    if (d.stuckAt >= 0) {
      stuck++;
      if (p.known[d.stuckAt]) stuckLearned++;
    }
  }
  return {
    declared: declared / pairs.length,
    falseMastery: declared ? falseM / declared : 0,
    learnedNeverDeclared: eligible ? never / eligible : 0,
    stuck: stuck / pairs.length,
    stuckButLearned: stuck ? stuckLearned / stuck : 0,
    medianOverPractice: median(over),
    medianResponsesIfKnownFromStart: median(fromStart),
  };
}

/** The product's own decisions as recorded during the simulation. */
export const productDecision = (p: PairTrace): Decision => ({ declaredAt: p.declaredAt, stuckAt: p.flaggedAt });

/** Parameters as a compact string. */
export const fmtParams = (p: BktParams): string =>
  `L0 ${p.prior.toFixed(3)} T ${p.learn.toFixed(3)} G ${p.guess.toFixed(3)} S ${p.slip.toFixed(3)} F ${p.forget.toFixed(3)}`;
