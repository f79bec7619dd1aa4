import request from 'supertest';
import { loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { createTestApp, type TestApp } from './create-test-app.ts';

/** The instance admin of a browser test's app, who is also the admin of tenant `rakennus` (Rakennus Oy). */
export const browserAdmin = Object.freeze({ email: 'aino@example.com', password: 'correct horse battery staple', name: 'Aino Admin' });

/** A test app served over real HTTPS, with the address a browser opens. */
export interface HttpsTestApp {
  app: TestApp;
  server: RunningServer;
  url: string;
}

const setupToken = 'browser-setup-token-0123456789';

/**
 * Boots a test app for the enclosing describe(), sets it up (browserAdmin, tenant `rakennus`), runs
 * `prepare` (people, templates...), and serves it over HTTPS with a self-signed certificate: the
 * __Host- session cookie needs a secure origin. Server and app are closed after the suite's tests.
 */
export function useHttpsTestApp(prepare: (app: TestApp) => Promise<void> = async () => undefined): () => HttpsTestApp {
  let app: TestApp | undefined;
  let served: HttpsTestApp | undefined;
  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    await request(app.handler).post('/api/v1/setup')
      .send({ token: setupToken, ...browserAdmin, tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }).expect(201);
    await prepare(app);
    const config = loadConfig({ env: {}, overrides: { dataDir: app.kirjuri.config.dataDir, server: { host: '127.0.0.1', port: 0, tls: true } } });
    const server = await startServer({ handler: app.handler, config, log: createLogger('silent') });
    served = { app, server, url: server.url };
  });
  after(async () => {
    await served?.server.close();
    await app?.close();
  });
  return () => {
    if (!served) throw new Error('The suite\'s HTTPS app is not running: call useHttpsTestApp() inside describe() and use it from tests after its before().');
    return served;
  };
}
