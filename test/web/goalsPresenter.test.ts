/**
 * What a 10-year-old reads about goals, confidence, badges and history (ADR 0024), in English and Spanish: plain
 * sentences, honest about a check not passed, never a state name, key or number other than counts and days.
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.js';
import type { MasteryMap } from '../../src/services/getMasteryMap.js';
import type { GoalView } from '../../src/services/studentGoals.js';
import { confidenceResult, presentGoalSection, presentHistory } from '../../src/web/presenters/goals.js';

const en = translator('en');
const es = translator('es');
const map = {
  course: { title: 'Fractions', description: '', threshold: 0.95 },
  objectives: [
    { id: 'o1', title: 'Halves', state: 'mastered', lockedUntil: [] },
    { id: 'o2', title: 'Thirds', state: 'practising', lockedUntil: [] },
    { id: 'o3', title: 'Adding fractions', state: 'locked', lockedUntil: ['Thirds'] },
  ],
} as unknown as MasteryMap;
const goal = (over: Partial<GoalView>): GoalView => ({ objectiveId: 'o3', title: 'Adding fractions', targetDate: '2027-06-30', setAt: 0, daysLeft: 5, status: 'locked', state: 'locked', lockedUntil: ['Thirds'], ...over });
const NO_INTERNALS = /\b(goals|student)\.[a-z]|_sure|under_way|practising|not_mastered|needs_review|\{\{|%/;

describe('goal, confidence and history wording', () => {
  it('says where a goal stands in plain words, in English and Spanish', () => {
    const s = presentGoalSection(goal({}), map, { csrf: 'x', now: Date.parse('2027-06-25T12:00:00Z') }, en);
    expect(s.goal).toMatchObject({ target: 'Master Adding fractions by June 30, 2027.', status: 'First master Thirds. Then Adding fractions opens.', days: '5 days left.' });
    expect(s.form?.options.map((o) => o.label)).toEqual(['Thirds', 'Adding fractions (not open yet)']);
    expect(s.form?.min).toBe('2027-06-25');
    const e = presentGoalSection(goal({ status: 'reached', state: 'mastered' }), map, { csrf: 'x', now: 0, notice: 'saved' }, es);
    expect(e.goal).toMatchObject({ target: 'Dominar Adding fractions para el 30 de junio de 2027.', status: '¡Meta cumplida! Dominaste Adding fractions. ¡Muy bien!', days: null, reached: true });
    expect(e.notice).toBe('Tu meta está guardada.');
    expect(presentGoalSection(goal({ status: 'passed', daysLeft: -2 }), map, { csrf: 'x', now: 0 }, en).goal?.status).toMatch(/has passed, and that is OK/);
    expect(presentGoalSection(goal({ objectiveId: 'o2', title: 'Thirds', status: 'under_way', state: 'practising', daysLeft: 0 }), map, { csrf: 'x', now: 0 }, en).goal).toMatchObject({
      days: 'That is today!',
      status: 'You are on your way. Keep practising Thirds.',
    });
  });

  it('puts the confidence beside the score kindly and honestly', () => {
    expect(confidenceResult('very_sure', { correct: 3, length: 3, passed: true }, en)).toBe('You said you were very sure, and you got 3 of 3 right. Well done!');
    expect(confidenceResult('not_sure', { correct: 3, length: 3, passed: true }, en)).toBe('You weren’t sure, but you got 3 of 3 right: you know more than you thought.');
    expect(confidenceResult('very_sure', { correct: 1, length: 3, passed: false }, en)).toMatch(/^You said you were very sure, and you got 1 of 3 right\. /);
    for (const t of [en, es]) {
      for (const c of ['very_sure', 'a_bit_sure', 'not_sure'] as const) {
        for (const passed of [true, false]) expect(confidenceResult(c, { correct: 2, length: 3, passed }, t)).not.toMatch(NO_INTERNALS);
      }
    }
    expect(confidenceResult('a_bit_sure', { correct: 2, length: 3, passed: false }, es)).toBe('Dijiste que estabas un poco seguro o segura, y acertaste 2 de 3. Un poco más de práctica te ayudará.');
  });

  it('words every history entry, with a pager', () => {
    const at = Date.parse('2027-06-01T10:00:00Z');
    const entries = [
      { kind: 'practised' as const, at, objective: 'Halves', questions: 4, right: 3 },
      { kind: 'practised' as const, at, objective: 'Halves', questions: 1, right: 1 },
      { kind: 'check_passed' as const, at, objective: 'Halves', right: 3, length: 3 },
      { kind: 'check_not_passed' as const, at, objective: 'Halves', right: null, length: null },
      { kind: 'badge' as const, at, objective: 'Halves' },
      { kind: 'reteach' as const, at, objective: 'Halves' },
      { kind: 'goal_set' as const, at, objective: 'Thirds', targetDate: '2027-06-30' },
    ];
    const en1 = presentHistory({ entries, page: 2, hasOlder: true }, [{ objectiveId: 'o1', title: 'Halves', earnedAt: at }], en);
    expect(en1.lines.map((l) => l.text)).toEqual([
      'Practised Halves: 4 questions, 3 right',
      'Practised Halves: 1 question, 1 right',
      'Passed the check for Halves: 3 of 3 right',
      'Tried the check for Halves, not passed this time',
      'Earned a badge for Halves',
      'Started a new lesson for Halves',
      'Set a goal: master Thirds by June 30, 2027',
    ]);
    expect(en1.lines[4]?.badge).toBe(true);
    expect(en1).toMatchObject({ newerHref: '/student/history?page=1', olderHref: '/student/history?page=3' });
    expect(en1.badges[0]?.label).toBe('Badge for Halves');
    const es1 = presentHistory({ entries, page: 1, hasOlder: false }, [], es);
    expect(es1.lines[0]?.text).toBe('Practicaste Halves: 4 preguntas, 3 bien');
    for (const l of [...en1.lines, ...es1.lines]) expect(l.text).not.toMatch(NO_INTERNALS);
    expect(es1).toMatchObject({ newerHref: null, olderHref: null });
  });
});
