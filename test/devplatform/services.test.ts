import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestLms, type TestLms } from '../support/devplatform.js';
import { startMiniTool, type MiniTool } from './miniTool.js';

const NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem';
const SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
const RESULTS = 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly';
const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const ALL = [NRPS, LINEITEM, SCORE, RESULTS];
const UA = { 'user-agent': 'Masterly-test/1' };

interface Member {
  user_id: string;
  status: string;
  roles: string[];
}

describe('devplatform services', () => {
  let tool: MiniTool;
  let lms: TestLms;
  let token: string;
  beforeAll(async () => {
    tool = await startMiniTool();
    lms = await startTestLms({ toolUrl: tool.url });
    tool.connect(lms);
    token = await tool.token(ALL);
  });
  afterAll(async () => {
    await lms.close();
    await tool.close();
  });
  afterEach(() => {
    lms.faults.clear();
    lms.setMode('generic');
  });

  const api = (path: string, init: RequestInit = {}, bearer = token) =>
    fetch(path.startsWith('http') ? path : `${lms.url}/api/lti/courses/2${path}`, {
      ...init,
      headers: { ...UA, authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const tokenRequest = async (assertion: string, scope = NRPS) =>
    fetch(lms.registration().tokenUrl, {
      method: 'POST',
      headers: { ...UA, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope,
      }),
    });
  const students = () => lms.users.filter((u) => u.roles.includes(LEARNER) && lms.devplatform.users.find((d) => d.id === u.id)?.status === 'Active');
  const instructor = () => lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))!;
  const newLineItem = async (body: Record<string, unknown> = {}) => {
    const res = await api('/line_items', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ims.lis.v2.lineitem+json' },
      body: JSON.stringify({ label: 'Equivalent fractions', scoreMaximum: 100, resourceId: 'obj-1', tag: 'mastery', ...body }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const score = (lineItem: string, body: Record<string, unknown>) =>
    fetch(`${lineItem}/scores`, {
      method: 'POST',
      headers: { ...UA, authorization: `Bearer ${token}`, 'content-type': 'application/vnd.ims.lis.v1.score+json' },
      body: JSON.stringify({ activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: new Date().toISOString(), ...body }),
    });

  describe('token endpoint', () => {
    it('issues a bearer token for a valid private_key_jwt assertion', async () => {
      const res = await tokenRequest(await tool.assertion(), `${NRPS} https://example.com/unknown`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: NRPS, access_token: expect.any(String) });
    });

    it('refuses an assertion signed by an unknown key, a wrong audience, or a reused jti', async () => {
      expect((await tokenRequest(await tool.assertion({}, { otherKey: true }))).status).toBe(401);
      expect((await tokenRequest(await tool.assertion({ aud: lms.issuer }))).status).toBe(401);
      expect((await tokenRequest(await tool.assertion({ iss: 'someone-else' }))).status).toBe(401);
      const once = await tool.assertion({ jti: 'fixed-jti' });
      expect((await tokenRequest(once)).status).toBe(200);
      const again = await tokenRequest(once);
      expect(again.status).toBe(401);
      expect(await again.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refetches the tool JWKS when the tool rotated its key', async () => {
      const before = tool.jwksFetches();
      await tool.rotateKey();
      expect((await tokenRequest(await tool.assertion())).status).toBe(200);
      expect(tool.jwksFetches()).toBe(before + 1);
    });

    it('guards service endpoints: 401 without a valid token, 403 without the scope', async () => {
      expect((await api('/names_and_roles', {}, 'nope')).status).toBe(401);
      const nrpsOnly = await tool.token([NRPS]);
      expect((await api('/line_items', {}, nrpsOnly)).status).toBe(403);
    });
  });

  describe('NRPS', () => {
    it('pages through every member with rel="next" and offers a differences link', async () => {
      const seen: Member[] = [];
      let next: string | undefined = `${lms.url}/api/lti/courses/2/names_and_roles?limit=7`;
      let differences: string | undefined;
      while (next) {
        const res = await api(next);
        expect(res.headers.get('content-type')).toContain('application/vnd.ims.lti-nrps.v2.membershipcontainer+json');
        seen.push(...((await res.json()) as { members: Member[] }).members);
        const link = res.headers.get('link') ?? '';
        next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
        differences = /<([^>]+)>;\s*rel="differences"/.exec(link)?.[1];
      }
      expect(seen.map((m) => m.user_id)).toEqual(lms.users.map((u) => u.id));
      expect(seen.some((m) => m.status === 'Inactive')).toBe(true);

      const victim = students()[0]!;
      await lms.devplatform.setMemberStatus(victim.id, 'Inactive');
      const diff = (await (await api(differences!)).json()) as { members: Member[] };
      expect(diff.members).toEqual([expect.objectContaining({ user_id: victim.id, status: 'Inactive' })]);
      await lms.devplatform.setMemberStatus(victim.id, 'Active');
    });

    it('combines role and rlid filters with AND', async () => {
      const all = ((await (await api('/names_and_roles?rlid=rl-masterly-section-b')).json()) as { members: Member[] }).members;
      const learners = ((await (await api('/names_and_roles?rlid=rl-masterly-section-b&role=Learner')).json()) as { members: Member[] }).members;
      expect(learners.length).toBeGreaterThan(0);
      expect(learners.length).toBeLessThan(all.length);
      expect(learners.every((m) => m.roles.includes(LEARNER))).toBe(true);
      const everyLearner = ((await (await api(`/names_and_roles?role=${encodeURIComponent(LEARNER)}`)).json()) as { members: Member[] }).members;
      expect(learners.length).toBeLessThan(everyLearner.length);
    });

    it('returns active members only in Canvas mode', async () => {
      lms.setMode('canvas');
      const { members } = (await (await api('/names_and_roles')).json()) as { members: Member[] };
      expect(members.every((m) => m.status === 'Active')).toBe(true);
      expect(members.length).toBeLessThan(lms.users.length);
    });
  });

  describe('AGS', () => {
    it('creates, filters, reads, updates and deletes line items', async () => {
      const id = await newLineItem({ resourceId: 'obj-filter', tag: 'filter-tag' });
      const listed = (await (await api('/line_items?resource_id=obj-filter&tag=filter-tag')).json()) as Array<{ id: string }>;
      expect(listed.map((l) => l.id)).toEqual([id]);
      const put = await api(id, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label: 'Renamed', scoreMaximum: 10 }) });
      expect(await put.json()).toMatchObject({ id, label: 'Renamed', scoreMaximum: 10, resourceId: 'obj-filter' });
      expect((await api(id, { method: 'DELETE' })).status).toBe(204);
      expect((await api(id)).status).toBe(404);
      const bad = await api('/line_items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label: 'x' }) });
      expect(bad.status).toBe(400);
    });

    it('keeps the latest score by timestamp, normalises results and records every accepted score', async () => {
      const id = await newLineItem();
      const s = students()[1]!;
      expect((await score(id, { userId: s.id, scoreGiven: 42, scoreMaximum: 50, comment: 'Mastered 4 of 5', timestamp: '2026-01-01T10:00:00Z' })).status).toBe(204);
      expect((await score(id, { userId: s.id, scoreGiven: 10, scoreMaximum: 50, timestamp: '2026-01-01T09:00:00Z' })).status).toBe(204);
      const results = (await (await api(`${id}/results`)).json()) as unknown[];
      expect(results).toEqual([{ id: `${id}/results/${s.id}`, scoreOf: id, userId: s.id, resultScore: 84, resultMaximum: 100, comment: 'Mastered 4 of 5' }]);
      const history = (await lms.devplatform.scoreHistory()).filter((h) => h.userId === s.id);
      expect(history.map((h) => [h.scoreGiven, h.applied])).toEqual([[42, true], [10, false]]);
      const page = await (await fetch(`${lms.url}/gradebook`)).text();
      expect(page).toContain('Mastered 4 of 5');
    });

    it('validates scores: member userId, scoreMaximum with scoreGiven, timestamp and progress', async () => {
      const id = await newLineItem();
      const s = students()[2]!;
      expect((await score(id, { userId: 'nobody', scoreGiven: 1, scoreMaximum: 1 })).status).toBe(400);
      expect((await score(id, { userId: s.id, scoreGiven: 1 })).status).toBe(400);
      expect((await score(id, { userId: s.id, scoreGiven: 1, scoreMaximum: 1, timestamp: undefined })).status).toBe(400);
      expect((await score(id, { userId: s.id, gradingProgress: undefined })).status).toBe(400);
      expect((await score(id, { userId: instructor().id, scoreGiven: 1, scoreMaximum: 1 })).status).toBe(204);
    });

    it('answers like Canvas: 403 without a User-Agent, 422 for a non-student, 400 for an older timestamp, lowercase link', async () => {
      lms.setMode('canvas');
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${lms.url}/api/lti/courses/2/line_items`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(403);
      const id = await newLineItem();
      const s = students()[3]!;
      const first = await score(id, { userId: s.id, scoreGiven: 3, scoreMaximum: 5, timestamp: '2026-02-01T10:00:00Z' });
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ resultUrl: `${id}/results/${s.id}` });
      expect((await score(id, { userId: s.id, scoreGiven: 1, scoreMaximum: 5, timestamp: '2026-02-01T09:00:00Z' })).status).toBe(400);
      expect((await score(id, { userId: s.id, scoreGiven: 3, scoreMaximum: 5, timestamp: '2026-02-01T10:00:00Z' })).status).toBe(200);
      expect((await score(id, { userId: instructor().id, scoreGiven: 1, scoreMaximum: 5 })).status).toBe(422);
      const rawHeaders = await new Promise<string[]>((resolve, reject) => {
        const req = httpRequest(`${lms.url}/api/lti/courses/2/names_and_roles?limit=2`, { headers: { ...UA, authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.rawHeaders);
        });
        req.on('error', reject);
        req.end();
      });
      expect(rawHeaders).toContain('link');
      expect(rawHeaders).not.toContain('Link');
    });

    it('answers like Moodle: 400 "Incorrect score received" for a non-gradable user or a bad score', async () => {
      lms.setMode('moodle');
      const id = await newLineItem();
      const s = students()[4]!;
      for (const body of [{ userId: instructor().id, scoreGiven: 1, scoreMaximum: 1 }, { userId: s.id, scoreGiven: 1 }, { userId: s.id, activityProgress: undefined }]) {
        const res = await score(id, body);
        expect(res.status).toBe(400);
        expect(await res.text()).toBe('Incorrect score received');
      }
      expect((await score(id, { userId: s.id, scoreGiven: 1, scoreMaximum: 2 })).status).toBe(200);
    });
  });

  describe('faults', () => {
    it('fails with 503 for a number of requests, then heals', async () => {
      lms.faults.set({ status: 503, count: 2 });
      expect((await api('/names_and_roles')).status).toBe(503);
      expect((await api('/names_and_roles')).status).toBe(503);
      expect((await api('/names_and_roles')).status).toBe(200);
    });

    it('rate-limits with 429 and Retry-After, or Canvas 403 Rate Limit Exceeded', async () => {
      lms.faults.set({ rateLimit: { count: 1, retryAfterSeconds: 7 } });
      const limited = await api('/names_and_roles');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect((await api('/names_and_roles')).status).toBe(200);
      lms.setMode('canvas');
      lms.faults.set({ rateLimit: { count: 1, retryAfterSeconds: 1 } });
      const canvas = await api('/names_and_roles');
      expect(canvas.status).toBe(403);
      expect(await canvas.text()).toContain('Rate Limit Exceeded');
    });

    it('expires tokens on demand, delays answers and drops connections', async () => {
      const own = await tool.token([NRPS]);
      lms.faults.set({ expireTokens: true });
      expect((await api('/names_and_roles', {}, own)).status).toBe(401);
      expect((await api('/names_and_roles', {}, own)).status).toBe(401);
      const fresh = await tool.token([NRPS]);
      expect((await api('/names_and_roles', {}, fresh)).status).toBe(200);
      token = await tool.token(ALL);

      lms.faults.set({ delayMs: 150 });
      const t0 = Date.now();
      expect((await api('/names_and_roles')).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

      lms.faults.set({ dropConnections: 1 });
      await expect(api('/names_and_roles')).rejects.toThrow();
      expect((await api('/names_and_roles')).status).toBe(200);
    });

    it('does not fault pages or the launch endpoints', async () => {
      lms.faults.set({ status: 500 });
      expect((await fetch(`${lms.url}/`)).status).toBe(200);
      expect((await fetch(`${lms.url}/.well-known/jwks.json`)).status).toBe(200);
    });
  });

  it('seeds a large roster for benchmarks', async () => {
    const other = await startTestLms({ toolUrl: tool.url });
    try {
      const added = await other.devplatform.seedMembers(2000);
      expect(added).toHaveLength(2000);
      expect(other.users.length).toBe(30 + 2000);
      expect(new Set(other.users.map((u) => u.id)).size).toBe(other.users.length);
    } finally {
      await other.close();
    }
  });
});
