import type { BenchScenario } from '../bench-scenario.ts';
import { measureLoad, type LoadResult } from '../measure-load.ts';
import { startBareKoa } from '../servers/server-process.ts';
import { startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { median, rounded } from '../statistics.ts';

function row(label: string, runs: readonly LoadResult[]): string {
  return `| ${label} | ${rounded(median(runs.map((r) => r.requestsPerSecond)))} | ${rounded(median(runs.map((r) => r.p50Ms)), 1)} | ${rounded(median(runs.map((r) => r.p99Ms)), 1)} |`;
}

/** An authenticated GET /api/v1/me (session cookie: session lookup, user, memberships) against bare Koa. */
export const meScenario: BenchScenario = {
  name: 'me',
  description: 'GET /api/v1/me with a session cookie vs a bare Koa app (target: at least 50%).',
  async run(settings) {
    const { server: kirjuri, cookie } = await startSignedInKirjuri();
    const baseline = await startBareKoa();
    try {
      const kirjuriRuns: LoadResult[] = [];
      const baselineRuns: LoadResult[] = [];
      const loadKirjuri = (durationSeconds = settings.durationSeconds) =>
        measureLoad({ url: `${kirjuri.url}/api/v1/me`, connections: settings.connections, durationSeconds, headers: { Cookie: cookie } });
      const loadBaseline = (durationSeconds = settings.durationSeconds) =>
        measureLoad({ url: `${baseline.url}/api/v1/health`, connections: settings.connections, durationSeconds });
      await loadKirjuri(2);
      await loadBaseline(2);
      for (let round = 0; round < settings.rounds; round += 1) {
        const order = round % 2 ? [[loadBaseline, baselineRuns], [loadKirjuri, kirjuriRuns]] as const : [[loadKirjuri, kirjuriRuns], [loadBaseline, baselineRuns]] as const;
        for (const [load, runs] of order) {
          const result = await load();
          if (result.failures > 0) throw new Error(`${result.failures} requests failed: the measurement is not valid.`);
          runs.push(result);
        }
      }
      const ratio = median(kirjuriRuns.map((run, i) => run.requestsPerSecond / baselineRuns[i]!.requestsPerSecond));
      return [
        `me: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        '| server | req/s | p50 ms | p99 ms |',
        '| --- | ---: | ---: | ---: |',
        row('Kirjuri GET /api/v1/me (session cookie)', kirjuriRuns),
        row('bare Koa (baseline)', baselineRuns),
        `ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa (target >= 50%): ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
