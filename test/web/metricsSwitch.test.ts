import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';

describe('metrics on and off', () => {
  it('without METRICS_TOKEN serve nothing and count nothing (prom-client stays unloaded)', async () => {
    const off = await createMetrics({ enabled: false });
    expect(off.served).toBeUndefined();
    expect(() => {
      off.observeJob('outbox', true);
      off.observeLmsCall(12, 500);
      off.observeRosterSync(false);
    }).not.toThrow();
  });

  it('with it, the hooks feed the series /metrics serves', async () => {
    const on = await createMetrics({ enabled: true });
    on.observeJob('outbox', false);
    on.observeLmsCall(12, 500);
    on.observeRosterSync(true);
    const text = await on.served?.registry.metrics();
    expect(text).toContain('masterly_job_runs_total{job="outbox",result="failed"} 1');
    expect(text).toContain('masterly_lms_call_failures_total{status="500"} 1');
    expect(text).toContain('masterly_roster_syncs_total{result="ok"} 1');
  });
});
