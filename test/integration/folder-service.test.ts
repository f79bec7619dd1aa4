import { expect } from 'chai';
import { createTestApp, fixturePluginsDir, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, type AccessWorld } from '../helpers/access-world.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

// core.folders.children(), as a plugin calls it: the echo fixture's GET .../echo/folders answers with what it gives.
forEachDatabase('the core.folders service', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  const namesOf = async (actor: 'admin' | 'manager' | 'member', query = ''): Promise<Array<{ name: string; access: string }>> =>
    (await world.as(actor, 'get', api(`/echo/folders${query}`)).expect(200)).body.items;

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' }, plugins: { extraDirs: [fixturePluginsDir], config: {} } });
    world = await buildAccessWorld(app);
  });
  after(async () => app?.close());

  it('children() gives the folders the caller sees at a level, by name with their access, at most `limit`; an unseen parent is 404', async () => {
    const made: Record<string, string> = {};
    for (const name of ['Työmaa B', 'Työmaa A', 'Työmaa C']) made[name] = (await world.as('admin', 'post', api('/folders')).send({ name }).expect(201)).body.id;
    await world.as('admin', 'post', api('/folders')).send({ name: 'Viikko 1', parentId: made['Työmaa A'] }).expect(201);
    await world.as('admin', 'post', api('/shares')).send({ objectType: 'folder', objectId: made['Työmaa C'], email: 'member@example.com', access: 'view' }).expect(201);

    expect(await namesOf('manager')).to.deep.equal([
      { name: 'Työmaa A', access: 'manage' }, { name: 'Työmaa B', access: 'manage' }, { name: 'Työmaa C', access: 'manage' },
    ]);
    expect(await namesOf('manager', '?limit=2')).to.have.length(2);
    expect(await namesOf('manager', '?limit=0'), 'a limit below one still gives one').to.have.length(1);
    expect(await namesOf('member')).to.deep.equal([{ name: 'Työmaa C', access: 'view' }]);
    expect(await namesOf('admin', `?parentId=${made['Työmaa A']}`)).to.deep.equal([{ name: 'Viikko 1', access: 'manage' }]);
    await world.as('member', 'get', api(`/echo/folders?parentId=${made['Työmaa A']}`)).expect(404);
  });
});
