import type { AccessWorld, Actor } from './access-world.ts';
import type { MatrixObjectType, ObjectKind, SharedFixtures } from './access-matrix.ts';

/** A form with one file field, made in each tenant for the matrix. */
const template = { name: 'Matrix attachments', kind: 'form', fields: [{ key: 'documents', type: 'file', label: 'Documents' }] };

/** Files in the access matrix: each uploaded to a record of its kind, so the record's access reaches it. */
export const matrixFileType: MatrixObjectType = {
  type: 'file',
  async arrange(world: AccessWorld, shared: SharedFixtures): Promise<Record<ObjectKind, string>> {
    const { admin, member } = world.actors;
    const templateIn = new Map<string, string>();
    for (const tenant of [world.tenant, world.otherTenant]) {
      templateIn.set(tenant, (await world.as(admin, 'post', `/api/v1/t/${tenant}/templates`).send(template).expect(201)).body.id as string);
    }
    const folder = async (tenant: string, name: string): Promise<string> => (await world.as(admin, 'post', `/api/v1/t/${tenant}/folders`).send({ name }).expect(201)).body.id as string;
    const unsharedFolder = await folder(world.tenant, 'Files nobody shares');
    const foreignFolder = await folder(world.otherTenant, 'Foreign files');
    const upload = async (actor: Actor, tenant: string, folderId: string, title: string): Promise<{ recordId: string; fileId: string }> => {
      const recordId = (await world.as(actor, 'post', `/api/v1/t/${tenant}/records`).send({ templateId: templateIn.get(tenant), folderId, title, data: {}, draft: true }).expect(201)).body.id as string;
      const file = await world.as(actor, 'post', `/api/v1/t/${tenant}/records/${recordId}/files`).field('field', 'documents')
        .attach('file', Buffer.from(`${title}: the minutes of the site meeting.\n`), { filename: 'minutes.txt', contentType: 'text/plain' }).expect(201);
      return { recordId, fileId: file.body.id as string };
    };
    const sharedFile = await upload(admin, world.tenant, unsharedFolder, 'Shared with the guest');
    await shared.shareWithGuest({ type: 'record', id: sharedFile.recordId });
    return {
      own: (await upload(member, world.tenant, shared.grantedFolderId, 'Member own file')).fileId,
      granted: (await upload(admin, world.tenant, shared.grantedFolderId, 'File in the granted folder')).fileId,
      shared: sharedFile.fileId,
      unshared: (await upload(admin, world.tenant, unsharedFolder, 'Unshared file')).fileId,
      foreign: (await upload(admin, world.otherTenant, foreignFolder, 'Foreign file')).fileId,
    };
  },
  routes: [
    { name: 'GET /api/v1/t/{t}/files/{id}', action: 'view', allowed: 200, call: (w, a, id) => w.as(a, 'get', `/api/v1/t/${w.tenant}/files/${id}`) },
  ],
};
