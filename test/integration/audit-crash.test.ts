// SECURITY.md "Audit" and "Reliability": every view has its entry, and kill -9 loses nothing already
// answered. A real `kirjuri serve` process answers N record views (some at once), is killed with SIGKILL
// the moment the last answer arrives, and the database must hold all N record.view entries.
import { join } from 'node:path';
import { expect } from 'chai';
import { QueryTypes, Sequelize } from 'sequelize';
import { cliInstance, type CliInstance } from '../helpers/cli-instance.ts';
import { freePort, startServe } from '../helpers/serve-process.ts';
import { createTestDatabase, forEachDatabase, type TestDatabase } from '../helpers/test-databases.ts';

const setupToken = 'test-setup-token-0123456789';
const views = 300;
const atOnce = 20;

forEachDatabase('record views and a kill -9', (kind) => {
  let database: TestDatabase;
  let cli: CliInstance;
  before(async () => {
    database = await createTestDatabase(kind);
    cli = cliInstance(database);
  });
  after(async () => {
    cli?.remove();
    await database?.drop();
  });

  it(`kirjuri serve killed with SIGKILL right after its last answer has a record.view entry for every one of ${views} answered views`, async function () {
    this.timeout(120_000);
    const { child, url } = await startServe({ ...cli.env, KIRJURI_HOST: '127.0.0.1', KIRJURI_PORT: String(await freePort()), KIRJURI_TLS: 'false', KIRJURI_SETUP_TOKEN: setupToken });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let recordId: string;
    try {
      const json = async (path: string, init: RequestInit & { expect: number }): Promise<Record<string, unknown>> => {
        const res = await fetch(`${url}${path}`, init);
        const text = await res.text();
        if (res.status !== init.expect) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${text}`);
        return text ? JSON.parse(text) as Record<string, unknown> : {};
      };
      const setup = await fetch(`${url}/api/v1/setup`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: setupToken, email: 'admin@example.com', password: 'correct horse battery staple', name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }),
      });
      expect(setup.status).to.equal(201);
      const cookie = setup.headers.getSetCookie().find((c) => c.startsWith('__Host-kirjuri-session='))!.split(';')[0]!;
      const csrf = (await json('/api/v1/auth/csrf', { headers: { Cookie: cookie }, expect: 200 })).token as string;
      const token = (await json('/api/v1/me/tokens', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'crash test' }), expect: 201 })).token as string;
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const api = '/api/v1/t/rakennus';
      const folderId = (await json(`${api}/folders`, { method: 'POST', headers, body: JSON.stringify({ name: 'Site' }), expect: 201 })).id as string;
      const templateId = (await json(`${api}/templates`, { method: 'POST', headers, body: JSON.stringify({ name: 'Diary', kind: 'form', fields: [{ key: 'note', type: 'text', label: 'Note' }] }), expect: 201 })).id as string;
      recordId = (await json(`${api}/records`, { method: 'POST', headers, body: JSON.stringify({ templateId, folderId, title: 'Day 1', data: {}, draft: true }), expect: 201 })).id as string;

      let next = 0;
      const viewer = async (): Promise<void> => {
        while (next < views) {
          next += 1;
          const res = await fetch(`${url}${api}/records/${recordId}`, { headers });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`a record view answered ${res.status}`);
        }
      };
      await Promise.all(Array.from({ length: atOnce }, viewer));
    } finally {
      // At once: no clean shutdown may write what a batch still held.
      child.kill('SIGKILL');
    }
    expect(await exited).to.equal('SIGKILL');

    const sequelize = database.databaseUrl
      ? new Sequelize(database.databaseUrl, { dialect: 'postgres', logging: false })
      : new Sequelize({ dialect: 'sqlite', storage: join(database.dataDir, 'kirjuri.sqlite'), logging: false });
    try {
      const [row] = await sequelize.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM kirjuri_audit_entries WHERE action = 'record.view' AND object_id = $1", { bind: [recordId!], type: QueryTypes.SELECT });
      expect(Number(row!.n)).to.equal(views);
    } finally {
      await sequelize.close();
    }
  });
});
