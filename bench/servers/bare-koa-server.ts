// The baseline every benchmark compares against: a bare Koa app answering the same JSON as
// GET /api/v1/health, with no middleware. Prints "listening on URL" once it listens.
import Koa from 'koa';
import type { AddressInfo } from 'node:net';

const app = new Koa();
const body = Object.freeze({ status: 'ok', version: process.env.BENCH_VERSION ?? '0.0.0' });
app.use((ctx) => {
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
