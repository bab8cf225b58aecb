/**
 * `npm run bench -- passback`: 10,000 grade changes (1,000 students × 10 objectives) written to the outbox
 * through the engine's afterMasteryChange hook, then drained to the LMS emulator over HTTP.
 * Goal: < 30 s to drain, 0 lost, 0 duplicates. Settings: BENCH_PASSBACK_STUDENTS (1000), BENCH_PASSBACK_OBJECTIVES (10),
 * BENCH_DATABASE_URL (default: a SQLite file), BENCH_PASSBACK_CONCURRENCY (32).
 */
import type { BenchReport } from './run.js';
import { startServicesRig } from './lib/servicesRig.js';

const num = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);

export async function run(): Promise<BenchReport> {
  const studentsN = num(process.env.BENCH_PASSBACK_STUDENTS, 1000);
  const objectivesN = num(process.env.BENCH_PASSBACK_OBJECTIVES, 10);
  const rig = await startServicesRig(studentsN, {
    concurrency: num(process.env.BENCH_PASSBACK_CONCURRENCY, 32),
    batch: 500,
  });
  try {
    await rig.adv.lineItems.savePolicy(
      { contextId: rig.contextId, policy: 'p_mastery', calculation: null, perObjective: true, perActivity: false, activityGrade: 'objective_grade', scoreMaximum: 100 },
      Date.now(),
    );
    const objectives = Array.from({ length: objectivesN }, (_, i) => `bench-obj-${i}`);
    const expected = new Map<string, number | null>();
    const t0 = Date.UTC(2026, 3, 1);
    const enqueueStart = performance.now();
    // One transaction per student (as one submission would touch several objectives).
    for (const [i, s] of rig.students.entries()) {
      await rig.tool.composition.repos.learners.inTransaction(async (tx) => {
        for (const [j, obj] of objectives.entries()) {
          const p = ((i * 7 + j * 13) % 100) / 100;
          await rig.adv.afterMasteryChange(tx, {
            contextId: rig.contextId,
            userId: s.userId,
            objectiveId: obj,
            objectiveKey: obj,
            pBefore: 0,
            pAfter: p,
            stateBefore: 'available',
            stateAfter: p >= 0.95 ? 'mastered' : 'practising',
            grade: Math.round(p * 100),
            gradeMaximum: 100,
            attemptId: `bench-${i}-${j}`,
            occurredAt: t0 + i * 100 + j,
          });
          // Graded on mastery only; practising leaves progress with no grade (docs/decisions/0012-grade-semantics.md).
          expected.set(`masterly:objective:${obj}|${s.sub}`, p >= 0.95 ? Math.round(p * 100 * 10_000) / 10_000 : null);
        }
      });
    }
    const enqueueMs = performance.now() - enqueueStart;
    const drainStart = performance.now();
    const report = await rig.adv.drainUntilIdle({ deadlineMs: 120_000, pauseMs: 5 });
    const drainMs = performance.now() - drainStart;

    const results = await rig.lms.results();
    const history = await rig.lms.scoreHistory();
    let lost = 0;
    const got = new Map(results.map((r) => [`${r.resourceId}|${r.userId}`, r.scoreGiven ?? null]));
    for (const [k, v] of expected) if (got.get(k) !== v) lost++;
    const keys = new Set(history.map((h) => `${h.lineItemId}|${h.userId}`));
    const duplicates = history.length - keys.size;
    return {
      title: `Grade passback: ${expected.size} grade changes drained to the LMS emulator (${rig.tool.db.dialect})`,
      figures: [
        { name: 'drain time', value: drainMs / 1000, unit: 's', goal: { op: '<', value: 30 } },
        { name: 'scores per second', value: expected.size / (drainMs / 1000), unit: '/s' },
        { name: 'grades lost', value: lost, unit: 'grades', goal: { op: '<=', value: 0 } },
        { name: 'duplicate scores', value: duplicates, unit: 'scores', goal: { op: '<=', value: 0 } },
        { name: 'enqueue time (in mastery transactions)', value: enqueueMs / 1000, unit: 's' },
        { name: 'failed rows', value: report.failed, unit: 'rows', goal: { op: '<=', value: 0 } },
      ],
      notes: [`${report.claimed} rows claimed, ${report.retried} retried`],
    };
  } finally {
    await rig.close();
  }
}
