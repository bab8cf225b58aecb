/**
 * LMS service URLs from launch claims are checked before any token is sent, against the real emulator over HTTP:
 * a launch whose AGS / NRPS claims point at the link-local metadata address or a private network (the emulator is
 * registered on localhost, so only loopback is allowed for it) ends as a failed grade with ERR_LMS_URL_UNTRUSTED in
 * the ledger and the log, and the LMS never sees a token request. Runs on SQLite or PostgreSQL (DATABASE_URL).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { listGradeLedger } from '../../src/services/listGradeLedger.js';
import { buildAdvantage } from '../../src/advantage.js';
import { loginAt } from '../support/tool.js';
import { FAST_RETRY, masteryChange, startPassbackRig, type PassbackRig } from './passbackSupport.js';

describe('service URLs from claims: address policy over HTTP', () => {
  let rig: PassbackRig;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    rig.adv = buildAdvantage({ db: rig.tool.db, signer: rig.tool.keys, retry: FAST_RETRY, leaseMs: 3000, logger });
    // The student launches again with service claims that point inside the tool's network.
    const sub = rig.students[0]!;
    const { state, nonce, browser: b } = await loginAt(rig, sub, rig.browsers.get(sub));
    const claims = rig.lms.launchClaims({ userId: sub, nonce });
    claims[CLAIM.ags] = {
      ...(claims[CLAIM.ags] as Record<string, unknown>),
      lineitems: 'http://169.254.169.254/latest/api/lti/courses/2/line_items',
    };
    claims[CLAIM.nrps] = { context_memberships_url: 'http://10.0.0.5:8080/api/lti/courses/2/names_and_roles', service_versions: ['2.0'] };
    const res = await b.follow(await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state }, { origin: rig.lms.url }));
    expect(res.status, await res.text()).toBe(200);
  });
  afterAll(async () => rig?.close());

  it('fails the grade with ERR_LMS_URL_UNTRUSTED in the ledger and the log, without asking the LMS for a token', async () => {
    const tokensBefore = rig.lms.devplatform.tokenRequests;
    await masteryChange(rig, rig.students[0]!, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 2, 1));
    const report = await rig.adv.drainUntilIdle({ deadlineMs: 20_000 });
    expect(report).toMatchObject({ failed: 1, sent: 0 });
    expect(rig.lms.devplatform.tokenRequests).toBe(tokensBefore);

    const ledger = await listGradeLedger(rig.adv, { contextId: rig.contextId });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ status: 'failed', failureReason: 'url_untrusted' });
    expect(ledger[0]!.reasonText).toContain('ERR_LMS_URL_UNTRUSTED');

    const line = logLines.find((l) => l.code === 'ERR_LMS_URL_UNTRUSTED');
    expect(line).toMatchObject({ reason: 'address_not_public', origin: 'http://169.254.169.254' });
    expect(JSON.stringify(logLines)).not.toMatch(/Bearer|access_token/);

    // The instructor's grade page says it in plain words.
    const teacher = rig.browsers.get(rig.instructorSub)!;
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(page).toContain('Untrusted LMS address (ERR_LMS_URL_UNTRUSTED)');
  });

  it('refuses the roster call the same way', async () => {
    const tokensBefore = rig.lms.devplatform.tokenRequests;
    await expect(rig.adv.syncRoster({ contextId: rig.contextId, full: true })).rejects.toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED', origin: 'http://10.0.0.5:8080' });
    expect(rig.lms.devplatform.tokenRequests).toBe(tokensBefore);
  });
});
