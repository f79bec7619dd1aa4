import type { ParticipantRole } from '../tenants/roles.ts';
import { higherLevel, lowerLevel, type AccessibleObject, type AccessLevel } from './object-access.ts';

/** Someone taking part in a tenant: a member with a role, or a guest. */
export interface Participant {
  userId: string;
  role: ParticipantRole;
}

/** A participant's active shares in one tenant, by `type:id`: the highest level when several name one object. */
export type GrantMap = ReadonlyMap<string, AccessLevel>;

/** The key of an object in a GrantMap. */
export const grantKey = (type: string, id: string): string => `${type}:${id}`;

/**
 * The access a participant has to an object of their tenant (SECURITY.md: Access), or null for none:
 * - admins and managers manage everything in their tenant;
 * - a member manages what they own, and has what is shared with them on the object or anything containing it;
 * - a viewer reads what is shared with them (never more, whatever the share says);
 * - a guest has exactly what is shared with them.
 * The caller has already made sure the object is in the participant's tenant.
 */
export function effectiveAccess(participant: Participant, object: AccessibleObject, grants: GrantMap): AccessLevel | null {
  if (participant.role === 'admin' || participant.role === 'manager') return 'manage';
  let level: AccessLevel | null = grants.get(grantKey(object.type, object.id)) ?? null;
  for (const container of object.containers) {
    level = higherLevel(level, grants.get(grantKey(container.type, container.id)) ?? null);
    if (level === 'manage') break;
  }
  if (participant.role === 'member' && object.ownerId === participant.userId) return 'manage';
  if (participant.role === 'viewer') return lowerLevel(level, 'view');
  return level;
}
