/**
 * Fitting the course-level learner model of ADR 0027: per-item guess/slip by EM (KT-IDEM) with the objective's
 * prior, learn and forget re-estimated alongside, then the ability coefficients by coordinate search on the
 * training log-likelihood of the ability mixture (src/domain/learnerAbility.ts).
 */
import { bktBounds, type BktParams, type ObjectiveResponseKind } from './bkt.js';
import { decayNodes, observeMixture, predictMixture, priorAbility, startNodes, NO_ABILITY, type AbilityCoef, type ItemEmission } from './learnerAbility.js';

/** One learner's response on one objective. */
export interface ItemResponse {
  readonly itemId: string;
  readonly correct: boolean;
}

const EPS = 1e-4;
const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * KT-IDEM by EM: `seqs` are the learners' sequences on one objective; starts from `start` (the objective's fit).
 * Items with fewer than `minResponses` responses keep the objective's guess/slip. Returns the objective's
 * re-estimated prior/learn/forget (forget capped at `maxForget`) and each item's guess/slip within the kind's bounds.
 */
export function fitItemEmissions(
  seqs: readonly (readonly ItemResponse[])[],
  start: BktParams,
  opts: { kind: ObjectiveResponseKind; iterations?: number; minResponses?: number; maxForget?: number },
): { params: BktParams; items: Map<string, ItemEmission> } {
  const b = bktBounds(opts.kind);
  const ids = [...new Set(seqs.flatMap((s) => s.map((r) => r.itemId)))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  let p = start;
  const G = new Float64Array(n).fill(start.guess), S = new Float64Array(n).fill(start.slip);
  const counts = new Float64Array(n);
  for (const s of seqs) {
    for (const r of s) {
      const i = index.get(r.itemId) as number;
      counts[i] = (counts[i] as number) + 1;
    }
  }
  const maxLen = Math.max(0, ...seqs.map((s) => s.length));
  const a0 = new Float64Array(maxLen), a1 = new Float64Array(maxLen), sc = new Float64Array(maxLen);
  for (let it = 0; it < (opts.iterations ?? 40); it++) {
    const T = p.learn, F = p.forget;
    let firstKnown = 0, nSeq = 0, x01 = 0, g0n = 0, x10 = 0, g1n = 0;
    const g0c = new Float64Array(n), g0 = new Float64Array(n), g1w = new Float64Array(n), g1 = new Float64Array(n);
    for (const seq of seqs) {
      if (!seq.length) continue;
      nSeq++;
      const items = seq.map((r) => index.get(r.itemId) as number);
      for (let t = 0; t < seq.length; t++) {
        const o = (seq[t] as ItemResponse).correct, i = items[t] as number;
        const e0 = o ? (G[i] as number) : 1 - (G[i] as number), e1 = o ? 1 - (S[i] as number) : (S[i] as number);
        const p0 = t === 0 ? 1 - p.prior : (a0[t - 1] as number) * (1 - T) + (a1[t - 1] as number) * F;
        const p1 = t === 0 ? p.prior : (a0[t - 1] as number) * T + (a1[t - 1] as number) * (1 - F);
        const f0 = p0 * e0, f1 = p1 * e1, c = f0 + f1;
        sc[t] = c;
        a0[t] = f0 / c;
        a1[t] = f1 / c;
      }
      let b0 = 1, b1 = 1;
      for (let t = seq.length - 1; t >= 0; t--) {
        const o = (seq[t] as ItemResponse).correct, i = items[t] as number;
        const y0 = (a0[t] as number) * b0, y1 = (a1[t] as number) * b1, z = y0 + y1;
        const gam0 = y0 / z, gam1 = y1 / z;
        g0[i] = (g0[i] as number) + gam0;
        g1[i] = (g1[i] as number) + gam1;
        if (o) g0c[i] = (g0c[i] as number) + gam0;
        else g1w[i] = (g1w[i] as number) + gam1;
        if (t === 0) firstKnown += gam1;
        else {
          const e0 = o ? (G[i] as number) : 1 - (G[i] as number), e1 = o ? 1 - (S[i] as number) : (S[i] as number);
          const c = sc[t] as number, q0 = a0[t - 1] as number, q1 = a1[t - 1] as number;
          const m0 = (e0 * b0) / c, m1 = (e1 * b1) / c;
          const xi00 = q0 * (1 - T) * m0, xi01 = q0 * T * m1, xi10 = q1 * F * m0, xi11 = q1 * (1 - F) * m1;
          const xs = xi00 + xi01 + xi10 + xi11;
          x01 += xi01 / xs;
          g0n += (xi00 + xi01) / xs;
          x10 += xi10 / xs;
          g1n += (xi10 + xi11) / xs;
          b0 = (1 - T) * m0 + T * m1;
          b1 = F * m0 + (1 - F) * m1;
        }
      }
    }
    p = {
      prior: clamp(firstKnown / Math.max(1, nSeq), EPS, 1 - EPS),
      learn: clamp(g0n > 0 ? x01 / g0n : T, EPS, 1 - EPS),
      guess: p.guess,
      slip: p.slip,
      forget: clamp(g1n > 0 ? x10 / g1n : F, 0, opts.maxForget ?? 0.025),
    };
    for (let i = 0; i < n; i++) {
      if ((counts[i] as number) < (opts.minResponses ?? 30)) continue;
      if ((g0[i] as number) > 0) G[i] = clamp((g0c[i] as number) / (g0[i] as number), EPS, b.maxGuess);
      if ((g1[i] as number) > 0) S[i] = clamp((g1w[i] as number) / (g1[i] as number), EPS, b.maxSlip);
    }
  }
  return { params: p, items: new Map(ids.map((id, i) => [id, { guess: G[i] as number, slip: S[i] as number }])) };
}

/** One learner's responses across the course, in order. */
export interface CourseResponse {
  readonly objectiveId: string;
  readonly itemId: string;
  readonly correct: boolean;
  /** Epoch ms (for forgetting over elapsed time). */
  readonly at?: number;
  /** The response moved the learner into reteaching. */
  readonly reteach?: boolean;
}
export type CourseSequence = readonly CourseResponse[];

/** What the mixture needs for each objective and item. */
export interface CourseModel {
  readonly params: ReadonlyMap<string, BktParams>;
  readonly items: ReadonlyMap<string, ItemEmission>;
  readonly coef: AbilityCoef;
  /** Extra chance to learn after a response that starts reteaching. */
  readonly reteach?: number;
  /** Forgetting rate per day between an objective's responses (on top of F per opportunity). */
  readonly forgetPerDay?: number;
}

const DAY = 86_400_000;

/**
 * Walks the learners' course sequences with the mixture, calling `each` with P(correct) before every response
 * (the prediction) — the one online filter shared by fitting, the bench and the CLI.
 */
export function walkMixture(learners: readonly CourseSequence[], model: CourseModel, each: (pCorrect: number, r: CourseResponse) => void): void {
  for (const seq of learners) {
    const w = priorAbility();
    const nodes = new Map<string, number[]>();
    const last = new Map<string, number>();
    for (const r of seq) {
      const params = model.params.get(r.objectiveId);
      if (!params) continue;
      let ns = nodes.get(r.objectiveId);
      if (!ns) nodes.set(r.objectiveId, (ns = startNodes(params, model.coef)));
      const item = model.items.get(r.itemId);
      const prev = last.get(r.objectiveId);
      if (r.at !== undefined) {
        if (prev !== undefined && r.at > prev) decayNodes(ns, model.forgetPerDay ?? 0, (r.at - prev) / DAY);
        last.set(r.objectiveId, r.at);
      }
      each(predictMixture(w, ns, params, item, model.coef), r);
      observeMixture(w, ns, params, item, model.coef, r.correct, r.reteach ? (model.reteach ?? 0) : 0);
    }
  }
}

/** Log-likelihood of the learners' course sequences under the ability mixture (each response predicted online). */
export function mixtureLogLikelihood(learners: readonly CourseSequence[], model: CourseModel): number {
  let ll = 0;
  walkMixture(learners, model, (pc, r) => (ll += Math.log(r.correct ? pc : 1 - pc)));
  return ll;
}

/**
 * Ability coefficients by coordinate search (steps 0.4, 0.2, 0.1) from zero on the training log-likelihood,
 * each within [0, 2]. Deterministic.
 */
export function fitAbilityCoef(learners: readonly CourseSequence[], model: Omit<CourseModel, 'coef'>): { coef: AbilityCoef; logLikelihood: number } {
  let coef: AbilityCoef = NO_ABILITY;
  let best = mixtureLogLikelihood(learners, { ...model, coef });
  const keys: (keyof AbilityCoef)[] = ['prior', 'learn', 'guess', 'slip'];
  for (const step of [0.4, 0.2, 0.1]) {
    let improved = true;
    while (improved) {
      improved = false;
      for (const k of keys) {
        for (const dir of [1, -1]) {
          const v = coef[k] + dir * step;
          if (v < 0 || v > 2) continue;
          const c = { ...coef, [k]: v };
          const ll = mixtureLogLikelihood(learners, { ...model, coef: c });
          if (ll > best + 1e-9) {
            best = ll;
            coef = c;
            improved = true;
          }
        }
      }
    }
  }
  return { coef, logLikelihood: best };
}

/** The course model of ADR 0027 and the stages it was built in (each stage adds one term; for the bench's table). */
export interface CourseFit {
  readonly model: CourseModel;
  readonly stages: readonly { readonly name: string; readonly model: CourseModel }[];
}

const shiftLogit = (p: number, d: number): number => (d === 0 ? p : 1 / (1 + ((1 - p) / p) * Math.exp(-d)));

/** The best value of a 1-D grid by training log-likelihood (first wins ties: the simpler model). */
function bestOf<T>(values: readonly T[], ll: (v: T) => number): T {
  let best = values[0] as T, bestLl = -Infinity;
  for (const v of values) {
    const x = ll(v);
    if (x > bestLl + 1e-9) {
      bestLl = x;
      best = v;
    }
  }
  return best;
}

/**
 * Fits the course model from the training learners' course sequences and each objective's BKT fit: per-item
 * guess/slip (KT-IDEM EM per objective), then the ability coefficients, the learning from reteach and the
 * forgetting per day, each on the log-likelihood of the first `searchLearners` learners (default 800: four
 * numbers do not need more, and the search is 30–60 s at that size). Deterministic.
 */
export function fitCourseModel(
  learners: readonly CourseSequence[],
  objectives: ReadonlyMap<string, { params: BktParams; kind: ObjectiveResponseKind }>,
  opts: { searchLearners?: number } = {},
): CourseFit {
  const params = new Map<string, BktParams>();
  const items = new Map<string, ItemEmission>();
  for (const [objectiveId, o] of objectives) {
    const seqs = learners.map((l) => l.filter((r) => r.objectiveId === objectiveId)).filter((s) => s.length > 0);
    const fit = fitItemEmissions(seqs, o.params, { kind: o.kind });
    params.set(objectiveId, fit.params);
    for (const [id, e] of fit.items) items.set(id, e);
  }
  const sample = learners.slice(0, opts.searchLearners ?? 800);
  const idem: CourseModel = { params, items, coef: NO_ABILITY };
  const withAbility: CourseModel = { ...idem, coef: fitAbilityCoef(sample, idem).coef };
  // The fits above are population averages; under the mixture they are the parameters of the average learner
  // (a = 0), which differ on the logit scale: each is moved by the best shift, the same for every objective/item.
  let centred = withAbility;
  const shifts = [0, -0.1, 0.1, -0.2, 0.2, -0.3, 0.3, -0.4];
  for (const key of ['prior', 'learn', 'guess', 'slip'] as const) {
    const shifted = (d: number): CourseModel =>
      key === 'prior' || key === 'learn'
        ? { ...centred, params: new Map([...centred.params].map(([id, p]) => [id, { ...p, [key]: shiftLogit(p[key], d) }])) }
        : { ...centred, items: new Map([...centred.items].map(([id, e]) => [id, { ...e, [key]: shiftLogit(e[key], d) }])) };
    centred = shifted(bestOf(shifts, (d) => mixtureLogLikelihood(sample, shifted(d))));
  }
  const reteach = bestOf([0, 0.1, 0.2, 0.3, 0.4, 0.5], (r) => mixtureLogLikelihood(sample, { ...centred, reteach: r }));
  const withReteach: CourseModel = { ...centred, reteach };
  const forgetPerDay = bestOf([0, 0.01, 0.02, 0.03, 0.05], (f) => mixtureLogLikelihood(sample, { ...withReteach, forgetPerDay: f }));
  const model: CourseModel = { ...withReteach, forgetPerDay };
  return {
    model,
    stages: [
      { name: 'per-item guess/slip (KT-IDEM)', model: idem },
      { name: '+ learner ability across objectives', model: withAbility },
      { name: '+ parameters centred on the average learner', model: centred },
      { name: '+ learning from reteach', model: withReteach },
      { name: '+ forgetting per day', model },
    ],
  };
}

/** A {@link CourseModel} as plain data (stored with the course and carried by the `model_fitted` event, ADR 0028). */
export interface CourseModelJson {
  /** Each objective's parameters under the model (not the objective's own BKT fit, which the projection still uses). */
  readonly objectives: Readonly<Record<string, BktParams>>;
  readonly items: Readonly<Record<string, ItemEmission>>;
  readonly coef: AbilityCoef;
  readonly reteach: number;
  readonly forgetPerDay: number;
}

/** The plain-data form of a course model (keys sorted, so the same model is the same JSON). */
export function courseModelToJson(m: CourseModel): CourseModelJson {
  const sorted = <T>(map: ReadonlyMap<string, T>): Record<string, T> => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { objectives: sorted(m.params), items: sorted(m.items), coef: { ...m.coef }, reteach: m.reteach ?? 0, forgetPerDay: m.forgetPerDay ?? 0 };
}

/** A course model from its plain-data form. */
export function courseModelFromJson(j: CourseModelJson): CourseModel {
  return { params: new Map(Object.entries(j.objectives)), items: new Map(Object.entries(j.items)), coef: j.coef, reteach: j.reteach, forgetPerDay: j.forgetPerDay };
}
