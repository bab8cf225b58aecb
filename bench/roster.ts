/**
 * `npm run bench -- roster`: a full NRPS roster sync of 10,000 members over the emulator's paged responses
 * (rel="next"), stored in roster_members; then one incremental sync through the differences link.
 * Goal: full sync < 5 s. Settings: BENCH_ROSTER_MEMBERS (10000), BENCH_DATABASE_URL (default: a SQLite file).
 */
import type { BenchReport } from './run.js';
import { startServicesRig } from './lib/servicesRig.js';

export async function run(): Promise<BenchReport> {
  const n = Number(process.env.BENCH_ROSTER_MEMBERS ?? 10_000);
  const rig = await startServicesRig(n);
  try {
    const t0 = performance.now();
    const full = await rig.adv.syncRoster({ contextId: rig.contextId });
    const fullMs = performance.now() - t0;
    const stored = (await rig.adv.roster.list(rig.contextId, '')).length;
    await rig.lms.setMemberStatus(rig.students[0]!.sub, 'Inactive');
    const t1 = performance.now();
    const diff = await rig.adv.syncRoster({ contextId: rig.contextId });
    const diffMs = performance.now() - t1;
    return {
      title: `Roster sync: ${full.members} members over ${full.pages} NRPS pages (${rig.tool.db.dialect})`,
      figures: [
        { name: 'full sync', value: fullMs / 1000, unit: 's', goal: { op: '<', value: 5 } },
        { name: 'members stored', value: stored, unit: 'members', goal: { op: '>=', value: n } },
        { name: 'incremental sync (differences)', value: diffMs / 1000, unit: 's' },
      ],
      notes: [`differences sync mode: ${diff.mode}, ${diff.members} member(s) changed`],
    };
  } finally {
    await rig.close();
  }
}
