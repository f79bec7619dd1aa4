import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { buildAccessWorld, type AccessWorld } from '../helpers/access-world.ts';

forEachDatabase('folders', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let t: string;
  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    t = `/api/v1/t/${world.tenant}`;
  });
  afterEach(async () => app?.close());

  const make = async (name: string, parentId?: string, actor: 'admin' | 'manager' | 'member' = 'admin'): Promise<string> =>
    (await world.as(actor, 'post', `${t}/folders`).send({ name, ...(parentId ? { parentId } : {}) }).expect(201)).body.id as string;

  it('POST /folders makes nested folders with breadcrumbs; sibling names are unique whatever their case (409)', async () => {
    const site = await make('Työmaa Helsinki');
    const week = await make('Viikko 47', site);
    const res = await world.as('admin', 'get', `${t}/folders/${week}`).expect(200);
    expect(res.body).to.include({ name: 'Viikko 47', parentId: site, access: 'manage' });
    expect(res.body.breadcrumbs).to.deep.equal([{ id: site, name: 'Työmaa Helsinki' }, { id: week, name: 'Viikko 47' }]);
    const taken = await world.as('admin', 'post', `${t}/folders`).send({ name: 'viikko 47', parentId: site }).expect(409);
    expect(taken.body.error.code).to.equal('name_taken');
    await make('Viikko 47');
  });

  it('refuses bad names (400 naming the field), mass-assigned tenantId/ownerId, and members at the top level (403)', async () => {
    for (const name of ['', '   ', 'a\nb', 'tab\there', 'x'.repeat(201), 'line\u2028sep']) {
      const res = await world.as('admin', 'post', `${t}/folders`).send({ name }).expect(400);
      expect(res.body.error.details.fields).to.have.property('name');
    }
    for (const extra of [{ tenantId: 'x' }, { ownerId: 'x' }, { role: 'admin' }]) {
      const res = await world.as('admin', 'post', `${t}/folders`).send({ name: 'Fine', ...extra }).expect(400);
      expect(Object.keys(res.body.error.details.fields)).to.deep.equal(Object.keys(extra));
    }
    const res = await world.as('member', 'post', `${t}/folders`).send({ name: 'Mine' }).expect(403);
    expect(res.body.error.message).to.match(/managers and admins/);
    await world.as('manager', 'post', `${t}/folders`).send({ name: 'Managed' }).expect(201);
  });

  it('PATCH moves a folder with its whole subtree, refuses a move into itself (422), and renames', async () => {
    const a = await make('A');
    const b = await make('B');
    const a1 = await make('A1', a);
    const a11 = await make('A11', a1);
    await world.as('admin', 'patch', `${t}/folders/${a1}`).send({ parentId: a11 }).expect(422);
    await world.as('admin', 'patch', `${t}/folders/${a1}`).send({ parentId: a1 }).expect(422);
    await world.as('admin', 'patch', `${t}/folders/${a1}`).send({ parentId: b, name: 'B1' }).expect(200);
    const moved = await world.as('admin', 'get', `${t}/folders/${a11}`).expect(200);
    expect(moved.body.breadcrumbs.map((c: { name: string }) => c.name)).to.deep.equal(['B', 'B1', 'A11']);
    expect((await world.as('admin', 'get', `${t}/folders?parentId=${a}`).expect(200)).body.items).to.deep.equal([]);
    await world.as('admin', 'patch', `${t}/folders/${a1}`).send({ parentId: null }).expect(200);
    expect((await world.as('admin', 'get', `${t}/folders/${a1}`).expect(200)).body.parentId).to.equal(null);
  });

  it('a grant on a folder reaches everything under it, moves with it, and a move out of it takes access away', async () => {
    const granted = await make('Granted');
    const inner = await make('Inner', granted);
    const deep = await make('Deep', inner);
    const elsewhere = await make('Elsewhere');
    await world.as('admin', 'post', `${t}/shares`).send({ objectType: 'folder', objectId: granted, email: 'member@example.com', access: 'view' }).expect(201);
    expect((await world.as('member', 'get', `${t}/folders/${deep}`).expect(200)).body.access).to.equal('view');
    const top = await world.as('member', 'get', `${t}/folders`).expect(200);
    expect(top.body.items.map((f: { name: string }) => f.name)).to.deep.equal(['Granted']);
    await world.as('member', 'patch', `${t}/folders/${deep}`).send({ name: 'Nope' }).expect(403);
    await world.as('admin', 'patch', `${t}/folders/${inner}`).send({ parentId: elsewhere }).expect(200);
    await world.as('member', 'get', `${t}/folders/${deep}`).expect(404);
  });

  it('DELETE refuses a folder that holds folders (409 saying what) and deletes an empty one', async () => {
    const parent = await make('Parent');
    const child = await make('Child', parent);
    const full = await world.as('admin', 'delete', `${t}/folders/${parent}`).expect(409);
    expect(full.body.error).to.deep.include({ code: 'folder_not_empty' });
    expect(full.body.error.details.contents).to.deep.equal({ folder: 1 });
    await world.as('admin', 'delete', `${t}/folders/${child}`).expect(204);
    await world.as('admin', 'delete', `${t}/folders/${parent}`).expect(204);
    await world.as('admin', 'get', `${t}/folders/${parent}`).expect(404);
  });

  it('GET /folders pages by name with a cursor, and refuses a cursor it did not give (400)', async () => {
    for (const name of ['d', 'B', 'a', 'C', 'e']) await make(name);
    const first = await world.as('admin', 'get', `${t}/folders?limit=2`).expect(200);
    expect(first.body.items.map((f: { name: string }) => f.name)).to.deep.equal(['a', 'B']);
    const second = await world.as('admin', 'get', `${t}/folders?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((f: { name: string }) => f.name)).to.deep.equal(['C', 'd']);
    const last = await world.as('admin', 'get', `${t}/folders?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(last.body).to.deep.equal({ items: [last.body.items[0]], nextCursor: null });
    expect((await world.as('admin', 'get', `${t}/folders?cursor=bm90LW91cnM`).expect(400)).body.error.code).to.equal('invalid_cursor');
    await world.as('admin', 'get', `${t}/folders?limit=201`).expect(400);
  });
});
