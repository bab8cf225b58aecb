/**
 * Scrapes the tool's Prometheus endpoint after a bench (BENCH_METRICS=1 starts Masterly with a METRICS_TOKEN): which
 * series it reports and the sums of the counters the bench can check against what it did.
 */
export interface Scraped {
  /** Metric families present (`# TYPE` lines). */
  families: string[];
  /** Sum of every sample of a family (`name` or `name_count`), e.g. all answers whatever the label. */
  sum(name: string): number;
}

export async function scrapeMetrics(baseUrl: string, token: string): Promise<Scraped> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string);
  const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
  return {
    families,
    sum: (name) =>
      samples
        .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
        .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0),
  };
}
