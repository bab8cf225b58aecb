import { describe, expect, it } from 'vitest';
import { compileConfig, project, type EngineEvent } from '../../src/domain/projection.js';
import { checkDeadline, effectiveTimeLimit, weakPrerequisites } from '../../src/domain/release.js';
import { fractionsCourse, responder } from './fixtures.js';

describe('timed checks', () => {
  it("stretches a time limit by the student's time multiplier, rounding up, and never shortens it", () => {
    expect(effectiveTimeLimit(60)).toBe(60);
    expect(effectiveTimeLimit(60, {})).toBe(60);
    expect(effectiveTimeLimit(60, { timeMultiplier: 1.5 })).toBe(90);
    expect(effectiveTimeLimit(25, { timeMultiplier: 1.25 })).toBe(32);
    expect(effectiveTimeLimit(60, { timeMultiplier: 0.5 })).toBe(60);
  });
  it("puts a check's deadline at its start plus the course's limit × the student's multiplier (ADR 0023)", () => {
    const start = Date.UTC(2026, 0, 5, 9, 0);
    expect(checkDeadline(start, 10)).toBe(start + 10 * 60_000);
    expect(checkDeadline(start, 10, { timeMultiplier: 1.5 })).toBe(start + 15 * 60_000);
    expect(checkDeadline(start, 7, { timeMultiplier: 1.25 })).toBe(start + 525_000); // 8¾ minutes
    expect(checkDeadline(start, 10, null)).toBe(start + 10 * 60_000);
    // Untimed: no limit, or a check begun before the course had one.
    expect(checkDeadline(start, null, { timeMultiplier: 2 })).toBeNull();
    expect(checkDeadline(start, 0)).toBeNull();
    expect(checkDeadline(undefined, 10)).toBeNull();
  });
});

describe('the remedial path', () => {
  it("names the prerequisites that need review, as the projection's remedialFor does", () => {
    const cfg = compileConfig(fractionsCourse());
    const r = responder();
    const right = (from: number, n: number): EngineEvent[] => Array.from({ length: n }, (_, i) => r.answer(`eq-${from + i}`, true));
    // Master eq, start add, then miss eq five times: eq needs review and add is its remedial path.
    const events = [...right(0, 6), r.answer('add-0', true), ...[6, 7, 8, 9, 10].map((i) => r.answer(`eq-${i}`, false))];
    const student = project(events, cfg).students.get('s1')!;
    const stateOf = (id: string) => student.objectives[id]!.state;
    const add = cfg.objectives.get('add')!;
    expect(stateOf('eq')).toBe('needs_review');
    expect(weakPrerequisites(add, stateOf)).toEqual(['eq']);
    expect(weakPrerequisites(add, stateOf)).toEqual(student.objectives.add!.remedialFor);
    // Re-mastered: no remedial path left.
    const again = project([...events, ...right(0, 6)], cfg).students.get('s1')!;
    expect(weakPrerequisites(add, (id) => again.objectives[id]!.state)).toEqual([]);
    expect(again.objectives.add!.remedialFor).toEqual([]);
  });
});
