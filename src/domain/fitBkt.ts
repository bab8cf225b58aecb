/**
 * Fits BKT parameters per objective by expectation–maximisation (Baum–Welch with scaled
 * forward–backward), with seeded random restarts and bounded, non-degenerate results.
 * Run in the background once {@link shouldFit} says there is enough data.
 *
 * @see https://doi.org/10.1007/11774303_53 (Beck & Chang, identifiability of BKT)
 */
import { bktBounds, type BktParams, type ObjectiveResponseKind } from './bkt.js';
import { deriveSeed, mulberry32, uniform, type Rng } from './random.js';

/** One student's responses on one objective, oldest first (true = correct). */
export type ResponseSequence = readonly boolean[];

/** When to fit: default at least 100 students with at least 5 responses each. */
export interface FitRule {
  readonly minStudents: number;
  readonly minResponses: number;
}
/** The default {@link FitRule}. */
export const DEFAULT_FIT_RULE: FitRule = Object.freeze({ minStudents: 100, minResponses: 5 });

/** True when enough students have enough responses on the objective to fit it. */
export function shouldFit(sequenceLengths: readonly number[], rule: FitRule = DEFAULT_FIT_RULE): boolean {
  let n = 0;
  for (const len of sequenceLengths) if (len >= rule.minResponses) n++;
  return n >= rule.minStudents;
}

/** EM options: response kind (bounds), seed for restarts, number of restarts and iteration limits. */
export interface FitOptions {
  readonly kind: ObjectiveResponseKind;
  readonly seed: number;
  /** Random restarts besides the default start; default 4. */
  readonly restarts?: number;
  readonly maxIterations?: number;
  /** Stop when the log-likelihood improves by less than this; default 1e-7 per response. */
  readonly tolerance?: number;
  /** Also fit the forgetting probability F (default false: F = 0, classic BKT). */
  readonly fitForget?: boolean;
}

/** The best fit found, its log-likelihood, and how it was found. */
export interface FitResult {
  readonly params: BktParams;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly restarts: number;
  readonly responses: number;
}

const EPS = 1e-4;
const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/** Keeps a fit inside the product's bounds and non-degenerate: G < 0.5, S < 0.5, G + S < 1. */
function bound(p: BktParams, kind: ObjectiveResponseKind): BktParams {
  const b = bktBounds(kind);
  return {
    prior: clamp(p.prior, EPS, 1 - EPS),
    learn: clamp(p.learn, EPS, 1 - EPS),
    guess: clamp(p.guess, EPS, Math.min(b.maxGuess, 0.5 - EPS)),
    slip: clamp(p.slip, EPS, Math.min(b.maxSlip, 0.5 - EPS)),
    forget: clamp(p.forget, 0, 0.5),
  };
}

/** Packed responses: one flat array and the start of each sequence (avoids per-sequence allocation in EM). */
interface Packed {
  obs: Uint8Array;
  starts: Int32Array; // length = sequences + 1
}
function pack(seqs: readonly ResponseSequence[]): Packed {
  let total = 0;
  for (const s of seqs) total += s.length;
  const obs = new Uint8Array(total);
  const starts = new Int32Array(seqs.length + 1);
  let k = 0;
  seqs.forEach((s, i) => {
    starts[i] = k;
    for (const r of s) obs[k++] = r ? 1 : 0;
  });
  starts[seqs.length] = k;
  return { obs, starts };
}

