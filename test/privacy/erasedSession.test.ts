/**
 * A student erased while their launch session is kept in memory (each process keeps the sessions it read for a
 * minute): their next request, in the process that erased them and in another one sharing the database, gets the
 * "your data was erased, open Masterly again from your course" page — not an internal error — and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { ADMIN_TOKEN, errorOf, startTwoProcesses, type TwoProcesses } from '../support/tool.js';

describe(`an erased student's kept session (${onPostgres() ? 'PostgreSQL' : 'SQLite file'}, two processes)`, () => {
  let two: TwoProcesses;
  let lms: TestLms;
  beforeAll(async () => {
    // The emulator is registered with the first process, before the second starts (each caches the registry).
    two = await startTwoProcesses({
      env: { DEMO: 'true' },
      first: async (p) => {
        lms = await startTestLms({ toolUrl: p.url });
        await p.running.services.registerPlatform(lms.registration());
      },
    });
  });
  afterAll(async () => {
    await lms?.close();
    await two?.close();
  });

  /** The question form of a practice page in process `url`, as the student's browser. */
  async function question(b: TestBrowser, url: string): Promise<Record<string, string>> {
    const page = await b.get(`${url}/student/practice?go=1`);
    expect(page.status).toBe(200);
    const form = parseForm(await page.text(), `${url}/student/practice`);
    if (!form?.fields.attemptId) throw new Error('expected a question');
    return { ...form.fields, answer: 'not the answer' };
  }

  const expectErasedPage = async (res: Response, what: string) => {
    const html = await res.text();
    expect({ status: res.status, code: errorOf(html).code }, what).toEqual({ status: 401, code: 'ERR_SESSION_REQUIRED' });
    expect(html, what).toContain(en.outage.sessionErased);
  };

  it('gets the "data erased, open Masterly again from your course" page in both processes, and nothing is written again', async () => {
    const [a, b] = two.processes;
    const people = lms.devplatform.users;
    const chloe = people.find((p) => p.name === 'Chloé Dubois')!;
    const { browser: student } = await launchAs(lms, a.url, { userId: chloe.id });
    // Both processes now keep her session in memory; she answers in each and has a question open in each.
    const open = new Map<string, Record<string, string>>();
    for (const t of [a, b]) {
      expect((await student.postForm(`${t.url}/student/answer`, await question(student, t.url), { origin: t.url })).status).toBe(200);
      open.set(t.url, await question(student, t.url));
    }
    const db = a.running.db.kysely;
    const userId = (await db.selectFrom('users').select('id').where('sub', '=', chloe.id).executeTakeFirstOrThrow()).id;

    const erased = await fetch(`${a.url}/admin/privacy/people/${userId}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ confirm: 'yes' }),
    });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ profileRemoved: true });

    // Practice pages and answers check a kept session with the learner's own statements (no lookup of their own):
    // each process meets the erasure first on one of them, then on the other pages.
    for (const t of [a, b]) {
      const where = t === a ? 'the erasing process' : 'another process';
      const practice = async () => expectErasedPage(await student.get(`${t.url}/student/practice`), `${where}: a practice page`);
      const answer = async () =>
        expectErasedPage(await student.postForm(`${t.url}/student/answer`, open.get(t.url)!, { origin: t.url }), `${where}: an answer`);
      if (t === a) {
        await practice();
        await answer();
      } else {
        await answer();
        await practice();
      }
      await expectErasedPage(await student.get(`${t.url}/student`), `${where}: the mastery map`);
    }
    expect(await db.selectFrom('users').select('id').where('id', '=', userId).execute()).toEqual([]);
    expect(await db.selectFrom('learners').select('user_id').where('user_id', '=', userId).execute()).toEqual([]);
    expect(await db.selectFrom('responses').select('user_id').where('user_id', '=', userId).execute()).toEqual([]);
  });
});
