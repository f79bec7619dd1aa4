import type { MatrixObjectType } from './access-matrix.ts';

/** Folders in the access matrix. Each object has a subfolder, so an allowed DELETE answers 409 (not empty) and changes nothing. */
export const matrixFolderType: MatrixObjectType = {
  type: 'folder',
  async arrange(world, shared) {
    const { admin, member } = world.actors;
    const make = async (actor: typeof admin, tenant: string, name: string, parentId?: string): Promise<string> => {
      const res = await world.as(actor, 'post', `/api/v1/t/${tenant}/folders`).send({ name, ...(parentId ? { parentId } : {}) }).expect(201);
      return res.body.id as string;
    };
    const own = await make(member, world.tenant, 'Member own folder', shared.grantedFolderId);
    const sharedId = await make(admin, world.tenant, 'Shared with guest');
    await shared.shareWithGuest({ type: 'folder', id: sharedId });
    const ids = {
      own,
      granted: shared.grantedFolderId,
      shared: sharedId,
      unshared: await make(admin, world.tenant, 'Unshared'),
      foreign: await make(admin, world.otherTenant, 'Foreign'),
    };
    for (const [kind, id] of Object.entries(ids)) await make(admin, kind === 'foreign' ? world.otherTenant : world.tenant, `Inside ${kind}`, id);
    return ids;
  },
  routes: [
    { name: 'GET /api/v1/t/{t}/folders/{id}', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', `/api/v1/t/${w.tenant}/folders/${id}`) },
    { name: 'GET /api/v1/t/{t}/folders?parentId={id}', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', `/api/v1/t/${w.tenant}/folders?parentId=${id}`) },
    { name: 'PATCH /api/v1/t/{t}/folders/{id} (rename)', action: 'edit', allowed: 200, call: (w, a, id, n) => w.as(a, 'patch', `/api/v1/t/${w.tenant}/folders/${id}`).send({ name: `Renamed ${n}` }) },
    { name: 'POST /api/v1/t/{t}/folders (subfolder)', action: 'edit', allowed: 201, call: (w, a, id, n) => w.as(a, 'post', `/api/v1/t/${w.tenant}/folders`).send({ name: `Sub ${n}`, parentId: id }) },
    { name: 'DELETE /api/v1/t/{t}/folders/{id} (not empty)', action: 'delete', allowed: 409, call: (w, a, id) => w.as(a, 'delete', `/api/v1/t/${w.tenant}/folders/${id}`) },
    { name: 'POST /api/v1/t/{t}/shares', action: 'manage', allowed: 201, call: (w, a, id, n) => w.as(a, 'post', `/api/v1/t/${w.tenant}/shares`).send({ objectType: 'folder', objectId: id, email: `matrix-${n}@example.net`, access: 'view' }) },
    { name: 'GET /api/v1/t/{t}/shares?objectType=folder&objectId={id}', action: 'manage', allowed: 200, call: (w, a, id) => w.as(a, 'get', `/api/v1/t/${w.tenant}/shares?objectType=folder&objectId=${id}`) },
  ],
};
