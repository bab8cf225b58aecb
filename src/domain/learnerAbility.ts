/**
 * Item guess/slip (KT-IDEM, Pardos & Heffernan 2011) and a learner ability shared by every objective of a course
 * (ADR 0027). Ability a ~ N(0, 1) is a latent variable integrated on a fixed 9-node Gauss–Hermite grid: each node
 * runs its own BKT filter with the objective's parameters shifted on the logit scale by `coef`·a, and the nodes'
 * weights are the posterior over a given every earlier response of the learner, on any objective. Deterministic,
 * O(9) per response, a pure function of the responses in order.
 *
 * @see https://doi.org/10.1007/978-3-642-22362-4_21 (KT-IDEM)
 */
import type { BktParams } from './bkt.js';

/** Per-item guess and slip (each objective keeps its own prior, learn and forget). */
export interface ItemEmission {
  readonly guess: number;
  readonly slip: number;
}

/** How ability shifts an objective's parameters (logit units per standard deviation of ability). */
export interface AbilityCoef {
  readonly prior: number;
  readonly learn: number;
  readonly guess: number;
  /** Positive: abler learners slip less. */
  readonly slip: number;
}
export const NO_ABILITY: AbilityCoef = Object.freeze({ prior: 0, learn: 0, guess: 0, slip: 0 });

/** Probabilists' Gauss–Hermite nodes and weights for N(0, 1), 9 points (weights sum to 1). */
export const ABILITY_NODES: readonly number[] = [-4.512745863399783, -3.20542900285647, -2.07684797867783, -1.0232556637891326, 0, 1.0232556637891326, 2.07684797867783, 3.20542900285647, 4.512745863399783];
export const ABILITY_WEIGHTS: readonly number[] = [
  2.2345844007746e-5, 0.0027891413212317675, 0.04991640676521789, 0.24409750289493903, 0.40634920634920635, 0.24409750289493903,
  0.04991640676521789, 0.0027891413212317675, 2.2345844007746e-5,
];

const EPS = 1e-6;
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => {
  const q = p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
  return Math.log(q / (1 - q));
};

/** A learner's ability posterior: the weight of each node (sums to 1). */
export type AbilityWeights = number[];
export const priorAbility = (): AbilityWeights => ABILITY_WEIGHTS.slice();

/** P(known) per node for an objective not started yet. */
export function startNodes(params: BktParams, coef: AbilityCoef): number[] {
  const lp = logit(params.prior);
  return ABILITY_NODES.map((a) => sig(lp + coef.prior * a));
}

/** Per-node emission for one item (its own guess/slip when known, else the objective's). */
function nodeEmission(params: BktParams, item: ItemEmission | undefined, coef: AbilityCoef, a: number): { g: number; s: number } {
  const g = item?.guess ?? params.guess, s = item?.slip ?? params.slip;
  return { g: sig(logit(g) + coef.guess * a), s: sig(logit(s) - coef.slip * a) };
}

/** P(correct) on the next response: the ability-weighted mixture of every node's BKT prediction. */
export function predictMixture(w: readonly number[], nodes: readonly number[], params: BktParams, item: ItemEmission | undefined, coef: AbilityCoef): number {
  let pc = 0;
  for (let k = 0; k < nodes.length; k++) {
    const { g, s } = nodeEmission(params, item, coef, ABILITY_NODES[k] as number);
    const p = nodes[k] as number;
    pc += (w[k] as number) * (p * (1 - s) + (1 - p) * g);
  }
  return pc;
}

/**
 * One response: updates the ability weights `w` and the nodes' P(known) `nodes` in place (Bayes on the response,
 * then each node's learn/forget transition; `boost` is an extra chance to learn, e.g. when reteaching begins). Returns P(known) for the learner (the weighted mean of the nodes).
 * `room`, when given, receives each node's chance of still being unlearned for {@link boostNodes}.
 */
export function observeMixture(w: number[], nodes: number[], params: BktParams, item: ItemEmission | undefined, coef: AbilityCoef, correct: boolean, boost = 0, room?: number[]): number {
  const lt = logit(params.learn);
  let z = 0;
  for (let k = 0; k < nodes.length; k++) {
    const a = ABILITY_NODES[k] as number;
    const { g, s } = nodeEmission(params, item, coef, a);
    const p = nodes[k] as number;
    const hit = p * (correct ? 1 - s : s), miss = (1 - p) * (correct ? g : 1 - g);
    const like = hit + miss;
    const post = hit / like;
    const base = coef.learn === 0 ? params.learn : sig(lt + coef.learn * a);
    const learn = boost > 0 ? 1 - (1 - base) * (1 - boost) : base;
    nodes[k] = post * (1 - params.forget) + (1 - post) * learn;
    if (room) room[k] = (1 - post) * (1 - learn);
    w[k] = (w[k] as number) * like;
    z += w[k] as number;
  }
  let known = 0;
  for (let k = 0; k < nodes.length; k++) {
    w[k] = (w[k] as number) / z;
    known += (w[k] as number) * (nodes[k] as number);
  }
  return known;
}

/**
 * Forgetting over elapsed time, applied before a response `days` after the learner's previous one on the objective
 * (evaluated at event timestamps only): each node's P(known) × e^(−rate·days).
 */
export function decayNodes(nodes: number[], ratePerDay: number, days: number): void {
  if (ratePerDay <= 0 || days <= 0) return;
  const keep = Math.exp(-ratePerDay * days);
  for (let k = 0; k < nodes.length; k++) nodes[k] = (nodes[k] as number) * keep;
}

/**
 * The extra chance to learn when the response turned out to begin reteaching (known only after the state machine
 * ran): the same nodes as `observeMixture(…, boost)` would have given, from the `room` it recorded.
 */
export function boostNodes(nodes: number[], room: readonly number[], boost: number): void {
  if (boost <= 0) return;
  for (let k = 0; k < nodes.length; k++) nodes[k] = (nodes[k] as number) + (room[k] as number) * boost;
}

/** The learner's P(known) from the weights and nodes (their weighted mean). */
export function mixtureKnown(w: readonly number[], nodes: readonly number[]): number {
  let known = 0;
  for (let k = 0; k < nodes.length; k++) known += (w[k] as number) * (nodes[k] as number);
  return known;
}
