/**
 * The grade-policy form reads "Points possible" as documented beside the field: a decimal number from 1 to 1000.
 * Hexadecimal, exponents, empty and out-of-range values are refused with ERR_VALIDATION and nothing is saved.
 * Runs on SQLite or PostgreSQL (DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDecimal } from '../../src/domain/decimal.js';
import { startPassbackRig, type PassbackRig } from './passbackSupport.js';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('decimal form numbers', () => {
  it('reads plain decimal notation only', () => {
    expect(parseDecimal('12')).toBe(12);
    expect(parseDecimal(' 12.5 ')).toBe(12.5);
    expect(parseDecimal('-0.05')).toBe(-0.05);
    expect(parseDecimal(7)).toBe(7);
    for (const bad of ['0x10', '0b11', '0o17', '1e3', 'Infinity', '', ' ', '1,5', '12abc', NaN, Infinity, null, undefined]) {
      expect(parseDecimal(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('grade policy form: points possible', () => {
  let rig: PassbackRig;
  let html: string;
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    html = await (await rig.browsers.get(rig.instructorSub)!.get(`${rig.toolUrl}/instructor/grades`)).text();
  });
  afterAll(async () => rig?.close());

  const post = (scoreMaximum: string) =>
    rig.browsers.get(rig.instructorSub)!.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf: csrfOf(html), policy: 'p_mastery', perObjective: '1', scoreMaximum });

  it('says the rule beside the field', () => {
    expect(html).toContain('aria-describedby="score-maximum-hint"');
    expect(html).toMatch(/id="score-maximum-hint">From 1 to 1000/);
  });

  it.each(['0.0001', '0x10', '1e3', '', '1001', '0', '-5', 'Infinity'])('refuses %j with ERR_VALIDATION and saves nothing', async (value) => {
    const before = await rig.adv.lineItems.getPolicy(rig.contextId);
    const res = await post(value);
    const body = await res.text();
    expect(res.status).toBe(422);
    expect(body).toContain('ERR_VALIDATION');
    expect(body).toContain('Points possible must be a number from 1 to 1000');
    expect(await rig.adv.lineItems.getPolicy(rig.contextId)).toEqual(before);
  });

  it('accepts 1, 12.5 and 1000', async () => {
    for (const [value, expected] of [['1', 1], ['12.5', 12.5], ['1000', 1000]] as const) {
      expect((await post(value)).status).toBe(303);
      expect((await rig.adv.lineItems.getPolicy(rig.contextId)).scoreMaximum).toBe(expected);
    }
  });
});

describe('grade policy form: an activity\'s grade', () => {
  let rig: PassbackRig;
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1, perObjective: false });
  });
  afterAll(async () => rig?.close());

  it('offers the three activity grades, one column per activity by default, and saves the choice', async () => {
    const teacher = rig.browsers.get(rig.instructorSub)!;
    const html = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(html).toMatch(/name="activityGrade" value="percent_mastered" checked/);
    expect(html).toMatch(/name="perActivity" value="1" checked/);
    expect(html).not.toMatch(/name="perObjective" value="1" checked/);
    expect(html).toContain('Every column counts in the course total in Moodle and Canvas');
    const res = await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf: csrfOf(html), policy: 'fraction_mastered', perActivity: '1', activityGrade: 'mean_mastery', scoreMaximum: '100' });
    expect(res.status).toBe(303);
    expect(await rig.adv.lineItems.getPolicy(rig.contextId)).toMatchObject({ perActivity: true, perObjective: false, activityGrade: 'mean_mastery' });
    const refused = await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf: csrfOf(html), policy: 'fraction_mastered', perActivity: '1', activityGrade: 'best_guess', scoreMaximum: '100' });
    expect(refused.status).toBe(422);
  });
});
