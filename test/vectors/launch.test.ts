import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { browser } from '../support/devplatform.js';
import { errorOf, loginAt, sessionCount, startRig, type LaunchRig } from '../support/tool.js';

/** How a vector changes a valid launch (see test/vectors/launch/invalid/*.json). */
const Tamper = z.object({
  set: z.record(z.string(), z.unknown()).optional(),
  remove: z.array(z.string()).optional(),
  removeIn: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** Seconds relative to now for numeric time claims. */
  relative: z.record(z.string(), z.number()).optional(),
  /** Adds a private claim of this many characters (oversized tokens). */
  padChars: z.number().int().positive().optional(),
  sign: z.object({ kid: z.string().nullable().optional(), alg: z.enum(['RS256', 'none', 'HS256']).optional(), key: z.enum(['platform', 'other']).optional() }).optional(),
  afterSign: z.literal('swap_payload_sub').optional(),
  flow: z.enum(['replay', 'nonce_from_other_login', 'unknown_state', 'no_state', 'other_browser', 'no_login']).optional(),
});
const Vector = z.object({ title: z.string(), tamper: Tamper, expected: z.object({ code: z.string(), reason: z.string() }) });
type Vector = z.infer<typeof Vector>;

const dir = path.resolve(import.meta.dirname, 'launch/invalid');
const vectors = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...Vector.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) }));

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('invalid launch vectors', () => {
  let rig: LaunchRig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => rig?.close());

  const student = () => rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner'))) as { id: string };

  async function attempt(v: Vector) {
    const t = v.tamper;
    const userId = student().id;
    const login = await loginAt(rig, userId);
    let nonce = login.nonce;
    let state: string | undefined = login.state;
    if (t.flow === 'nonce_from_other_login') nonce = (await loginAt(rig, userId, login.browser)).nonce;
    if (t.flow === 'unknown_state' || t.flow === 'no_login') state = randomBytes(32).toString('base64url');
    if (t.flow === 'no_login') nonce = randomBytes(32).toString('base64url');
    if (t.flow === 'no_state') state = undefined;

    const claims = rig.lms.launchClaims({ userId, nonce });
    const now = Math.floor(Date.now() / 1000);
    const sub = (x: unknown): unknown => (x === '$clientId' ? rig.lms.clientId : Array.isArray(x) ? x.map(sub) : x);
    for (const [k, val] of Object.entries(t.set ?? {})) claims[k] = sub(val);
    for (const k of t.remove ?? []) delete claims[k];
    for (const [k, inner] of t.removeIn ?? []) delete (claims[k] as Record<string, unknown>)[inner];
    for (const [k, secs] of Object.entries(t.relative ?? {})) claims[k] = now + secs;
    if (t.padChars) claims['https://masterly.example/padding'] = 'x'.repeat(t.padChars);

    let token = await rig.lms.signIdToken(claims, t.sign ?? {});
    if (t.afterSign === 'swap_payload_sub') {
      const [h, , s] = token.split('.');
      token = `${h}.${b64({ ...claims, sub: 'someone-else' })}.${s}`;
    }
    const fields: Record<string, string> = { id_token: token, ...(state ? { state } : {}) };
    const poster = t.flow === 'other_browser' ? browser() : login.browser;
    if (t.flow === 'replay') {
      const first = await poster.postForm(`${rig.toolUrl}/lti/launch`, fields);
      expect(first.status).toBe(303);
      await first.body?.cancel();
      // The replay comes from a browser without the first launch's session (an attacker replaying the token).
      const before = await sessionCount(rig.tool);
      const attacker = browser();
      return { res: await attacker.postForm(`${rig.toolUrl}/lti/launch`, fields), browser: attacker, before };
    }
    if (t.flow === 'other_browser') {
      // Browser B has no login cookie of A's login; without more it gets the read-back / new-window page and no
      // session (test/web/cookieless.test.ts). Here it also presents a binding, as a Platform Storage read-back would
      // (from our own origin, so the binding itself is what is checked): not A's, so refused.
      const withBinding = { ...fields, lti_storage_binding: 'a-binding-of-browser-b-0123456789abcdefghijk' };
      return { res: await poster.postForm(`${rig.toolUrl}/lti/launch`, withBinding, { origin: rig.toolUrl }), browser: poster };
    }
    return { res: await poster.postForm(`${rig.toolUrl}/lti/launch`, fields), browser: poster };
  }

  it('has a vector for every bad launch the issue lists', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
  });

  it.each(vectors)('$title is rejected with $expected.reason and no session', async (v) => {
    const initial = await sessionCount(rig.tool);
    const { res, browser: b, before = initial } = await attempt(v);
    const html = await res.text();
    expect(res.status).toBe(401);
    expect(errorOf(html)).toEqual(v.expected);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('masterly_session='))).toBe(false);
    expect(b.cookies('localhost').masterly_session).toBeUndefined();
    expect(await sessionCount(rig.tool)).toBe(before);
    // Nothing of the request is echoed back.
    expect(html).not.toContain('id_token');
    expect(html).not.toContain(rig.lms.clientId);
  });
});
