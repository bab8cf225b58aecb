/**
 * Objectives and their prerequisites: a directed acyclic graph (edge prerequisite → dependent).
 */
import { ObjectiveCycle, ValidationFailed } from './errors.js';
import type { ObjectiveResponseKind } from './bkt.js';

/** A learning objective; `prerequisites` are objective ids that must be mastered first. */
export interface Objective {
  readonly id: string;
  readonly title: string;
  readonly prerequisites: readonly string[];
  /** How it is assessed; decides the BKT guess/slip bounds. Default 'open'. */
  readonly responseKind?: ObjectiveResponseKind;
}

/**
 * Checks ids are unique, prerequisites exist and there is no cycle.
 * Throws `ObjectiveCycle` (ERR_OBJECTIVE_CYCLE, `cycle` = ids in order, each requiring the next)
 * or `ValidationFailed` (ERR_VALIDATION). Returns its input for chaining.
 */
export function validateObjectives(objectives: readonly Objective[]): readonly Objective[] {
  const byId = new Map<string, Objective>();
  const issues: { path: string; message: string }[] = [];
  objectives.forEach((o, i) => {
    if (byId.has(o.id)) issues.push({ path: `objectives.${i}.id`, message: `Duplicate objective id ${o.id}.` });
    byId.set(o.id, o);
  });
  objectives.forEach((o, i) =>
    o.prerequisites.forEach((p, j) => {
      if (!byId.has(p)) issues.push({ path: `objectives.${i}.prerequisites.${j}`, message: `Unknown prerequisite ${p} of ${o.id}.` });
      if (p === o.id) issues.push({ path: `objectives.${i}.prerequisites.${j}`, message: `${o.id} cannot require itself.` });
    }),
  );
  if (issues.length) throw new ValidationFailed('Invalid objectives.', issues);
  const cycle = findCycle(objectives);
  if (cycle) {
    const names = cycle.map((id) => byId.get(id)?.title ?? id);
    throw new ObjectiveCycle(cycle, `Prerequisites form a cycle: ${[...names, names[0]].join(' requires ')}.`);
  }
  return objectives;
}

/**
 * Finds one cycle by depth-first search along "requires" edges; returns its ids in order
 * (each requires the next, the last requires the first), or null. Deterministic: input order.
 */
export function findCycle(objectives: readonly Objective[]): string[] | null {
  const byId = new Map(objectives.map((o) => [o.id, o]));
  const colour = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    colour.set(id, 1);
    stack.push(id);
    for (const p of byId.get(id)?.prerequisites ?? []) {
      if (!byId.has(p)) continue;
      const c = colour.get(p);
      if (c === 1) return stack.slice(stack.indexOf(p));
      if (c === undefined) {
        const found = visit(p);
        if (found) return found;
      }
    }
    stack.pop();
    colour.set(id, 2);
    return null;
  };
  for (const o of objectives) {
    if (colour.has(o.id)) continue;
    const found = visit(o.id);
    if (found) return found;
  }
  return null;
}

/** Objective ids, prerequisites before dependents; ties keep input order (Kahn's algorithm). Assumes a validated DAG. */
export function topologicalOrder(objectives: readonly Objective[]): string[] {
  const remaining = new Map(objectives.map((o) => [o.id, o.prerequisites.length]));
  const dependents = dependentsIndex(objectives);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < objectives.length) {
    const next = objectives.find((o) => !done.has(o.id) && remaining.get(o.id) === 0);
    if (!next) throw new ObjectiveCycle(findCycle(objectives) ?? [], 'Prerequisites form a cycle.');
    done.add(next.id);
    order.push(next.id);
    for (const d of dependents.get(next.id) ?? []) remaining.set(d, (remaining.get(d) ?? 1) - 1);
  }
  return order;
}

/** Map objective id → ids of objectives that list it as a direct prerequisite. */
export function dependentsIndex(objectives: readonly Objective[]): Map<string, string[]> {
  const out = new Map<string, string[]>(objectives.map((o) => [o.id, []]));
  for (const o of objectives) for (const p of o.prerequisites) out.get(p)?.push(o.id);
  return out;
}

/** Every objective that depends on `id`, directly or transitively, in topological order. */
export function transitiveDependents(objectives: readonly Objective[], id: string): string[] {
  const idx = dependentsIndex(objectives);
  const seen = new Set<string>();
  const queue = [id];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const d of idx.get(next) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return topologicalOrder(objectives).filter((o) => seen.has(o));
}

/** The frontier: objectives not yet satisfied whose prerequisites all are, in topological order. */
export function frontier(objectives: readonly Objective[], satisfied: ReadonlySet<string>): string[] {
  const byId = new Map(objectives.map((o) => [o.id, o]));
  return topologicalOrder(objectives).filter((id) => {
    const o = byId.get(id) as Objective;
    return !satisfied.has(id) && o.prerequisites.every((p) => satisfied.has(p));
  });
}
