import { afterEach, describe, expect, it } from 'vitest';
import { startPassbackRig, type PassbackRig } from '../e2e/passbackSupport.js';

describe('roster sync over NRPS', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('walks every page, maps roles, then applies differences (inactive members kept and marked)', async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    // (The instructor's launch may already have synced the stale roster in the background: force a full walk.)
    await rig.lms.devplatform.seedMembers(250); // several NRPS pages
    const full = await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    expect(full.mode).toBe('full');
    expect(full.pages).toBeGreaterThan(1);
    const members = await rig.adv.roster.list(rig.contextId, '');
    expect(members).toHaveLength(rig.lms.devplatform.users.length);
    expect(members.find((m) => m.userSub === rig!.instructorSub)?.role).toBe('instructor');
    expect(members.filter((m) => m.role === 'teaching_assistant')).toHaveLength(1);

    const leaving = rig.students[0]!;
    await rig.lms.devplatform.setMemberStatus(leaving, 'Inactive');
    const diff = await rig.adv.syncRoster({ contextId: rig.contextId });
    expect(diff.mode).toBe('differences');
    const after = await rig.adv.roster.list(rig.contextId, '');
    expect(after).toHaveLength(members.length);
    expect(after.find((m) => m.userSub === leaving)?.status).toBe('inactive');
  });

  it('scopes the roster to a resource link (rlid)', async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    const all = await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const section = await rig.adv.syncRoster({ contextId: rig.contextId, resourceLinkId: 'rl-masterly-section-b' });
    expect(section.members).toBeGreaterThan(0);
    expect(section.members).toBeLessThan(all.members);
  });
});
