import type { BenchScenario } from '../bench-scenario.ts';
import { compareWithBaseline } from '../compare-with-baseline.ts';
import { measureLoad } from '../measure-load.ts';
import { startBareKoa } from '../servers/server-process.ts';
import { startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { rounded } from '../statistics.ts';

/** An authenticated GET /api/v1/me (session cookie: session lookup, user, memberships) against bare Koa. */
export const meScenario: BenchScenario = {
  name: 'me',
  description: 'GET /api/v1/me with a session cookie vs a bare Koa app (target: at least 50%).',
  async run(settings) {
    const { server: kirjuri, cookie } = await startSignedInKirjuri();
    const baseline = await startBareKoa();
    try {
      const { rows, ratio } = await compareWithBaseline(settings,
        { label: 'Kirjuri GET /api/v1/me (session cookie)', load: (durationSeconds) => measureLoad({ url: `${kirjuri.url}/api/v1/me`, connections: settings.connections, durationSeconds, headers: { Cookie: cookie } }) },
        { label: 'bare Koa (baseline)', load: (durationSeconds) => measureLoad({ url: `${baseline.url}/api/v1/health`, connections: settings.connections, durationSeconds }) });
      return [
        `me: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        ...rows,
        `ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa (target >= 50%): ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
