import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { startPassbackRig, type PassbackRig } from './passbackSupport.js';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('a changed answer key after students answered (ADR 0016)', () => {
  let rig: PassbackRig;
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1 });
  });
  afterAll(async () => rig?.close());

  it('asks the instructor, re-grades on request and the ledger shows the score sent again', async () => {
    const teacher = rig.browsers.get(rig.instructorSub)!;
    const grades = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    const csrf = csrfOf(grades);
    expect((await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf, policy: 'p_mastery', perObjective: '1', scoreMaximum: '100' })).status).toBe(303);
    const c = rig.tool.composition;
    await c.engine.importCourse({ contextId: rig.contextId, file: aCourseFile() });
    const student = rig.userIds.get(rig.students[0]!)!;
    const items = (await c.repos.courses.listItems(rig.contextId)).filter((i) => i.key.startsWith('A-'));
    const stateOfA = async () =>
      (await rig.tool.db.kysely.selectFrom('learner_objectives as l').innerJoin('objectives as o', 'o.id', 'l.objective_id').select('l.state').where('l.user_id', '=', student).where('o.key', '=', 'A').executeTakeFirst())?.state;
    let last = items[0]!;
    for (const [n, it] of items.entries()) {
      await c.engine.submitResponse({ contextId: rig.contextId, userId: student, itemId: it.id, attemptId: `regrade-e2e-${n}`, answer: rightAnswerFor(it.kind) });
      last = it;
      if ((await stateOfA()) === 'mastered') break;
    }
    expect(await stateOfA()).toBe('mastered');
    await rig.adv.drainUntilIdle();
    const sentBefore = (await rig.lms.devplatform.scoreHistory()).filter((s) => s.userId === rig.students[0]);
    const scoreBefore = sentBefore.at(-1)?.scoreGiven;
    expect(scoreBefore).toBeGreaterThan(0);

    // The instructor changes the key of the last question of the check (the right answer becomes another one) and publishes.
    const form: Record<string, string> =
      last.kind === 'numeric'
        ? { kind: 'numeric', value: '7', tolerance: '0' }
        : last.kind === 'short'
          ? { kind: 'short', accepted: 'whole' }
          : { kind: 'mc_single', choice0: 'one', choice1: 'two', choice2: 'three', right: '0' };
    const edit = await teacher.postForm(`${rig.toolUrl}/instructor/author/items/${last.key}`, { csrf, objective: 'A', prompt: last.prompt, ...form });
    expect(edit.status).toBe(303);
    const ask = await teacher.postForm(`${rig.toolUrl}/instructor/author/publish`, { csrf });
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain('<h1>Answer keys changed</h1>');
    expect(askHtml).toContain('Answered 1 times so far; 1 answer would change between right and wrong.');
    expect(askHtml).toMatch(/name="answerKeys" id="f-keep" value="keep" checked/);
    const done = await teacher.postForm(`${rig.toolUrl}/instructor/author/publish`, { csrf, answerKeys: 'regrade' });
    expect(done.status).toBe(303);
    expect(decodeURIComponent(done.headers.get('location') ?? '')).toContain('1 past answer was re-graded');

    await rig.adv.drainUntilIdle();
    const sentAfter = (await rig.lms.devplatform.scoreHistory()).filter((s) => s.userId === rig.students[0]);
    expect(sentAfter.length).toBe(sentBefore.length + 1);
    expect(sentAfter.at(-1)?.scoreGiven ?? 0).toBeLessThan(scoreBefore as number);
    expect(await stateOfA()).not.toBe('mastered');
    // The ledger lists the line item as sent again (its last sent score is the new one).
    const ledger = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(ledger).toContain('Sent');
  });
});
