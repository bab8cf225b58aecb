import { describe, expect, it } from 'vitest';
import { advanceClock, applyEvent, assertCanAnswer, compileConfig, emptyState, probeOf, project, reportedGrade, type EngineEvent } from '../../src/domain/projection.js';
import { DEFAULT_LOOP_POLICY, type LoopPolicy } from '../../src/domain/reteach.js';
import { DAY, fractionsCourse, responder, T0 } from './fixtures.js';
import { render, translator } from '../../src/i18n/index.js';

/** An explanation's message as an English page shows it. */
const english = (m: Parameters<typeof render>[1] | null | undefined) => (m == null ? '' : render(translator(), m));

/** The default loop with some settings changed. */
const policy = (p: Partial<LoopPolicy>): LoopPolicy => ({ ...DEFAULT_LOOP_POLICY, ...p });

const cfg = compileConfig(fractionsCourse());

/** Answers `n` eq items right, starting at item `from`. */
function rightAnswers(r: ReturnType<typeof responder>, obj: string, from: number, n: number): EngineEvent[] {
  return Array.from({ length: n }, (_, i) => r.answer(`${obj}-${from + i}`, true));
}

describe('practice → check → mastered → unlock', () => {
  it('masters after a right answer makes the learner ready and a check confirms the rule, within 4 responses, and unlocks the dependent', () => {
    const r = responder();
    // P 0.74 after one right answer ≥ readiness 0.5 → a 3-item check; P ≥ 0.95 and 3 right at its end → mastered.
    const events = rightAnswers(r, 'eq', 0, 4);
    const st = project(events, cfg);
    const s1 = st.students.get('s1');
    expect(s1?.objectives.eq?.state).toBe('mastered');
    expect(s1?.objectives.add?.state).toBe('available');
    expect(s1?.objectives.mul?.state).toBe('locked');
    const kinds = st.explanations.filter((e) => e.objectiveId === 'eq').map((e) => e.kind);
    expect(kinds).toEqual(['unlocked', 'practising', 'checking', 'mastered', 'enrichment_unlocked']);
    const unlocked = st.explanations.find((e) => e.objectiveId === 'add' && e.kind === 'unlocked');
    expect(unlocked?.rule).toBe('prerequisites_mastered');
    expect(english(unlocked?.message)).toBe('Unlocked because you mastered Equivalent fractions.');
    expect(s1?.objectives.eq?.enrichmentUnlocked).toBe(true);
  });
  it('does not master when the check ends below θ: with 2 of 3 right it grows by one item, and a wrong one fails it', () => {
    const r = responder();
    const grown = project([...rightAnswers(r, 'eq', 0, 3), r.answer('eq-3', false)], cfg).students.get('s1')?.objectives.eq;
    expect(grown).toMatchObject({ state: 'checking', check: { correct: 2, length: 4 } });
    const st = project([...rightAnswers(r, 'eq', 0, 3), r.answer('eq-3', false), r.answer('eq-4', false)], cfg);
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('reteaching');
    const why = st.explanations.find((e) => e.kind === 'reteaching');
    expect(why).toMatchObject({ rule: 'check_failed', from: 'checking', to: 'reteaching', evidence: { checkCorrect: 2, checkLength: 4, itemIds: ['eq-1', 'eq-2', 'eq-3', 'eq-4'] } });
    expect(english(why?.message)).toMatch(/^Let's go over Equivalent fractions again: the check was not passed this time \(2 of 4 right; .*the last answer was wrong\)\.$/);
    // Without the extension (checkExtension 0) the check fails at its third item, as before.
    const strict = compileConfig(fractionsCourse({ policy: policy({ checkExtension: 0 }) }));
    expect(project([...rightAnswers(r, 'eq', 0, 3), r.answer('eq-3', false)], strict).students.get('s1')?.objectives.eq?.state).toBe('reteaching');
  });
  it('ends a timed check that ran out as failed: the questions not reached count as not right (ADR 0023)', () => {
    const r = responder();
    const begun = project(rightAnswers(r, 'eq', 0, 2), cfg).students.get('s1')?.objectives.eq;
    expect(begun).toMatchObject({ state: 'checking', check: { itemIds: ['eq-1'], correct: 1, startedAt: r.at - 60_000 } });
    const expired: EngineEvent = { type: 'check_expired', id: 'late-1', studentId: 's1', objectiveId: 'eq', at: r.at + 20 * 60_000 };
    const st = project([...rightAnswers(r, 'eq', 0, 2), expired], cfg);
    const eq = st.students.get('s1')?.objectives.eq;
    expect(eq).toMatchObject({ state: 'reteaching', check: null, cycles: 1, previousCheckItemIds: ['eq-1'] });
    expect(eq?.scores).toEqual([1.333333]); // 1 of 3 right out of 4 points
    const why = st.explanations.filter((e) => e.kind === 'reteaching').at(-1);
    expect(why).toMatchObject({ rule: 'check_failed', evidence: { checkCorrect: 1, checkLength: 3, expired: true } });
    expect(english(why?.message)).toBe("Let's go over Equivalent fractions again: the check was not passed this time (1 of 3 right; time ran out before the last questions).");
    // Outside a check (here: already over) an expiry changes nothing.
    const twice = project([...rightAnswers(r, 'eq', 0, 2), expired, { ...expired, id: 'late-2' }], cfg).students.get('s1')?.objectives.eq;
    expect(twice).toMatchObject({ state: 'reteaching', cycles: 1 });
  });
  it('masters after the extra item when the check had its k right answers and the extra one is right (ADR 0013)', () => {
    const r = responder();
    const st = project([...rightAnswers(r, 'eq', 0, 3), r.answer('eq-3', false), r.answer('eq-4', true)], cfg);
    const eq = st.students.get('s1')?.objectives.eq;
    expect(eq?.state).toBe('mastered');
    expect(st.explanations.find((e) => e.kind === 'mastered')).toMatchObject({ rule: 'check_passed', evidence: { checkCorrect: 3, checkLength: 4 } });
  });
  it('a check passes on at least k of its n items right AND the rule: its own score is no longer ignored', () => {
    // Ready only at θ: two right answers in practice, then a check of wrong, right, right: P ≥ θ again at its end.
    const run = (k: number) => {
      const r = responder();
      const c = compileConfig(fractionsCourse({ policy: policy({ checkReadiness: 0.99, checkPassCorrect: k }) }));
      return project([...rightAnswers(r, 'eq', 0, 2), r.answer('eq-2', false), ...rightAnswers(r, 'eq', 3, 2)], c).students.get('s1')?.objectives.eq;
    };
    expect(run(3)?.p).toBeGreaterThan(0.95);
    expect(run(3)?.state).toBe('reteaching');
    expect(run(2)?.state).toBe('mastered');
  });
  it('refuses answers on a locked objective with ERR_OBJECTIVE_LOCKED', () => {
    const st = project([responder().answer('eq-0', true)], cfg);
    expect(() => assertCanAnswer(st, 's1', 'mul', cfg)).toThrow(expect.objectContaining({ code: 'ERR_OBJECTIVE_LOCKED' }));
    expect(() => assertCanAnswer(st, 's1', 'eq', cfg)).not.toThrow();
  });
});

describe('release rules', () => {
  it('unlocks by instructor override and by release date', () => {
    const c = compileConfig(fractionsCourse({ releaseDates: { mul: T0 + 2 * DAY } }));
    const st = project([{ type: 'unlock_override', id: 'o1', studentId: 's1', objectiveId: 'add', at: T0 }], c);
    expect(st.students.get('s1')?.objectives.add?.state).toBe('available');
    expect(st.students.get('s1')?.objectives.mul?.state).toBe('locked');
    const ex = advanceClock(st, 's1', T0 + 2 * DAY, c);
    expect(ex.map((e) => [e.objectiveId, e.rule])).toEqual([['mul', 'release_date']]);
    expect(st.students.get('s1')?.objectives.mul?.state).toBe('available');
  });
  it('tries the release rules on a probe without changing the state, sharing its course-wide parts', () => {
    const c = compileConfig(fractionsCourse({ releaseDates: { mul: T0 + 2 * DAY } }));
    const st = project([responder().answer('eq-0', true), { type: 'unlock_override', id: 'o1', studentId: 's2', objectiveId: 'add', at: T0 }], c);
    const probe = probeOf(st, 's1');
    advanceClock(probe, 's1', T0 + 2 * DAY, c);
    expect(probe.students.get('s1')?.objectives.mul?.state).toBe('available');
    expect(st.students.get('s1')?.objectives.mul?.state).toBe('locked');
    expect(probe.students.has('s2')).toBe(false);
    expect(probe.items).toBe(st.items);
    expect(probe.params).toBe(st.params);
    // A learner not in the state yet is created in the probe only.
    advanceClock(probeOf(st, 's3'), 's3', T0, c);
    expect(st.students.has('s3')).toBe(false);
  });
  it('a weak prerequisite found later reopens it as needs_review and marks its dependents', () => {
    const r = responder();
    // P after six right answers is ≈ 0.999997: five misses in a row on eq (no retention due yet) brings it below θ.
    const events = [...rightAnswers(r, 'eq', 0, 6), r.answer('add-0', true), ...[6, 7, 8, 9, 10].map((i) => r.answer(`eq-${i}`, false))];
    const st = project(events, cfg);
    const s1 = st.students.get('s1');
    expect(s1?.objectives.eq?.state).toBe('needs_review');
    expect(s1?.objectives.add?.remedialFor).toEqual(['eq']);
    expect(st.explanations.filter((e) => e.kind === 'reopened' || e.kind === 'remedial').map((e) => [e.objectiveId, e.kind, e.rule])).toEqual([
      ['eq', 'reopened', 'probability_below_threshold'],
      ['add', 'remedial', 'weak_prerequisite'],
    ]);
    // Re-mastering clears the remedial path.
    const more = project([...events, ...[0, 1, 2, 3, 4, 5].map((i) => r.answer(`eq-${i}`, true))], cfg);
    expect(more.students.get('s1')?.objectives.eq?.state).toBe('mastered');
    expect(more.students.get('s1')?.objectives.add?.remedialFor).toEqual([]);
    // Re-mastery after a reopen takes a short re-check (2 items, both right), not the rule alone.
    const again = more.explanations.filter((e) => e.objectiveId === 'eq').slice(-2);
    expect(again.map((e) => [e.kind, e.rule])).toEqual([
      ['rechecking', 'mastery_rule_met'],
      ['mastered', 'check_passed'],
    ]);
    expect(again[1]?.evidence).toMatchObject({ checkLength: 2, checkCorrect: 2 });
  });
});

describe('reteach loop', () => {
  it('fails a check into reteaching, re-checks after guided practice, and flags "stuck" at the cycle cap', () => {
    const c = compileConfig(
      fractionsCourse({ policy: policy({ checkLength: 3, checkPassCorrect: 3, checkReadiness: 0.95, maxCycles: 2, maxOpportunities: 100, minGuidedItems: 2, retentionIntervalsDays: [1] }) }),
    );
    const r = responder();
    const practice = [0, 1, 2].map((i) => r.answer(`eq-${i}`, i < 2)); // P ≥ 0.95 after two → check (the wrong one is its first item)
    const failedCheck1 = [r.answer('eq-3', true), r.answer('eq-4', false)]; // 1 of 3 → reteach
    const guided = [r.answer('eq-6', true), r.answer('eq-7', true)]; // 2 guided, rule holds → re-check
    const failedCheck2 = [r.answer('eq-8', true), r.answer('eq-9', true), r.answer('eq-10', false)]; // 2nd failure = cap
    const st = project([...practice, ...failedCheck1], c);
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('reteaching');
    expect(st.students.get('s1')?.objectives.eq?.previousCheckItemIds).toEqual(['eq-2', 'eq-3', 'eq-4']);
    expect(project([...practice, ...failedCheck1, ...guided], c).students.get('s1')?.objectives.eq?.state).toBe('checking');
    const st2 = project([...practice, ...failedCheck1, ...guided, ...failedCheck2], c);
    const eq = st2.students.get('s1')?.objectives.eq;
    expect(eq?.state).toBe('not_mastered');
    expect(eq?.stuck).toBe(true);
    const stuckEx = st2.explanations.find((e) => e.kind === 'stuck');
    expect(stuckEx).toMatchObject({ rule: 'cycle_cap', evidence: { cycles: 2, cap: 2 } });
    expect(st2.explanations.map((e) => e.kind)).toContain('rechecking');
    // Moving on as not mastered releases the dependent.
    expect(st2.students.get('s1')?.objectives.add?.state).toBe('available');
  });
  it('struggle in practice (3 wrong in a row) leads to reteach before any check', () => {
    const r = responder();
    const st = project([0, 1, 2].map((i) => r.answer(`eq-${i}`, false)), cfg);
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('reteaching');
    const why = st.explanations.find((e) => e.kind === 'reteaching');
    expect(why).toMatchObject({ rule: 'struggling', from: 'practising', to: 'reteaching', evidence: { wrongInARow: 3 } });
    expect(english(why?.message)).toMatch(/3 answers in a row were wrong/);
  });
  it('a falling estimate in practice (P down by struggleDrop from its peak) leads to reteach before any check (ADR 0013)', () => {
    const answers = () => {
      const r = responder();
      return [r.answer('eq-0', true), r.answer('eq-1', false)];
    };
    // Readiness at 0.99 keeps the right answers in practice, so the estimate can rise and then fall.
    const on = compileConfig(fractionsCourse({ policy: policy({ checkReadiness: 0.99, struggleDrop: 0.1 }) }));
    const st = project(answers(), on);
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('reteaching');
    const why = st.explanations.find((e) => e.kind === 'reteaching');
    expect(why).toMatchObject({ rule: 'falling', from: 'practising', to: 'reteaching' });
    expect((why?.evidence.peak ?? 0) - (why?.evidence.pAfter ?? 1)).toBeGreaterThanOrEqual(0.1);
    expect(english(why?.message)).toMatch(/^Let's go over Equivalent fractions again: your last answers went the wrong way after a good start\./);
    // Off (the default, 0): the same answers stay in practice.
    const off = compileConfig(fractionsCourse({ policy: policy({ checkReadiness: 0.99 }) }));
    expect(project(answers(), off).students.get('s1')?.objectives.eq?.state).toBe('practising');
  });
  it('flags wheel-spinning after 10 opportunities without mastery (plus accommodation extras) and offers help, not "move on"', () => {
    const wrong = (sid: string) => {
      const r = responder(sid);
      return Array.from({ length: 12 }, (_, i) => r.answer(`eq-${i}`, false));
    };
    const c = compileConfig(fractionsCourse({ accommodations: { s2: { extraOpportunities: 2 } } }));
    const st = project([...wrong('s1'), ...wrong('s2').slice(0, 11)], c);
    const s1 = st.students.get('s1')?.objectives.eq;
    expect(s1?.state).toBe('reteaching');
    expect(s1?.stuck).toBe(true);
    const spin = st.explanations.find((e) => e.studentId === 's1' && e.rule === 'wheel_spinning');
    expect(spin?.evidence).toMatchObject({ opportunities: 10 });
    expect(english(spin?.message)).not.toMatch(/move on/);
    expect(st.explanations.some((e) => e.kind === 'stuck')).toBe(false);
    expect(st.students.get('s2')?.objectives.eq?.stuck).toBe(false);
  });
  it('forgetting of at least 1 − θ cannot make mastery unreachable (guard rail)', () => {
    const c = compileConfig(fractionsCourse({ params: { eq: { prior: 0.2, learn: 0.3, guess: 0.1, slip: 0.05, forget: 0.2 } } }));
    const r = responder();
    const eq = project(rightAnswers(r, 'eq', 0, 8), c).students.get('s1')?.objectives.eq;
    expect(eq?.state).toBe('mastered');
    expect(eq?.p).toBeGreaterThanOrEqual(0.95);
  });
  it('the cycle cap can fire with the default policy', () => {
    // Right whenever practising; in every check right, wrong, wrong. Five failed checks take well under 40 responses.
    const r = responder();
    const st = emptyState();
    for (let i = 0; i < 40 && st.students.get('s1')?.objectives.eq?.state !== 'not_mastered'; i++) {
      const eq = st.students.get('s1')?.objectives.eq;
      const inCheck = eq?.state === 'checking' ? eq.check?.itemIds.length ?? 0 : -1;
      applyEvent(st, r.answer(`eq-${i % 12}`, inCheck <= 0), cfg);
    }
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('not_mastered');
    expect(st.explanations.find((e) => e.kind === 'stuck')).toMatchObject({ rule: 'cycle_cap', evidence: { cycles: 5, cap: 5 } });
  });
});

describe('accommodations and shared items', () => {
  it('a threshold offset lowers θ for that student only', () => {
    const c = compileConfig(fractionsCourse({ threshold: 0.99, accommodations: { s2: { thresholdOffset: -0.05 } }, policy: policy({ checkReadiness: 0.99 }) }));
    const a = responder('s1'), b = responder('s2');
    // Open-response objective: the default G 0.2 is clamped to its bound 0.1. Wrong, right, right → P = 0.9623.
    expect(c.params.get('eq')?.guess).toBe(0.1);
    const run = (r: ReturnType<typeof responder>) => [r.answer('eq-0', false), ...rightAnswers(r, 'eq', 1, 2)];
    const st = project([...run(a), ...run(b)], c);
    expect(st.students.get('s1')?.objectives.eq?.p).toBeCloseTo(0.9623, 4);
    expect(st.students.get('s1')?.objectives.eq?.state).toBe('practising'); // 0.9623 < 0.99
    expect(st.students.get('s2')?.objectives.eq?.state).toBe('checking'); // 0.9623 ≥ 0.94
    expect(st.explanations.find((e) => e.studentId === 's2' && e.kind === 'checking')?.evidence.threshold).toBe(0.94);
  });
  it('an item tagged to two released objectives is evidence on both', () => {
    const base = fractionsCourse();
    const c = compileConfig({ ...base, items: [...base.items, { id: 'both', objectiveIds: ['eq', 'solo'] }] });
    const st = project([responder().answer('both', true)], c);
    expect(st.students.get('s1')?.objectives.eq?.responses).toBe(1);
    expect(st.students.get('s1')?.objectives.solo?.responses).toBe(1);
  });
});

describe('retention', () => {
  it('a retention miss reopens the objective but never lowers a grade locked by the due date', () => {
    const r = responder();
    const mastered = rightAnswers(r, 'eq', 0, 6);
    const lock: EngineEvent = { type: 'grade_locked', id: 'due-eq', studentId: 's1', objectiveId: 'eq', at: r.at + 1000 };
    const miss = r.answer('eq-9', false, { at: T0 + 2 * DAY });
    const st = project([...mastered, lock, miss], cfg);
    const eq = st.students.get('s1')?.objectives.eq;
    expect(eq?.state).toBe('needs_review');
    expect(st.explanations.find((e) => e.kind === 'reopened')?.rule).toBe('retention_miss');
    expect(eq?.lockedGrade).toBe(4);
    expect(eq?.scores).toEqual([4, 0]); // the miss is recorded…
    expect(reportedGrade(eq!, cfg)).toBe(4); // …but the reported grade stays at the locked 4
    // Without the due date the same miss lowers the grade (weighted average 0·0.65 + 4·0.35 = 1.4).
    const unlocked = project([...mastered, miss], cfg).students.get('s1')?.objectives.eq;
    expect(reportedGrade(unlocked!, cfg)).toBe(1.4);
  });
  it('a right retention answer schedules the next review', () => {
    const r = responder();
    const st = project([...rightAnswers(r, 'eq', 0, 6), r.answer('eq-9', true, { at: T0 + 2 * DAY })], cfg);
    const eq = st.students.get('s1')?.objectives.eq;
    expect(eq?.retention?.step).toBe(1);
    expect(english(st.explanations.find((e) => e.kind === 'retention_passed')?.message)).toMatch(/next review in \d+ days?\./);
  });
});

describe('event sourcing', () => {
  const r = responder();
  const events: EngineEvent[] = [...rightAnswers(r, 'eq', 0, 5), r.answer('eq-5', false), r.answer('eq-6', true), r.answer('eq-7', true), r.answer('solo-1', false)];
  it('is deterministic: the same events give the same state', () => {
    expect(project(events, cfg)).toEqual(project(events, cfg));
  });
  it('ignores a double submission of the same attempt id', () => {
    const twice = [...events.slice(0, 3), events[2] as EngineEvent, ...events.slice(3)];
    const once = project(events, cfg);
    const dup = project(twice, cfg);
    expect(dup.students).toEqual(once.students);
    expect(dup.items).toEqual(once.items);
    const st = emptyState();
    applyEvent(st, events[0] as EngineEvent, cfg);
    expect(applyEvent(st, events[0] as EngineEvent, cfg)).toEqual([]);
    expect(st.students.get('s1')?.objectives.eq?.responses).toBe(1);
  });
  it('applying events one by one online equals the rebuild', () => {
    const st = emptyState();
    for (const e of events) applyEvent(st, e, cfg);
    expect(st).toEqual(project(events, cfg));
  });
});
