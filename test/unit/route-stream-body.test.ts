import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { z } from 'zod';
import { buffer } from 'node:stream/consumers';
import { buildRouteTable, checkRouteDeclarations } from '../../core/http/route-table.ts';
import { publicAccess, type OwnedRoute } from '../../core/kernel/route-declaration.ts';

const route = (extra: Partial<OwnedRoute>): OwnedRoute => ({ method: 'POST', path: '/x', policy: publicAccess, summary: 'x', owner: 'test', handler: () => undefined, ...extra });

describe('route option streamBody', () => {
  it('buildRouteTable() leaves the body of a streamBody route unread for its handler, and still parses JSON for the others', async () => {
    const app = new Koa();
    app.use(buildRouteTable([
      route({
        path: '/stream', streamBody: true,
        handler: async (ctx, input) => { ctx.body = { body: input.body, parsed: (ctx.request as { body?: unknown }).body ?? null, bytes: (await buffer(ctx.req)).toString() }; },
      }),
      route({ path: '/json', body: z.object({ a: z.number() }), handler: (ctx, input) => { ctx.body = input.body; } }),
    ], { bodyLimit: '1kb' }));
    const streamed = await request(app.callback()).post('/stream').set('content-type', 'application/json').send('{"a":1}').expect(200);
    expect(streamed.body).to.deep.equal({ body: {}, parsed: null, bytes: '{"a":1}' });
    // Over the JSON limit too: nothing parses or limits a streaming route's body but its handler.
    const large = 'x'.repeat(5000);
    expect((await request(app.callback()).post('/stream').set('content-type', 'text/plain').send(large).expect(200)).body.bytes).to.equal(large);
    expect((await request(app.callback()).post('/json').send({ a: 2 }).expect(200)).body).to.deep.equal({ a: 2 });
  });

  it('checkRouteDeclarations() refuses a streamBody route with a body schema, or on a method without a body', () => {
    expect(() => checkRouteDeclarations([route({ streamBody: true, body: z.object({}) })])).to.throw(/both streamBody and a body schema/);
    expect(() => checkRouteDeclarations([route({ method: 'GET', streamBody: true })])).to.throw(/GET requests carry no body/);
  });
});
