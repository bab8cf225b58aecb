/**
 * What a 10-year-old reads (issue 13): levels instead of probabilities, no estimate moving during a check, labels
 * that say what the button does, and an enrichment link on the map once it is unlocked.
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.js';
import { levelOf, presentActivity, presentFeedback, presentMap } from '../../src/web/presenters/student.js';
import type { SubmitResult } from '../../src/services/submitResponse.js';
import type { MasteryMap } from '../../src/services/getMasteryMap.js';

const t = translator('en');
const PROBABILITY = /P\(mastery\)|P=\d|probabilit|\d+(\.\d+)? ?%/i;
const ref = (state: 'practising' | 'checking' | 'reteaching', p: number) => ({ id: 'o1', title: 'Halves', state, p });

describe('student language', () => {
  it('turns the estimate into four levels relative to the threshold, and none for a locked objective', () => {
    expect(levelOf({ state: 'available', p: 0.3 }, 0.95, t)?.label).toBe('Not started');
    expect(levelOf({ state: 'practising', p: 0.5, responses: 3 }, 0.95, t)?.label).toBe('Practising');
    expect(levelOf({ state: 'practising', p: 0.85, responses: 5 }, 0.95, t)?.text).toBe('Level 2 of 3: Almost there');
    expect(levelOf({ state: 'mastered', p: 0.97 }, 0.95, t)?.value).toBe(3);
    expect(levelOf({ state: 'locked', p: 0.3 }, 0.95, t)).toBeNull();
  });

  it('shows no level while a check runs, so nothing moves before the result', () => {
    const item = { id: 'i1', kind: 'mc_single' as const, prompt: 'Which is half?', choices: [{ id: 'a', text: '1/2' }, { id: 'b', text: '1/3' }] };
    const inCheck = presentActivity({ kind: 'item', objective: ref('checking', 0.96), phase: 'check', item, attemptId: 'x', check: { number: 2, length: 3 }, reason: null }, 'csrf', t);
    expect(inCheck.objective?.level).toBeNull();
    expect(inCheck.item?.phaseLabel).toBe('Mastery check: question 2 of 3');
    const practice = presentActivity({ kind: 'item', objective: ref('practising', 0.5), phase: 'practice', item, attemptId: 'x', check: null, reason: null }, 'csrf', t);
    expect(practice.objective?.level?.label).toBe('Practising');
  });

  it('says "choose all that apply" once, even when the prompt already says it', () => {
    const base = { kind: 'item' as const, objective: ref('practising', 0.5), phase: 'practice' as const, attemptId: 'x', check: null, reason: null };
    const choices = [{ id: 'a', text: '2/4' }, { id: 'b', text: '3/6' }];
    const said = presentActivity({ ...base, item: { id: 'i', kind: 'mc_multi', prompt: 'Which equal 1/2? Select all that apply.', choices } }, 'c', t);
    const unsaid = presentActivity({ ...base, item: { id: 'i', kind: 'mc_multi', prompt: 'Which equal 1/2?', choices } }, 'c', t);
    expect(said.item?.chooseAll).toBe(false);
    expect(unsaid.item?.chooseAll).toBe(true);
  });

  it('labels the next step by what it opens: a right guided answer leads to the next question, not the reteach lesson', () => {
    const result = (stateBefore: SubmitResult['change']['stateBefore'], stateAfter: SubmitResult['change']['stateAfter'], correct: boolean): SubmitResult => ({
      attemptId: 'a', itemId: 'i', objectiveId: 'o1', objectiveTitle: 'Halves', phase: 'guided', correct, feedback: 'ok', detail: null, hint: null,
      change: { pBefore: 0.4, pAfter: correct ? 0.6 : 0.3, stateBefore, stateAfter }, check: null, notes: [], unlocked: [], replayed: false,
    });
    expect(presentFeedback(result('reteaching', 'reteaching', true), t).nextLabel).toBe('Next question');
    expect(presentFeedback(result('checking', 'reteaching', false), t).nextLabel).toBe('See the reteach lesson');
    const view = presentFeedback(result('practising', 'practising', true), t);
    expect(view.mastery?.text).toMatch(/^(Your level|You moved up a level): /);
    expect(JSON.stringify(view)).not.toMatch(PROBABILITY);
  });

  it('writes the map without probabilities and links unlocked enrichment', () => {
    const objective = (id: string, state: MasteryMap['objectives'][number]['state'], extra: Partial<MasteryMap['objectives'][number]> = {}) =>
      ({ id, title: id, description: '', state, p: 0.42, responses: 4, why: null, lockedUntil: [], review: [], workable: state !== 'mastered', enrichmentUnlocked: false, hasEnrichment: false, ...extra }) as MasteryMap['objectives'][number];
    const map = {
      course: { title: 'Fractions', description: '', threshold: 0.95 },
      progress: { total: 3, mastered: 1, inProgress: 1, available: 0, locked: 1, notMastered: 0 },
      suggestedObjectiveId: 'b',
      objectives: [objective('a', 'mastered', { p: 0.97, enrichmentUnlocked: true, hasEnrichment: true }), objective('b', 'practising'), objective('c', 'locked', { lockedUntil: ['b'] })],
      recent: [],
    } as unknown as MasteryMap;
    const view = presentMap(map, false, t);
    expect(view.objectives.map((o) => o.level?.label ?? null)).toEqual(['Mastered', 'Practising', null]);
    expect(view.objectives[0]?.enrichmentHref).toBe('/student/practice?objective=a');
    expect(view.objectives[2]?.lockedText).toBe('Locked until you master b.');
    expect(JSON.stringify(view.objectives)).not.toMatch(PROBABILITY);
  });
});
