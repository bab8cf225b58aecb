import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs } from '../support/devplatform.js';
import { onPostgres } from '../support/db.js';
import { loginAt, startRig, type LaunchRig } from '../support/tool.js';

describe('database statements per launch', () => {
  let rig: LaunchRig;
  const statements: string[] = [];
  beforeAll(async () => {
    rig = await startRig('generic', { onQuery: (e: LogEvent) => statements.push(e.query.sql) });
  });
  afterAll(async () => rig?.close());

  it(`stays within the budget (PostgreSQL: login INSERT + state UPDATE…RETURNING + one CTE, plus the landing page's session read)`, async () => {
    const userId = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')))?.id as string;
    await launchAs(rig.lms, rig.toolUrl, { userId }); // warms the registry and JWKS caches
    statements.length = 0;
    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId });
    expect(response.status).toBe(200);
    // SQLite's transaction shows up as begin/commit; they are not round trips to a server. Only the launch's own
    // statements are counted here (later features may add background work after a launch; the bench counts all).
    const foundation = /\b"?(login_states|users|contexts|enrollments|launch_sessions|platforms|deployments|tool_keys)"?\b/;
    const count = statements.filter((s) => !/^(begin|commit)$/i.test(s) && foundation.test(s)).length;
    if (process.env.SHOW_SQL) console.log(statements.join("\n"));
    if (onPostgres()) expect(count).toBeLessThanOrEqual(4);
    else expect(count).toBeLessThanOrEqual(7); // SQLite: the launch upserts run as separate statements in one transaction
    // The course has no content yet: the session's read says so, and the learner's page needs no read of its own.
    expect(await response.clone().text()).toMatch(/is not ready yet/);
    // (SQLite records the launch as several statements, one of them this read; PostgreSQL in its one CTE.)
    expect(statements.filter((s) => /from "?objectives\b/i.test(s) && !/launch_sessions/i.test(s))).toHaveLength(onPostgres() ? 0 : 1);
    if (onPostgres()) expect(statements.filter((s) => !/^(begin|commit)$/i.test(s))).toHaveLength(4);
    expect(statements.filter((s) => /^insert into "login_states"/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /^update "login_states"/i.test(s))).toHaveLength(1);
  });

  it("records the course's language with an instructor's launch, and lands them on set-up at once", async () => {
    const userId = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')))?.id as string;
    statements.length = 0;
    // The course has no content: the launch knows it from its record and redirects to set-up, not via /instructor.
    const login = await loginAt(rig, userId);
    const res = await login.browser.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(rig.lms.launchClaims({ userId, nonce: login.nonce })), state: login.state });
    await res.body?.cancel();
    expect([res.status, res.headers.get('location')]).toEqual([303, '/instructor/setup']);
    expect(statements.filter((s) => /^update "contexts"/i.test(s))).toEqual([]);
  });
});
