import type request from 'supertest';
import type { AccessWorld, ActorName } from './access-world.ts';

/** The objects every object type puts in the world, one per kind (SECURITY.md: own, granted, shared, unshared, foreign). */
export const objectKinds = ['own', 'granted', 'shared', 'unshared', 'foreign'] as const;
export type ObjectKind = (typeof objectKinds)[number];

export type Level = 'view' | 'edit' | 'manage' | null;

/**
 * Who has which access to each kind of object, however its type is arranged: the world's shares are the
 * same for every type. An object type joins the matrix by arranging its objects so that this holds:
 * - own: made by the member inside the `granted` folder (so the viewer sees it through that folder);
 * - granted: inside (or being) the folder shared with the member (edit) and the viewer (view);
 * - shared: shared with the guest (view) by invitation, nothing else;
 * - unshared: in the tenant, shared with nobody;
 * - foreign: in the other tenant, asked for through this tenant's routes.
 * Another tenant's admin and anonymous callers are handled by `expectedStatus` for every kind.
 */
export const expectedLevels: Readonly<Record<ObjectKind, Readonly<Record<'admin' | 'manager' | 'member' | 'viewer' | 'guest', Level>>>> = {
  own: { admin: 'manage', manager: 'manage', member: 'manage', viewer: 'view', guest: null },
  granted: { admin: 'manage', manager: 'manage', member: 'edit', viewer: 'view', guest: null },
  shared: { admin: 'manage', manager: 'manage', member: null, viewer: null, guest: 'view' },
  unshared: { admin: 'manage', manager: 'manage', member: null, viewer: null, guest: null },
  foreign: { admin: null, manager: null, member: null, viewer: null, guest: null },
};

/** What an action needs. */
export type MatrixAction = 'view' | 'edit' | 'manage' | 'delete';

/** One route of an object type, as the matrix calls it. */
export interface MatrixRoute {
  /** e.g. "PATCH /api/v1/t/{t}/folders/{id}". */
  name: string;
  action: MatrixAction;
  /** The status when allowed (for a delete of a non-empty object, what proves the check passed, e.g. 409). */
  allowed: number;
  /** The request (a promise when it needs setting up first, e.g. a fresh copy of the object to delete). */
  call(world: AccessWorld, actor: ActorName, objectId: string, n: number): request.Test | Promise<request.Response>;
}

/** An object type in the matrix: how it makes one object of each kind, and its routes. */
export interface MatrixObjectType {
  type: string;
  arrange(world: AccessWorld, shared: SharedFixtures): Promise<Record<ObjectKind, string>>;
  routes: MatrixRoute[];
}

/** What the world's folders are, made once and used by every object type. */
export interface SharedFixtures {
  grantedFolderId: string;
  /** Shares an object with the guest by invite (the first call makes the guest). */
  shareWithGuest(object: { type: string; id: string }): Promise<void>;
}

const rank: Record<Exclude<Level, null>, number> = { view: 1, edit: 2, manage: 3 };
const needs: Record<MatrixAction, Exclude<Level, null>> = { view: 'view', edit: 'edit', manage: 'manage', delete: 'manage' };

/** The status a route must answer for an actor and an object kind. */
export function expectedStatus(actor: ActorName, kind: ObjectKind, route: MatrixRoute): number {
  if (actor === 'anonymous') return 401;
  if (actor === 'otherAdmin') return 404;
  const level = expectedLevels[kind][actor];
  if (level === null) return 404;
  return rank[level] >= rank[needs[route.action]] ? route.allowed : 403;
}
