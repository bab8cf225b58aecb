/**
 * A launched student answering the demo course over HTTP, exactly as the practice page's form posts it
 * (POST /student/answer): the next item (through the lesson page when one comes first), the right answer read from
 * the database (the page never carries it) or an answer no item accepts.
 */
import { expect } from 'vitest';
import { parseForm, type TestBrowser } from '../support/devplatform.js';
import type { LaunchRig } from '../support/tool.js';

/** Answers the next item right or wrong as the launched student `b`. */
export function studentAnswers(rig: Pick<LaunchRig, 'tool' | 'toolUrl'>, b: TestBrowser): (right: boolean) => Promise<void> {
  async function nextItem(): Promise<Record<string, string>> {
    const url = `${rig.toolUrl}/student/practice`;
    let html = await (await b.get(url)).text();
    let form = parseForm(html, url);
    if (form?.action !== `${rig.toolUrl}/student/answer`) {
      const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(go, html).toBeTruthy();
      html = await (await b.get(`${rig.toolUrl}${go}`)).text();
      form = parseForm(html, `${rig.toolUrl}${go}`);
    }
    expect(form?.action, html).toBe(`${rig.toolUrl}/student/answer`);
    return form!.fields;
  }
  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await rig.tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }
  return async (right) => {
    const fields = await nextItem();
    const body = new URLSearchParams({ csrf: fields.csrf!, attemptId: fields.attemptId!, itemId: fields.itemId! });
    // No item of the demo course accepts -999999 (not a choice, not its number, not its text).
    for (const a of right ? await rightAnswer(fields.itemId!) : ['-999999']) body.append('answer', a);
    const cookie = Object.entries(b.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${rig.toolUrl}/student/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: rig.toolUrl },
      body,
      redirect: 'manual',
    });
    expect(res.status, await res.text()).toBe(200);
  };
}
