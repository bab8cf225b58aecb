import { describe, expect, it } from 'vitest';
import { frontier, topologicalOrder, transitiveDependents, validateObjectives, type Objective } from '../../src/domain/objectives.js';

const o = (id: string, prerequisites: string[] = []): Objective => ({ id, title: id.toUpperCase(), prerequisites });

describe('objective DAG', () => {
  it('rejects a cycle with ERR_OBJECTIVE_CYCLE naming its objectives in order', () => {
    const objs = [o('a'), o('b', ['a', 'd']), o('c', ['b']), o('d', ['c'])];
    let err: unknown;
    try {
      validateObjectives(objs);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR_OBJECTIVE_CYCLE', cycle: ['b', 'd', 'c'] });
    expect((err as Error).message).toContain('B requires D requires C requires B');
  });
  it('rejects unknown prerequisites with ERR_VALIDATION', () => {
    expect(() => validateObjectives([o('a', ['zz'])])).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
  });
  it('orders prerequisites first and computes the frontier', () => {
    const objs = [o('c', ['a', 'b']), o('a'), o('b', ['a']), o('d')];
    expect(validateObjectives(objs)).toBe(objs);
    expect(topologicalOrder(objs)).toEqual(['a', 'b', 'c', 'd']);
    expect(frontier(objs, new Set())).toEqual(['a', 'd']);
    expect(frontier(objs, new Set(['a']))).toEqual(['b', 'd']);
    expect(frontier(objs, new Set(['a', 'b', 'd']))).toEqual(['c']);
    expect(transitiveDependents(objs, 'a')).toEqual(['b', 'c']);
  });
});