/** One EM iteration: E-step by scaled forward–backward, M-step by expected counts. Returns the log-likelihood of `p`. */
function emStep(d: Packed, p: BktParams, fitForget: boolean, a0: Float64Array, a1: Float64Array, sc: Float64Array): { ll: number; next: BktParams } {
  const { obs, starts } = d;
  const T = p.learn, F = p.forget, G = p.guess, S = p.slip;
  let ll = 0;
  let firstKnown = 0, nSeq = 0;
  let x01 = 0, g0n = 0, x10 = 0, g1n = 0; // transitions and "from" occupancies
  let g0c = 0, g0 = 0, g1w = 0, g1 = 0; // emissions
  for (let s = 0; s + 1 < starts.length; s++) {
    const lo = starts[s] as number, hi = starts[s + 1] as number;
    if (hi === lo) continue;
    nSeq++;
    // forward (scaled)
    for (let t = lo; t < hi; t++) {
      const o = obs[t] as number;
      const e0 = o ? G : 1 - G, e1 = o ? 1 - S : S;
      let f0: number, f1: number;
      if (t === lo) {
        f0 = (1 - p.prior) * e0;
        f1 = p.prior * e1;
      } else {
        const p0 = a0[t - 1] as number, p1 = a1[t - 1] as number;
        f0 = (p0 * (1 - T) + p1 * F) * e0;
        f1 = (p0 * T + p1 * (1 - F)) * e1;
      }
      const c = f0 + f1;
      sc[t] = c;
      a0[t] = f0 / c;
      a1[t] = f1 / c;
      ll += Math.log(c);
    }
    // backward, accumulating gamma and xi on the way
    let b0 = 1, b1 = 1;
    for (let t = hi - 1; t >= lo; t--) {
      const o = obs[t] as number;
      const y0 = (a0[t] as number) * b0, y1 = (a1[t] as number) * b1;
      const z = y0 + y1;
      const gam0 = y0 / z, gam1 = y1 / z;
      g0 += gam0;
      g1 += gam1;
      if (o) g0c += gam0;
      else g1w += gam1;
      if (t === lo) firstKnown += gam1;
      if (t > lo) {
        // xi between t-1 and t, then step beta back to t-1
        const e0 = o ? G : 1 - G, e1 = o ? 1 - S : S;
        const c = sc[t] as number;
        const q0 = a0[t - 1] as number, q1 = a1[t - 1] as number;
        const m0 = (e0 * b0) / c, m1 = (e1 * b1) / c;
        const xi00 = q0 * (1 - T) * m0, xi01 = q0 * T * m1, xi10 = q1 * F * m0, xi11 = q1 * (1 - F) * m1;
        const xs = xi00 + xi01 + xi10 + xi11;
        x01 += xi01 / xs;
        g0n += (xi00 + xi01) / xs;
        x10 += xi10 / xs;
        g1n += (xi10 + xi11) / xs;
        const nb0 = (1 - T) * m0 + T * m1;
        const nb1 = F * m0 + (1 - F) * m1;
        b0 = nb0;
        b1 = nb1;
      }
    }
  }
  const next: BktParams = {
    prior: nSeq ? firstKnown / nSeq : p.prior,
    learn: g0n > 0 ? x01 / g0n : p.learn,
    guess: g0 > 0 ? g0c / g0 : p.guess,
    slip: g1 > 0 ? g1w / g1 : p.slip,
    forget: fitForget && g1n > 0 ? x10 / g1n : p.forget,
  };
  return { ll, next };
}

/** Log-likelihood of the sequences under `params` (forward algorithm). */
export function logLikelihood(seqs: readonly ResponseSequence[], params: BktParams): number {
  let ll = 0;
  for (const s of seqs) {
    let p = params.prior;
    for (const r of s) {
      const pc = p * (1 - params.slip) + (1 - p) * params.guess;
      ll += Math.log(r ? pc : 1 - pc);
      const num = p * (r ? 1 - params.slip : params.slip);
      const post = num / (r ? pc : 1 - pc);
      p = post * (1 - params.forget) + (1 - post) * params.learn;
    }
  }
  return ll;
}

/**
 * Fits BKT by EM from the default start plus `restarts` seeded random starts; keeps the best
 * log-likelihood. Deterministic for a given seed. Results respect {@link bktBounds} and G, S < 0.5.
 */
export function fitBkt(seqs: readonly ResponseSequence[], opts: FitOptions): FitResult {
  const d = pack(seqs);
  const n = d.obs.length;
  const a0 = new Float64Array(n), a1 = new Float64Array(n), sc = new Float64Array(n);
  const b = bktBounds(opts.kind);
  const maxIter = opts.maxIterations ?? 200;
  const tol = (opts.tolerance ?? 1e-7) * Math.max(1, n);
  const restarts = opts.restarts ?? 4;
  const fitForget = opts.fitForget ?? false;
  let best: FitResult | null = null;
  for (let r = 0; r <= restarts; r++) {
    const rng: Rng = mulberry32(deriveSeed(opts.seed, r));
    let p: BktParams =
      r === 0
        ? bound({ prior: 0.2, learn: 0.15, guess: Math.min(0.2, b.maxGuess / 2), slip: Math.min(0.1, b.maxSlip / 2), forget: 0 }, opts.kind)
        : bound(
            {
              prior: uniform(rng, 0.02, 0.7),
              learn: uniform(rng, 0.02, 0.6),
              guess: uniform(rng, 0.01, b.maxGuess),
              slip: uniform(rng, 0.01, b.maxSlip),
              forget: fitForget ? uniform(rng, 0, 0.1) : 0,
            },
            opts.kind,
          );
    let prev = -Infinity;
    let ll = -Infinity;
    let it = 0;
    for (; it < maxIter; it++) {
      const step = emStep(d, p, fitForget, a0, a1, sc);
      ll = step.ll;
      const nextP = bound(step.next, opts.kind);
      if (ll - prev < tol && it > 0) break;
      prev = ll;
      p = nextP;
    }
    // `ll` is the likelihood of the last evaluated p; re-evaluate the returned params for an exact comparison.
    const finalLl = emStep(d, p, fitForget, a0, a1, sc).ll;
    if (!best || finalLl > best.logLikelihood) best = { params: p, logLikelihood: finalLl, iterations: it, restarts: restarts, responses: n };
  }
  return best as FitResult;
}

