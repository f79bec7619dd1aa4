import type { BenchScenario } from '../bench-scenario.ts';
import { compareWithBaseline } from '../compare-with-baseline.ts';
import { measureLoad } from '../measure-load.ts';
import { startBareKoa, startKirjuri } from '../servers/server-process.ts';
import { rounded } from '../statistics.ts';

/** GET /api/v1/health through Kirjuri's full middleware stack (TLS off) against a bare Koa app answering the same JSON. */
export const healthScenario: BenchScenario = {
  name: 'health',
  description: 'GET /api/v1/health through the full stack vs a bare Koa app (target: at least 70%).',
  async run(settings) {
    const kirjuri = await startKirjuri();
    const baseline = await startBareKoa();
    try {
      const health = (url: string) => (durationSeconds: number) => measureLoad({ url: `${url}/api/v1/health`, connections: settings.connections, durationSeconds });
      const { rows, ratio } = await compareWithBaseline(settings,
        { label: 'Kirjuri GET /api/v1/health', load: health(kirjuri.url) },
        { label: 'bare Koa (baseline)', load: health(baseline.url) });
      return [
        `health: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        ...rows,
        `ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa (target >= 70%): ${ratio >= 0.7 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
