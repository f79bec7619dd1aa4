import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { acceptAsGuest, actorNames, buildAccessWorld, inviteOutsider, type AccessWorld } from '../helpers/access-world.ts';
import { expectedStatus, objectKinds, type ObjectKind, type SharedFixtures } from '../helpers/access-matrix.ts';
import { matrixObjectTypes } from '../helpers/matrix-object-types.ts';

forEachDatabase('the access matrix: every object route x role x object', (kind) => {
  const types = matrixObjectTypes();
  let app: TestApp;
  let world: AccessWorld;
  const ids = new Map<string, Record<ObjectKind, string>>();

  before(async function () {
    this.timeout(120_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    const { admin } = world.actors;
    const granted = (await world.as(admin, 'post', `/api/v1/t/${world.tenant}/folders`).send({ name: 'Granted' }).expect(201)).body.id as string;
    await world.as(admin, 'post', `/api/v1/t/${world.tenant}/shares`).send({ objectType: 'folder', objectId: granted, email: 'member@example.com', access: 'edit' }).expect(201);
    // Edit, on purpose: a viewer reads what is granted and never more, whatever the share says.
    await world.as(admin, 'post', `/api/v1/t/${world.tenant}/shares`).send({ objectType: 'folder', objectId: granted, email: 'viewer@example.com', access: 'edit' }).expect(201);
    const fixtures: SharedFixtures = {
      grantedFolderId: granted,
      async shareWithGuest(object) {
        const token = await inviteOutsider(world, admin, object, 'guest@example.com', 'view');
        if (!world.actors.guest.cookie) await acceptAsGuest(world, token);
        else await world.as('guest', 'post', `/api/v1/invites/${token}`).send({}).expect(201);
      },
    };
    for (const type of types) ids.set(type.type, await type.arrange(world, fixtures));
  });
  after(async () => app?.close());

  for (const type of types) {
    for (const route of type.routes) {
      it(`${route.name}: ${actorNames.join(', ')} on own, granted, shared, unshared and foreign ${type.type}s`, async () => {
        const failures: string[] = [];
        let n = 0;
        for (const objectKind of objectKinds) {
          for (const actor of actorNames) {
            const expected = expectedStatus(actor, objectKind, route);
            const res = await route.call(world, actor, ids.get(type.type)![objectKind], (n += 1));
            if (res.status !== expected) failures.push(`${actor} on ${objectKind}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body?.error?.code ?? '')}`);
          }
        }
        expect(failures, failures.join('\n')).to.deep.equal([]);
      });
    }
  }
});
