import { expect } from 'chai';
import request from 'supertest';
import type { TestApp } from './create-test-app.ts';

/** Someone making requests: a session cookie with its CSRF token, or nobody. */
export interface Actor {
  name: string;
  email: string | null;
  cookie: string | null;
  csrf: string | null;
  userId: string | null;
}

/** Every kind of caller the access matrix tries (SECURITY.md: every route x role). */
export const actorNames = ['admin', 'manager', 'member', 'viewer', 'guest', 'otherAdmin', 'anonymous'] as const;
export type ActorName = (typeof actorNames)[number];

/** The people and tenants of an access test: tenant A (`rakennus`) with one of each role and a guest, tenant B (`toinen`) with its admin. */
export interface AccessWorld {
  app: TestApp;
  tenant: string;
  otherTenant: string;
  actors: Record<ActorName, Actor>;
  /** Makes a request as an actor: cookie, CSRF token on unsafe methods. */
  as(actor: Actor | ActorName, method: 'get' | 'post' | 'patch' | 'delete', path: string): request.Test;
}

export const worldPassword = 'correct horse battery staple';
const setupToken = 'test-setup-token-0123456789';

/** The session cookie (name=value) a response set. */
export function sessionCookieOf(res: request.Response): string {
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='));
  expect(cookie, 'a session cookie is set').to.be.a('string');
  return cookie!.split(';')[0]!;
}

/** Signs in with email and password and returns the actor. */
export async function signInActor(app: TestApp, name: string, email: string, password = worldPassword): Promise<Actor> {
  const res = await request(app.handler).post('/api/v1/auth/login').send({ email, password }).expect(200);
  const cookie = sessionCookieOf(res);
  const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', cookie).expect(200)).body.token as string;
  return { name, email, cookie, csrf, userId: res.body.user.id as string };
}

/** A request as an actor. */
export function requestAs(app: TestApp, actor: Actor, method: 'get' | 'post' | 'patch' | 'delete', path: string): request.Test {
  const test = request(app.handler)[method](path);
  if (actor.cookie) test.set('Cookie', actor.cookie);
  if (actor.csrf && method !== 'get') test.set('X-CSRF-Token', actor.csrf);
  return test;
}

/**
 * Builds the world on a fresh app: setup (instance admin = tenant A's admin), the other roles of A as
 * members, tenant B with its own admin. The guest is made by `acceptInvite` once something is shared.
 */
export async function buildAccessWorld(app: TestApp): Promise<AccessWorld> {
  const tenant = 'rakennus';
  const otherTenant = 'toinen';
  await request(app.handler).post('/api/v1/setup')
    .send({ token: setupToken, email: 'admin@example.com', password: worldPassword, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: tenant } }).expect(201);
  const admin = await signInActor(app, 'admin', 'admin@example.com');
  const as = (actor: Actor, method: 'get' | 'post' | 'patch' | 'delete', path: string): request.Test => requestAs(app, actor, method, path);
  for (const role of ['manager', 'member', 'viewer'] as const) {
    await as(admin, 'post', `/api/v1/t/${tenant}/members`).send({ email: `${role}@example.com`, name: `${role[0]!.toUpperCase()}${role.slice(1)}`, role, password: worldPassword }).expect(201);
  }
  await as(admin, 'post', '/api/v1/admin/tenants').send({ name: 'Toinen Oy', slug: otherTenant }).expect(201);
  // The instance admin made B and is its first admin; B's own admin is in B only.
  await as(admin, 'post', `/api/v1/t/${otherTenant}/members`).send({ email: 'other-admin@example.com', name: 'Other Admin', role: 'admin', password: worldPassword }).expect(201);
  const actors: Record<ActorName, Actor> = {
    admin,
    manager: await signInActor(app, 'manager', 'manager@example.com'),
    member: await signInActor(app, 'member', 'member@example.com'),
    viewer: await signInActor(app, 'viewer', 'viewer@example.com'),
    guest: { name: 'guest', email: 'guest@example.com', cookie: null, csrf: null, userId: null },
    otherAdmin: await signInActor(app, 'otherAdmin', 'other-admin@example.com'),
    anonymous: { name: 'anonymous', email: null, cookie: null, csrf: null, userId: null },
  };
  return {
    app, tenant, otherTenant, actors,
    as: (actor, method, path) => requestAs(app, typeof actor === 'string' ? actors[actor] : actor, method, path),
  };
}

/** Shares an object with an outside email as `sharer` and returns the invite token from the link. */
export async function inviteOutsider(world: AccessWorld, sharer: Actor, object: { type: string; id: string }, email: string, access: 'view' | 'edit' | 'manage' = 'view'): Promise<string> {
  const res = await world.as(sharer, 'post', `/api/v1/t/${world.tenant}/shares`).send({ objectType: object.type, objectId: object.id, email, access }).expect(201);
  expect(res.body.inviteUrl).to.match(/\/invite\/[A-Za-z0-9_-]{43}$/);
  return (res.body.inviteUrl as string).split('/invite/')[1]!;
}

/** Accepts an invite as a new guest and makes them the world's guest actor. */
export async function acceptAsGuest(world: AccessWorld, token: string, email = 'guest@example.com'): Promise<Actor> {
  const res = await request(world.app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Guest Person', password: worldPassword }).expect(201);
  const cookie = sessionCookieOf(res);
  const csrf = (await request(world.app.handler).get('/api/v1/auth/csrf').set('Cookie', cookie).expect(200)).body.token as string;
  const guest: Actor = { name: 'guest', email, cookie, csrf, userId: res.body.user.id as string };
  world.actors.guest = guest;
  return guest;
}

/** A top-level folder made by the admin and shared with the member (edit) and the viewer (view): where records tests put their records. */
export async function sharedFolder(world: AccessWorld, name: string): Promise<string> {
  const api = `/api/v1/t/${world.tenant}`;
  const id = (await world.as('admin', 'post', `${api}/folders`).send({ name }).expect(201)).body.id as string;
  await world.as('admin', 'post', `${api}/shares`).send({ objectType: 'folder', objectId: id, email: 'member@example.com', access: 'edit' }).expect(201);
  await world.as('admin', 'post', `${api}/shares`).send({ objectType: 'folder', objectId: id, email: 'viewer@example.com', access: 'view' }).expect(201);
  return id;
}

/**
 * A tenant with only its own admin, who is no instance admin and in no other tenant (every tenant made
 * through the API has the instance admin who made it): made with the stores, then signed in.
 */
export async function tenantOfItsOwn(app: TestApp, input: { slug: string; name: string; adminEmail: string; adminName: string }): Promise<Actor> {
  const { db, identity } = app.kirjuri;
  const passwordHash = await identity.hasher.hash(worldPassword);
  await db.transaction(async (transaction) => {
    const tenant = await identity.tenants.create({ name: input.name, slug: input.slug }, transaction);
    const user = await identity.users.create({ email: input.adminEmail, name: input.adminName, passwordHash }, transaction);
    await identity.memberships.add({ tenantId: tenant.id, userId: user.id, role: 'admin' }, transaction);
  });
  return signInActor(app, `${input.slug} admin`, input.adminEmail);
}
