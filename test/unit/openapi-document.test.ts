import { expect } from 'chai';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../core/http/openapi-document.ts';
import { publicAccess, type OwnedRoute } from '../../core/kernel/route-declaration.ts';

describe('buildOpenApiDocument()', () => {
  const routes: OwnedRoute[] = [
    {
      owner: 'records', method: 'POST', path: '/api/v1/t/:tenant/records', policy: publicAccess, summary: 'Create a record.',
      params: z.object({ tenant: z.string() }), query: z.object({ draft: z.enum(['1', '0']).optional() }),
      body: z.strictObject({ title: z.string().min(1), data: z.record(z.string(), z.unknown()) }),
      responses: { 201: 'Created.' }, handler: () => undefined,
    },
    { owner: 'core', method: 'GET', path: '/api/v1/things/:id', policy: publicAccess, summary: 'A thing.', handler: () => undefined },
  ];
  const document = buildOpenApiDocument(routes, { version: '9.9.9' }) as { openapi: string; info: { version: string }; paths: Record<string, Record<string, Record<string, unknown>>> };

  it('buildOpenApiDocument() turns every declared route into an operation with its policy', () => {
    expect(document.openapi).to.equal('3.1.0');
    expect(document.info.version).to.equal('9.9.9');
    const create = document.paths['/api/v1/t/{tenant}/records'].post;
    expect(create.summary).to.equal('Create a record.');
    expect(create['x-kirjuri-policy']).to.equal('public');
    expect(create.responses).to.have.keys('201', 'default');
  });

  it('buildOpenApiDocument() describes path and query parameters and the JSON body', () => {
    const create = document.paths['/api/v1/t/{tenant}/records'].post as { parameters: Array<{ name: string; in: string; required: boolean }>; requestBody: { content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } } } };
    expect(create.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).to.deep.equal(['path:tenant:true', 'query:draft:false']);
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).to.deep.equal(['title', 'data']);
    expect(schema.additionalProperties).to.equal(false);
  });

  it('buildOpenApiDocument() lists path parameters a route did not describe', () => {
    const get = document.paths['/api/v1/things/{id}'].get as { parameters: Array<{ name: string }> };
    expect(get.parameters.map((p) => p.name)).to.deep.equal(['id']);
  });
});
