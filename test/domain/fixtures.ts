// Shared pure fixtures for the domain tests: a small fractions course and an event builder.
import type { EngineConfig, EngineEvent } from '../../src/domain/projection.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** eq (Equivalent fractions) → add (Adding fractions) → mul (Multiplying fractions); solo has no prerequisites. */
export function fractionsCourse(overrides: Partial<EngineConfig> = {}): EngineConfig {
  const objectives = [
    { id: 'eq', title: 'Equivalent fractions', prerequisites: [] },
    { id: 'add', title: 'Adding fractions', prerequisites: ['eq'] },
    { id: 'mul', title: 'Multiplying fractions', prerequisites: ['add'] },
    { id: 'solo', title: 'Reading fractions', prerequisites: [] },
  ];
  const items = objectives.flatMap((o) => Array.from({ length: 12 }, (_, i) => ({ id: `${o.id}-${i}`, objectiveIds: [o.id], difficulty: (i - 6) * 40 })));
  return { objectives, items, enrichmentObjectiveIds: ['eq'], ...overrides };
}

/** Builds response events with unique ids and increasing times. */
export function responder(studentId = 's1', start = T0) {
  let n = 0;
  let at = start;
  return {
    answer(itemId: string, correct: boolean, opts: { at?: number; id?: string } = {}): EngineEvent {
      n++;
      at = opts.at ?? at + 60_000;
      return { type: 'response', id: opts.id ?? `${studentId}-a${n}`, studentId, itemId, correct, at };
    },
    get at() {
      return at;
    },
  };
}