/**
 * Simulates students following BKT with the given parameters (for tests, benchmarks and demos):
 * `students` sequences of `responses` each, drawn from `rng`.
 */
export function simulateBkt(params: BktParams, students: number, responses: number, rng: Rng): boolean[][] {
  const out: boolean[][] = [];
  for (let s = 0; s < students; s++) {
    let known = rng.next() < params.prior;
    const seq: boolean[] = [];
    for (let t = 0; t < responses; t++) {
      const correct = known ? rng.next() >= params.slip : rng.next() < params.guess;
      seq.push(correct);
      known = known ? rng.next() >= params.forget : rng.next() < params.learn;
    }
    out.push(seq);
  }
  return out;
}

/**
 * Largest forgetting a fit may keep: half of 1 − θ at the default θ 0.95 (ADR 0010), so P(mastery) can still reach
 * θ after a slip. A fit above {@link IMPLAUSIBLE_FORGET} is not forgetting but a degenerate fit: it is redone without F.
 */
export const MAX_FITTED_FORGET = 0.025;
export const IMPLAUSIBLE_FORGET = 0.1;
/** Below this learning rate the fit says "nobody learns": refused. */
export const MIN_FITTED_LEARN = 0.01;

/**
 * Likelihood-ratio threshold against the no-knowledge model (every answer right with one constant probability):
 * the 95th percentile of χ² with 4 degrees of freedom (BKT's 5 parameters against 1). A fit that does not beat the
 * no-knowledge model by that much has found no dependence of the answers on knowing the objective.
 */
export const NO_KNOWLEDGE_CHI2 = 9.49;

/** Log-likelihood of the sequences if every answer were right with the same probability (the overall rate). */
export function noKnowledgeLogLikelihood(seqs: readonly ResponseSequence[]): number {
  let right = 0, n = 0;
  for (const s of seqs) {
    for (const r of s) {
      n++;
      if (r) right++;
    }
  }
  const term = (k: number) => (k > 0 ? k * Math.log(k / n) : 0);
  return term(right) + term(n - right);
}

/** Why a fit is refused: nobody seems to learn, or answers barely depend on knowing the objective. */
export type FitRefusal = 'no_learning' | 'uninformative';

/** A fit the product may use, or why it refuses one (`code` for people, `reason` with the figures for logs and the CLI). */
export type ObjectiveFit = { status: 'fitted'; params: BktParams; fit: FitResult } | { status: 'refused'; code: FitRefusal; reason: string; params: BktParams };

/**
 * The product's fit of one objective (ADR 0010): EM with forgetting; a degenerate forgetting (> 0.1) is refitted
 * without it; F is then held at most {@link MAX_FITTED_FORGET}. Refused, with the reason, when it finds no learning,
 * or when the responses are uninformative: guess and slip together G + S ≥ 0.5, or the fit explains the answers no
 * better than a constant rate of right answers ({@link NO_KNOWLEDGE_CHI2}; the only test open-response objectives
 * can fail, their bounds keep G + S ≤ 0.2).
 */
export function fitObjective(seqs: readonly ResponseSequence[], opts: Omit<FitOptions, 'fitForget'>): ObjectiveFit {
  let fit = fitBkt(seqs, { ...opts, fitForget: true });
  if (fit.params.forget > IMPLAUSIBLE_FORGET) fit = fitBkt(seqs, { ...opts, fitForget: false });
  const params = { ...fit.params, forget: Math.min(fit.params.forget, MAX_FITTED_FORGET) };
  if (params.learn < MIN_FITTED_LEARN) return { status: 'refused', code: 'no_learning', reason: `no learning found (T ${params.learn.toFixed(3)} < ${MIN_FITTED_LEARN}): the items may not practise this objective`, params };
  if (params.guess + params.slip >= 0.5) return { status: 'refused', code: 'uninformative', reason: `answers barely depend on knowing it (G ${params.guess.toFixed(3)} + S ${params.slip.toFixed(3)} ≥ 0.5)`, params };
  // The bounds of open-response objectives (G, S ≤ 0.1) make the test above impossible; this one holds for every kind.
  const gain = logLikelihood(seqs, params) - noKnowledgeLogLikelihood(seqs);
  if (2 * gain < NO_KNOWLEDGE_CHI2) return { status: 'refused', code: 'uninformative', reason: `answers barely depend on knowing it (the model explains them no better than a constant rate of right answers: 2ΔLL ${(2 * gain).toFixed(1)} < ${NO_KNOWLEDGE_CHI2})`, params };
  return { status: 'fitted', params, fit };
}
