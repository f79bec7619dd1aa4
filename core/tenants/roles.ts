/** The roles a member has in a tenant, highest first (API.md "Tenant"). */
export const tenantRoles = ['admin', 'manager', 'member', 'viewer'] as const;

/** One of the tenant roles. */
export type TenantRole = (typeof tenantRoles)[number];

/**
 * How someone takes part in a tenant: a member's role, or `guest` for someone who is no member but has
 * something shared with them there (they see only that).
 */
export type ParticipantRole = TenantRole | 'guest';

const rank: Record<ParticipantRole, number> = { admin: 4, manager: 3, member: 2, viewer: 1, guest: 0 };

/** Whether `role` is at least `required` (an admin is at least a member, a viewer is not, a guest is no role). */
export function roleAtLeast(role: ParticipantRole, required: TenantRole): boolean {
  return rank[role] >= rank[required];
}

/** Whether a string names a tenant role. */
export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (tenantRoles as readonly string[]).includes(value);
}
