import type { BenchScenario } from '../bench-scenario.ts';
import { compareWithBaseline } from '../compare-with-baseline.ts';
import { measureLoad } from '../measure-load.ts';
import { startBareKoa } from '../servers/server-process.ts';
import { startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { memberSharing } from '../servers/bench-member.ts';
import { rounded } from '../statistics.ts';
import { sendJson as send } from '../servers/send-json.ts';

/**
 * A member viewing a folder shared with them (session cookie; tenant, membership, share, folder and
 * breadcrumbs resolved; a `folder.view` audit entry queued and written in batches) against bare Koa.
 */
export const objectViewScenario: BenchScenario = {
  name: 'view',
  description: 'GET /api/v1/t/{t}/folders/{id} by a member it is shared with, audited, vs bare Koa (target: at least 35%).',
  async run(settings) {
    const { server: kirjuri, cookie: adminCookie } = await startSignedInKirjuri();
    const baseline = await startBareKoa();
    try {
      const api = `${kirjuri.url}/api/v1/t/bench`;
      const site = await send(`${api}/folders`, adminCookie, 'POST', { name: 'Site' }, 201);
      const folder = await send(`${api}/folders`, adminCookie, 'POST', { name: 'Week 47', parentId: site.id }, 201);
      const cookie = await memberSharing(kirjuri.url, adminCookie, site.id, 'view');
      const url = `${api}/folders/${String(folder.id)}`;
      const check = await fetch(url, { headers: { Cookie: cookie } });
      if (check.status !== 200) throw new Error(`The member could not view the folder: ${check.status} ${await check.text()}`);
      const { rows, ratio } = await compareWithBaseline(settings,
        { label: 'Kirjuri GET folder as a member (audited view)', load: (durationSeconds) => measureLoad({ url, connections: settings.connections, durationSeconds, headers: { Cookie: cookie } }) },
        { label: 'bare Koa (baseline)', load: (durationSeconds) => measureLoad({ url: `${baseline.url}/api/v1/health`, connections: settings.connections, durationSeconds }) });
      return [
        `view: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        ...rows,
        `ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa (target >= 35%): ${ratio >= 0.35 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
