import type { BenchScenario } from '../bench-scenario.ts';
import { compareWithBaseline } from '../compare-with-baseline.ts';
import { measureLoad } from '../measure-load.ts';
import { csrfTokenOf, sendJson as send } from '../servers/send-json.ts';
import { startBareKoa } from '../servers/server-process.ts';
import { startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { memberSharing } from '../servers/bench-member.ts';
import { rounded } from '../statistics.ts';

/** A 15-field inspection form: the benchmark template. */
export const fifteenFieldTemplate = {
  name: 'Bench inspection', kind: 'form', fields: [
    { key: 'site', type: 'text', label: 'Site', required: true },
    { key: 'inspector', type: 'text', label: 'Inspector', required: true },
    { key: 'date', type: 'date', label: 'Date', required: true },
    { key: 'started', type: 'datetime', label: 'Started' },
    { key: 'weather', type: 'choice', label: 'Weather', options: ['sunny', 'cloudy', 'rain', 'snow'] },
    { key: 'temperature', type: 'number', label: 'Temperature', unit: '°C', min: -50, max: 50 },
    { key: 'workers', type: 'number', label: 'Workers on site', min: 0, max: 1000 },
    { key: 'hazards', type: 'multichoice', label: 'Hazards seen', options: ['height', 'electricity', 'machinery', 'chemicals'] },
    { key: 'ppe_ok', type: 'checkbox', label: 'Protective equipment in use' },
    { key: 'scaffolds', type: 'score', label: 'Scaffolds in order' },
    { key: 'railings', type: 'score', label: 'Railings in order' },
    { key: 'tidiness', type: 'score', label: 'Order and tidiness' },
    { key: 'where', type: 'location', label: 'Location' },
    { key: 'findings', type: 'longtext', label: 'Findings' },
    { key: 'actions', type: 'longtext', label: 'Corrective actions' },
  ],
};

/** Data filling every field of the template. */
export const fifteenFieldData = {
  site: 'Kalasatama block 4', inspector: 'Maija Meikäläinen', date: '2026-12-01', started: '2026-12-01T07:30:00Z', weather: 'cloudy', temperature: -3.5, workers: 42,
  hazards: ['height', 'machinery'], ppe_ok: true, scaffolds: true, railings: false, tidiness: null, where: { lat: 60.1867, lon: 24.9776, accuracy: 8 },
  findings: 'Railing missing on the third floor landing, east stairwell.', actions: 'Railing installed the same day; checked by the site manager.',
};

/**
 * POST /api/v1/t/{t}/records by a member in a folder shared with them (edit): session, access check on
 * the folder, validation of 15 fields, the record, its first revision and its audit entry in one
 * transaction on SQLite; against bare Koa in the same run.
 */
export const recordsCreateScenario: BenchScenario = {
  name: 'records-create',
  description: 'POST /api/v1/t/{t}/records with a 15-field template on SQLite vs bare Koa (target: at least 1,000 records/s).',
  async run(settings) {
    const { server: kirjuri, cookie: adminCookie } = await startSignedInKirjuri();
    const baseline = await startBareKoa();
    try {
      const api = `${kirjuri.url}/api/v1/t/bench`;
      const folder = await send(`${api}/folders`, adminCookie, 'POST', { name: 'Inspections' }, 201);
      const cookie = await memberSharing(kirjuri.url, adminCookie, folder.id, 'edit');
      const template = await send(`${api}/templates`, adminCookie, 'POST', fifteenFieldTemplate, 201);
      const body = JSON.stringify({ templateId: template.id, folderId: folder.id, title: 'Weekly inspection', data: fifteenFieldData });
      const headers = { Cookie: cookie, 'X-CSRF-Token': await csrfTokenOf(kirjuri.url, cookie), 'Content-Type': 'application/json' };
      const check = await fetch(`${api}/records`, { method: 'POST', headers, body });
      if (check.status !== 201) throw new Error(`The member could not make a record: ${check.status} ${await check.text()}`);
      const { rows, ratio, candidate } = await compareWithBaseline(settings,
        { label: 'Kirjuri POST record (15 fields, revision, audit, one transaction)', load: (durationSeconds) => measureLoad({ url: `${api}/records`, method: 'POST', body, connections: settings.connections, durationSeconds, headers }) },
        { label: 'bare Koa (baseline)', load: (durationSeconds) => measureLoad({ url: `${baseline.url}/api/v1/health`, connections: settings.connections, durationSeconds }) });
      return [
        `records-create: ${settings.rounds} rounds of ${settings.durationSeconds} s, ${settings.connections} connections, medians`,
        ...rows,
        `${rounded(candidate)} records/s (target >= 1,000): ${candidate >= 1000 ? 'met' : 'NOT met'}; ratio (median of per-round ratios): ${rounded(ratio * 100, 1)}% of bare Koa`,
      ].join('\n');
    } finally {
      await kirjuri.stop();
      await baseline.stop();
    }
  },
};
