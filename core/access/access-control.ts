import type { Context } from 'koa';
import { auditEventOf } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { AppError } from '../http/app-error.ts';
import type { RequestState } from '../http/request-state.ts';
import { authenticationOf, tenantAccessOf } from '../identity/access-policies.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { ShareStore } from '../shares/share-store.ts';
import { effectiveAccess, type GrantMap, type Participant } from './access-rules.ts';
import { levelAtLeast, levelNeededFor, type AccessAction, type AccessibleObject, type AccessLevel, type ObjectRef } from './object-access.ts';
import type { ObjectTypeRegistry } from './object-type-registry.ts';

/** What a passed access check hands the route: the object and the caller's level on it. */
export interface GrantedObject {
  object: AccessibleObject;
  level: AccessLevel;
}

/** The one 404 of every object that is missing or not visible: never saying which (API.md). */
export const objectNotFound = (label = 'object'): AppError => new AppError(404, 'not_found', `No such ${label} here, or it is not shared with you.`);

/**
 * Access control, decided in one place (SECURITY.md: Access). Routes of every object type, core's and
 * the plugins', ask `requireAccess(ctx, action, ref)`; lists ask `grantsFor` to filter. An object
 * the caller cannot see answers 404 exactly like a missing one; one they can see but not change, 403.
 * Every refusal is written to the audit log as `access.denied`.
 */
export class AccessControl {
  readonly types: ObjectTypeRegistry;
  readonly shares: ShareStore;
  readonly #db: Database;
  readonly #memberships: MembershipStore;

  constructor(deps: { db: Database; types: ObjectTypeRegistry; shares: ShareStore; memberships: MembershipStore }) {
    this.#db = deps.db;
    this.types = deps.types;
    this.shares = deps.shares;
    this.#memberships = deps.memberships;
  }

  /** How a user takes part in a tenant: their enabled membership's role, `guest` when something is shared with them there, or null. */
  async participantOf(tenantId: string, userId: string): Promise<Participant | null> {
    const membership = await this.#memberships.find(tenantId, userId);
    if (membership) return membership.disabledAt === null ? { userId, role: membership.role } : null;
    const grants = await this.shares.grantsOf(tenantId, userId);
    return grants.size > 0 ? { userId, role: 'guest' } : null;
  }

  /** The object, or null when it is missing or in another tenant. */
  async locate(tenantId: string, ref: ObjectRef): Promise<AccessibleObject | null> {
    const type = this.types.find(ref.type);
    if (!type) throw new Error(`Access to object type "${ref.type}" was asked, but no plugin registers it.`);
    const object = await type.locate(tenantId, ref.id, { db: this.#db });
    return object && object.tenantId === tenantId ? object : null;
  }

  /** A participant's shares in a tenant (none needed for admins and managers, who see everything). */
  async grantsFor(tenantId: string, participant: Participant): Promise<GrantMap> {
    if (participant.role === 'admin' || participant.role === 'manager') return emptyGrants;
    return this.shares.grantsOf(tenantId, participant.userId);
  }

  /** The level a participant has on an object of their tenant, or null. */
  async levelOn(tenantId: string, participant: Participant, object: AccessibleObject): Promise<AccessLevel | null> {
    if (object.tenantId !== tenantId) return null;
    return effectiveAccess(participant, object, await this.grantsFor(tenantId, participant));
  }

  /** can(actor, action, object): whether the participant may do this to the object. */
  async can(tenantId: string, participant: Participant, action: AccessAction, object: AccessibleObject): Promise<boolean> {
    return levelAtLeast(await this.levelOn(tenantId, participant, object), levelNeededFor[action]);
  }

  /** The participant a tenant route's policy admitted. */
  participantOfRequest(ctx: Context): Participant {
    return { userId: authenticationOf(ctx).user.id, role: tenantAccessOf(ctx).role };
  }

  /**
   * The object a tenant route acts on, if the caller may do `action` to it: 404 when it is missing or
   * not visible to them, 403 when they see it but may not do this. Refusals are audited.
   */
  async requireAccess(ctx: Context, action: AccessAction, ref: ObjectRef): Promise<GrantedObject> {
    return this.requireAccessTo(ctx, action, ref, await this.locate(tenantAccessOf(ctx).tenant.id, ref));
  }

  /** requireAccess for an object the route has already read (null: it found none), saving a second read. */
  async requireAccessTo(ctx: Context, action: AccessAction, ref: ObjectRef, object: AccessibleObject | null): Promise<GrantedObject> {
    const { tenant } = tenantAccessOf(ctx);
    const label = this.types.find(ref.type)?.label ?? 'object';
    const level = object ? await this.levelOn(tenant.id, this.participantOfRequest(ctx), object) : null;
    if (!object || level === null) {
      this.recordDenial(ctx, ref, action, object ? 'not_visible' : 'missing');
      throw objectNotFound(label);
    }
    if (!levelAtLeast(level, levelNeededFor[action])) {
      this.recordDenial(ctx, ref, action, 'insufficient');
      throw new AppError(403, 'forbidden', `You may ${level === 'view' ? 'only view' : 'not ' + action} this ${label}${action === 'manage' || action === 'delete' ? ': that needs manage access' : ''}.`);
    }
    return { object, level };
  }

  /** Writes `access.denied` for a refused request (batched: a refusal changes nothing). */
  recordDenial(ctx: Context, ref: ObjectRef | null, action: string, reason: string): void {
    (ctx.state as RequestState).denialRecorded = true;
    ctx.audit.recordSoon(auditEventOf(ctx, { action: 'access.denied', objectType: ref?.type ?? null, objectId: ref?.id ?? null, outcome: 'denied', details: { attempted: action, reason, method: ctx.method, path: ctx.path } }));
  }
}

const emptyGrants: GrantMap = new Map();

declare module 'koa' {
  interface DefaultContext {
    access: AccessControl;
  }
}
