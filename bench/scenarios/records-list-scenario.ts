import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import type { BenchScenario } from '../bench-scenario.ts';
import { createApp } from '../../core/app.ts';
import { loadConfig } from '../../core/config/index.ts';
import { startServer } from '../../core/http/start-server.ts';
import { newId } from '../../core/db/new-id.ts';
import { sendJson as send } from '../servers/send-json.ts';
import { benchAdmin, signIn } from '../servers/signed-in-kirjuri.ts';
import { memberSharing } from '../servers/bench-member.ts';
import { median, rounded } from '../statistics.ts';
import { fifteenFieldData, fifteenFieldTemplate } from './records-create-scenario.ts';

const total = 1_000_000;
const folderCount = 1000;
const rowsPerInsert = 500;
const setupToken = 'bench-setup-token-0123456789';
const columns = 'id, tenant_id, folder_id, template_id, template_version, title, status, data, search_text, score, revision, owner_id, created_at, updated_at, completed_at, completed_by';

/** The 95th percentile of a list of numbers. */
function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

/** Times `count` sequential GETs of a URL (following nextCursor when `follow`), failing on anything but 200. */
async function timeRequests(url: string, cookie: string, count: number, follow: boolean): Promise<number[]> {
  const times: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(cursor ? `${url}&cursor=${cursor}` : url, { headers: { Cookie: cookie } });
    const body = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    times.push(performance.now() - started);
    if (response.status !== 200 || body.items.length !== 50) throw new Error(`${url} answered ${response.status} with ${body.items?.length} items.`);
    cursor = follow ? body.nextCursor : null;
  }
  return times;
}

/**
 * Listing 50 records of one folder among 1,000,000 records of the tenant (1,000 folders of 1,000), over
 * HTTP with the whole middleware stack: the first page and the pages after it (keyset: each an index
 * range from the last row), as an admin and as a member the folder is shared with.
 */
export const recordsListScenario: BenchScenario = {
  name: 'records-list',
  description: 'GET /api/v1/t/{t}/records?folderId= (50 of 1,000,000 records) on SQLite, sequential requests (target: p95 under 50 ms).',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bench-list-'));
    const config = loadConfig({ env: { KIRJURI_LOG_LEVEL: 'warn', KIRJURI_SETUP_TOKEN: setupToken }, overrides: { dataDir: join(dir, 'data'), keys: { masterKeyFile: join(dir, 'keys', 'master.key') }, jobs: { enabled: false }, server: { tls: false, host: '127.0.0.1', port: 0 } } });
    const kirjuri = await createApp(config);
    const server = await startServer({ handler: kirjuri.app.callback(), config, log: kirjuri.log });
    try {
      const setup = await fetch(`${server.url}/api/v1/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: setupToken, ...benchAdmin, name: 'Bench Admin', tenant: { name: 'Bench Oy', slug: 'bench' } }) });
      if (setup.status !== 201) throw new Error(`Setup failed with ${setup.status}: ${await setup.text()}`);
      const adminCookie = await signIn(server.url);
      const api = `${server.url}/api/v1/t/bench`;
      const template = await send(`${api}/templates`, adminCookie, 'POST', fifteenFieldTemplate, 201);
      const folders: string[] = [];
      for (let f = 0; f < folderCount; f += 1) folders.push(String((await send(`${api}/folders`, adminCookie, 'POST', { name: `Site ${f}` }, 201)).id));
      const target = folders[folderCount / 2]!;
      const memberCookie = await memberSharing(server.url, adminCookie, target, 'view');
      const [tenant] = await kirjuri.db.sequelize.query<{ id: string }>("SELECT id FROM kirjuri_tenants WHERE slug = 'bench'", { type: QueryTypes.SELECT });
      const [owner] = await kirjuri.db.sequelize.query<{ id: string }>('SELECT id FROM kirjuri_users WHERE email = $1', { bind: [benchAdmin.email], type: QueryTypes.SELECT });
      const data = JSON.stringify(fifteenFieldData);
      const loadStarted = performance.now();
      const start = Date.now() - total * 1000;
      for (let written = 0; written < total;) {
        await kirjuri.db.transaction(async (transaction) => {
          for (let inBatch = 0; inBatch < 40 && written < total; inBatch += 1) {
            const bind: unknown[] = [];
            const marks: string[] = [];
            for (let r = 0; r < rowsPerInsert; r += 1, written += 1) {
              const at = start + written * 1000;
              const values = [newId(), tenant!.id, folders[written % folderCount], template.id, 1, `Inspection ${written}`, 'draft', data, `inspection ${written}`, null, 1, owner!.id, at, at, null, null];
              marks.push(`(${values.map((value) => `$${bind.push(value)}`).join(', ')})`);
            }
            await kirjuri.db.sequelize.query(`INSERT INTO records_records (${columns}) VALUES ${marks.join(', ')}`, { bind, type: QueryTypes.INSERT, transaction });
          }
        });
      }
      await kirjuri.db.sequelize.query('ANALYZE', { type: QueryTypes.RAW });
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const url = `${api}/records?folderId=${target}&limit=50`;
      await timeRequests(url, adminCookie, 20, false);
      const lines = [`records-list: ${total.toLocaleString('en')} records in ${folderCount} folders (written in ${rounded(loadSeconds)} s), 50 per page, sequential requests over HTTP`, '| request | runs | p50 ms | p95 ms |', '| --- | ---: | ---: | ---: |'];
      let worst = 0;
      for (const [label, cookie, follow] of [['first page, admin', adminCookie, false], ['first page, member (folder shared)', memberCookie, false], ['pages 1-19 following the cursor, member', memberCookie, true]] as const) {
        const times: number[] = [];
        for (let round = 0; round < 10; round += 1) times.push(...await timeRequests(url, cookie, 19, follow));
        worst = Math.max(worst, p95(times));
        lines.push(`| ${label} | ${times.length} | ${rounded(median(times), 1)} | ${rounded(p95(times), 1)} |`);
      }
      lines.push(`worst p95 ${rounded(worst, 1)} ms (target < 50 ms): ${worst < 50 ? 'met' : 'NOT met'}`);
      return lines.join('\n');
    } finally {
      await server.close();
      await kirjuri.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
