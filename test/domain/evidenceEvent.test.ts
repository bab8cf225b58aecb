import { describe, expect, it } from 'vitest';
import { updateMastery } from '../../src/domain/bkt.js';
import { applyEvent, compileConfig, emptyState, project, type EngineEvent } from '../../src/domain/projection.js';
import { fractionsCourse, T0 } from './fixtures.js';

// Outside evidence (an LMS grade mapped to an objective, ADR 0004) moves P like practice, never counts as a check item.
describe('evidence events', () => {
  const cfg = compileConfig(fractionsCourse());
  const evidence = (id: string, correct: boolean, at: number, objectiveId = 'eq'): EngineEvent => ({ type: 'evidence', id, studentId: 's1', objectiveId, correct, at });

  it('moves P by BKT, starts practice, and is applied once per id', () => {
    const state = emptyState();
    applyEvent(state, evidence('e1', true, T0), cfg);
    const prog = state.students.get('s1')!.objectives.eq!;
    expect(prog.state).toBe('practising');
    const k = cfg.params.get('eq')!;
    expect(prog.p).toBeCloseTo(updateMastery(k.prior, true, k), 12);
    expect(prog.responses).toBe(1);
    expect(prog.opportunities).toBe(0);
    expect(applyEvent(state, evidence('e1', true, T0 + 1), cfg)).toEqual([]);
    expect(state.students.get('s1')!.objectives.eq!.responses).toBe(1);
  });

  it('calls for a mastery check but never answers one, and a replay gives the same state', () => {
    const events = [1, 2, 3, 4, 5].map((i) => evidence(`e${i}`, true, T0 + i * 1000));
    const state = project(events, cfg);
    const prog = state.students.get('s1')!.objectives.eq!;
    expect(prog.state).toBe('checking');
    expect(prog.check).toEqual({ itemIds: [], correct: 0 });
    expect(prog.scores).toEqual([]);
    const again = project(events, cfg);
    expect(again.students.get('s1')!.objectives.eq).toEqual(prog);
  });

  it('moves only P on a locked objective', () => {
    const state = project([evidence('e1', true, T0, 'mul')], cfg);
    const prog = state.students.get('s1')!.objectives.mul!;
    expect(prog.state).toBe('locked');
    expect(prog.p).toBeGreaterThan(0.1);
  });
});
