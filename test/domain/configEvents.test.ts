import { describe, expect, it } from 'vitest';
import { updateMastery, type BktParams } from '../../src/domain/bkt.js';
import { applyEvent, compileConfig, emptyState, project, type EngineEvent } from '../../src/domain/projection.js';
import { DEFAULT_LOOP_POLICY } from '../../src/domain/reteach.js';
import { restoreState } from '../../src/domain/learnerSnapshot.js';
import { fractionsCourse, responder, T0 } from './fixtures.js';

// Settings that change how later events are traced are events too: replay uses the values in force.
describe('accommodations_set and params_fitted events', () => {
  const cfg = compileConfig(fractionsCourse());
  const fitted: BktParams = { prior: 0.4, learn: 0.3, guess: 0.1, slip: 0.05, forget: 0 };

  it('traces a course-wide fit from its place in the log on, for every student, and ignores a repeated id', () => {
    const a = responder('s1');
    const b = responder('s2');
    const before = [a.answer('eq-0', true), b.answer('eq-0', true)];
    const fit: EngineEvent = { type: 'params_fitted', id: 'fit-1', objectiveId: 'eq', params: fitted, at: T0 + 10 * 60_000 };
    const after = [a.answer('eq-1', true, { at: T0 + 20 * 60_000 }), { type: 'response' as const, id: 's3-a1', studentId: 's3', itemId: 'eq-0', correct: true, at: T0 + 21 * 60_000 }];
    const state = project([...before, fit, fit, ...after], cfg);
    const k = cfg.params.get('eq')!;
    const p1 = updateMastery(k.prior, true, k);
    expect(state.students.get('s1')!.objectives.eq!.p).toBeCloseTo(updateMastery(p1, true, fitted), 12);
    expect(state.students.get('s2')!.objectives.eq!.p).toBeCloseTo(p1, 12);
    // A student who appears after the fit starts from the fitted prior.
    expect(state.students.get('s3')!.objectives.eq!.p).toBeCloseTo(updateMastery(fitted.prior, true, fitted), 12);
    expect(state.students.get('s3')!.objectives.add!.p).toBe(cfg.params.get('add')!.prior);
    expect(applyEvent(state, fit, cfg)).toEqual([]);
  });

  it('applies fitted priors to learners who existed before the fit, on objectives they have not started', () => {
    const a = responder('s1');
    const fit: EngineEvent = { type: 'params_fitted', id: 'fit-1', objectiveId: 'solo', params: fitted, at: T0 + 10 * 60_000 };
    const state = project([a.answer('eq-0', true), fit], cfg);
    expect(state.students.get('s1')!.objectives.solo!.p).toBe(fitted.prior);
    expect(state.students.get('s1')!.objectives.eq!.p).toBeCloseTo(updateMastery(cfg.params.get('eq')!.prior, true, cfg.params.get('eq')!), 12);
    // The online path (a learner restored from storage with the fitted parameters in the config) agrees.
    const online = compileConfig(fractionsCourse({ params: { solo: fitted } }));
    const stale = project([a.answer('eq-1', true)], cfg).students.get('s1')!;
    const restored = restoreState(online, 's1', { ability: 0, overrides: [], recentItems: [], objectives: Object.values(stale.objectives) }, new Map());
    expect(restored.students.get('s1')!.objectives.solo!.p).toBe(fitted.prior);
  });

  it('judges a student against the accommodations in force at each event, and a fold equals step-by-step application', () => {
    const a = responder('s1');
    const events: EngineEvent[] = [
      a.answer('eq-0', true),
      a.answer('eq-1', false),
      { type: 'accommodations_set', id: 'acc-1', studentId: 's1', accommodations: { thresholdOffset: -0.1 }, at: a.at + 1 },
      a.answer('eq-2', true),
    ];
    // Readiness at θ, so the check starts exactly when P ≥ the student's θ.
    const cfg = compileConfig(fractionsCourse({ policy: { ...DEFAULT_LOOP_POLICY, checkReadiness: 0.99 } }));
    const state = project(events, cfg);
    // right, wrong, right: P ≈ 0.856 ≥ 0.85 (θ 0.95 − 0.10): a check starts; without the event it would not.
    expect(state.students.get('s1')!.objectives.eq!.state).toBe('checking');
    expect(project(events.filter((e) => e.type !== 'accommodations_set'), cfg).students.get('s1')!.objectives.eq!.state).toBe('practising');
    const stepwise = emptyState();
    for (const e of events) applyEvent(stepwise, e, cfg);
    expect(stepwise.students.get('s1')).toEqual(state.students.get('s1'));
    expect(state.students.get('s1')!.accommodations).toEqual({ thresholdOffset: -0.1 });
  });
});
