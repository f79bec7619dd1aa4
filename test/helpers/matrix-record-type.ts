import type request from 'supertest';
import type { AccessWorld, Actor } from './access-world.ts';
import type { MatrixObjectType, ObjectKind, SharedFixtures } from './access-matrix.ts';

/** A one-field form template made in each tenant for the matrix. */
const template = { name: 'Matrix form', kind: 'form', fields: [{ key: 'note', type: 'text', label: 'Note' }] };

/**
 * Records in the access matrix: drafts (so edit access may change them). A DELETE is tried on a fresh
 * copy of the object for every caller, so that one allowed delete does not turn the next caller's answer into a 404.
 */
export function matrixRecordType(): MatrixObjectType {
  const kindOf = new Map<string, ObjectKind>();
  let makeFresh: ((kind: ObjectKind) => Promise<string>) | null = null;

  const arrange = async (world: AccessWorld, shared: SharedFixtures): Promise<Record<ObjectKind, string>> => {
    const { admin, member } = world.actors;
    const templateIn = new Map<string, string>();
    for (const tenant of [world.tenant, world.otherTenant]) {
      templateIn.set(tenant, (await world.as(admin, 'post', `/api/v1/t/${tenant}/templates`).send(template).expect(201)).body.id as string);
    }
    const folder = async (tenant: string, name: string): Promise<string> => (await world.as(admin, 'post', `/api/v1/t/${tenant}/folders`).send({ name }).expect(201)).body.id as string;
    const unsharedFolder = await folder(world.tenant, 'Records nobody shares');
    const foreignFolder = await folder(world.otherTenant, 'Foreign records');
    const make = async (actor: Actor, tenant: string, folderId: string, title: string): Promise<string> => {
      const res = await world.as(actor, 'post', `/api/v1/t/${tenant}/records`).send({ templateId: templateIn.get(tenant), folderId, title, data: { note: 'x' }, draft: true }).expect(201);
      return res.body.id as string;
    };
    const makers: Record<ObjectKind, () => Promise<string>> = {
      own: () => make(member, world.tenant, shared.grantedFolderId, 'Member own record'),
      granted: () => make(admin, world.tenant, shared.grantedFolderId, 'Record in the granted folder'),
      shared: async () => {
        const id = await make(admin, world.tenant, unsharedFolder, 'Record shared with the guest');
        await shared.shareWithGuest({ type: 'record', id });
        return id;
      },
      unshared: () => make(admin, world.tenant, unsharedFolder, 'Unshared record'),
      foreign: () => make(admin, world.otherTenant, foreignFolder, 'Foreign record'),
    };
    makeFresh = async (kind) => {
      const id = await makers[kind]();
      kindOf.set(id, kind);
      return id;
    };
    const ids = {} as Record<ObjectKind, string>;
    for (const kind of Object.keys(makers) as ObjectKind[]) ids[kind] = await makeFresh(kind);
    return ids;
  };

  const freshCopy = async (objectId: string): Promise<string> => makeFresh!(kindOf.get(objectId)!);
  const api = (w: AccessWorld, path: string): string => `/api/v1/t/${w.tenant}${path}`;
  return {
    type: 'record',
    arrange,
    routes: [
      { name: 'GET /api/v1/t/{t}/records/{id}', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', api(w, `/records/${id}`)) },
      { name: 'GET /api/v1/t/{t}/records/{id}/revisions', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', api(w, `/records/${id}/revisions`)) },
      { name: 'GET /api/v1/t/{t}/records/{id}/diff', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', api(w, `/records/${id}/diff?from=1&to=1`)) },
      { name: 'PATCH /api/v1/t/{t}/records/{id} (title)', action: 'edit', allowed: 200, call: (w, a, id, n) => w.as(a, 'patch', api(w, `/records/${id}`)).send({ title: `Renamed ${n}` }) },
      { name: 'POST /api/v1/t/{t}/shares (record)', action: 'manage', allowed: 201, call: (w, a, id, n) => w.as(a, 'post', api(w, '/shares')).send({ objectType: 'record', objectId: id, email: `record-matrix-${n}@example.net`, access: 'view' }) },
      {
        name: 'DELETE /api/v1/t/{t}/records/{id} (a fresh copy each time)', action: 'delete', allowed: 204,
        call: async (w, a, id): Promise<request.Response> => w.as(a, 'delete', api(w, `/records/${await freshCopy(id)}`)),
      },
    ],
  };
}
