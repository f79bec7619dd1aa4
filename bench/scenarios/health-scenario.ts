import type { BenchScenario } from '../bench-scenario.ts';
import { measureLoad, type LoadResult } from '../measure-load.ts';
import { startBareKoa, startKirjuri } from '../servers/server-process.ts';
import { median, rounded } from '../statistics.ts';

function row(label: string, runs: readonly LoadResult[]): string {
  return `| ${label} | ${rounded(median(runs.map((r) => r.requestsPerSecond)))} | ${rounded(median(runs.map((r) => r.p50Ms)), 1)} | ${rounded(median(runs.map((r) => r.p99Ms)), 1)} |`;
}

/** GET /api/v1/health through Kirjuri's full middleware stack (TLS off) against a bare Koa app answering the same JSON. */
export const healthScenario: BenchScenario = {
  name: 'health',
  description: 'GET /api/v1/health through the full stack vs a bare Koa app (target: at least 70%).',
  async run(settings) {
    const kirjuri = await startKirjuri();
    const baseline = await startBareKoa();
    try {
      const kirjuriRuns: LoadResult[] = [];
      const baselineRuns: LoadResult[] = [];
      const load = (url: string, durationSeconds = settings.durationSeconds): Promise<LoadResult> =>
        measureLoad({ url: `${url}/api/v1/health`, connections: settings.connections, durationSeconds });
      // Warm both up (JIT, connection pools) before anything counts.
      await load(kirjuri.url, 2);
      await load(baseline.url, 2);
      for (let round = 0; round < settings.rounds; round += 1) {
        // Alternate which goes first so drift of the machine affects both alike.
        const order = round % 2 ? [[baseline, baselineRuns], [kirjuri, kirjuriRuns]] as const : [[kirjuri, kirjuriRuns], [baseline, baselineRuns]] as const;
        for (const [server, runs] of order) {
          const result = await load(server.url);
          if (result.failures > 0) throw new Error(`${result.failures} requests to ${server.url} failed: the measurement is not valid.`);
          runs.push(result);
        }
      }
      const ratios = kirjuriRuns.map((run, i) => run.requestsPerSecond / baselineRuns[i]!.requestsPerSecond);
      const ratio = median(ratios);
      return [
        `health: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        '| server | req/s | p50 ms | p99 ms |',
        '| --- | ---: | ---: | ---: |',
        row('Kirjuri GET /api/v1/health', kirjuriRuns),
        row('bare Koa (baseline)', baselineRuns),
        `ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa (target >= 70%): ${ratio >= 0.7 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
