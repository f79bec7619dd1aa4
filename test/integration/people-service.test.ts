import { expect } from 'chai';
import { buildAccessWorld, type AccessWorld } from '../helpers/access-world.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

forEachDatabase('the core.people service', (kind) => {
  let app: TestApp;
  let world: AccessWorld;

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
  });
  after(async () => app?.close());

  it('names() gives the display names of known users by id, once each, and leaves out ids of no user', async () => {
    const people = app.kirjuri.services.get('core.people');
    const { admin, member, otherAdmin } = world.actors;
    const names = await people.names([member.userId!, admin.userId!, 'no-such-user', member.userId!, otherAdmin.userId!]);
    expect([...names]).to.have.deep.members([[member.userId, 'Member'], [admin.userId, 'Aino Admin'], [otherAdmin.userId, 'Other Admin']]);
    expect((await people.names([])).size).to.equal(0);
  });

  it('names() answers for more ids than one query binds', async () => {
    const ids = [...Array.from({ length: 1200 }, (_, n) => `missing-${n}`), world.actors.viewer.userId!];
    expect([...(await app.kirjuri.services.get('core.people').names(ids))]).to.deep.equal([[world.actors.viewer.userId, 'Viewer']]);
  });
});
