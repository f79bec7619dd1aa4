import type { Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/** What a grant or share gives, lowest first: view reads, edit changes, manage also shares and deletes. */
export const accessLevels = ['view', 'edit', 'manage'] as const;
export type AccessLevel = (typeof accessLevels)[number];

/** What can be done to an object; `can(actor, action, object)` decides each (SECURITY.md: Access). */
export const accessActions = ['view', 'edit', 'manage', 'delete'] as const;
export type AccessAction = (typeof accessActions)[number];

/** The access level an action needs: deleting is managing. */
export const levelNeededFor: Readonly<Record<AccessAction, AccessLevel>> = Object.freeze({ view: 'view', edit: 'edit', manage: 'manage', delete: 'manage' });

const levelRank: Readonly<Record<AccessLevel, number>> = Object.freeze({ view: 1, edit: 2, manage: 3 });

/** Whether `level` is at least `needed`. */
export function levelAtLeast(level: AccessLevel | null, needed: AccessLevel): boolean {
  return level !== null && levelRank[level] >= levelRank[needed];
}

/** The higher of two levels (null is none). */
export function higherLevel(a: AccessLevel | null, b: AccessLevel | null): AccessLevel | null {
  if (a === null) return b;
  if (b === null) return a;
  return levelRank[a] >= levelRank[b] ? a : b;
}

/** The lower of two levels (null is none). */
export function lowerLevel(a: AccessLevel | null, b: AccessLevel | null): AccessLevel | null {
  if (a === null || b === null) return null;
  return levelRank[a] <= levelRank[b] ? a : b;
}

/** An object reference: its type (`folder`, `record`, `file`, ...) and id. */
export interface ObjectRef {
  type: string;
  id: string;
}

/**
 * What access control needs to know about one object: whose tenant it is in, who owns it, and what
 * contains it (innermost first: a file's record, then the record's folder and that folder's ancestors).
 * Grants and ownership of a container apply to everything inside it.
 */
export interface AccessibleObject extends ObjectRef {
  tenantId: string;
  ownerId: string | null;
  /** A short human name for lists, shares and the audit log. */
  title: string;
  containers: readonly ObjectRef[];
}

/**
 * How core finds objects of a type. Core registers `folder`; plugins register theirs (`record`, `file`)
 * through `registrar.objectType(name, definition)`, and every access decision goes through it.
 */
export interface ObjectTypeDefinition {
  /** Human name, singular, e.g. "record". */
  label: string;
  /**
   * The object with this id in this tenant, or null when there is none (an object of another tenant is
   * none). Called on every access check: one indexed read.
   */
  locate(tenantId: string, id: string, deps: { db: Database }): Promise<AccessibleObject | null>;
  /** Whether objects of this type can be shared with people (a folder or a record can; a file goes with its record). */
  shareable?: boolean;
  /** How many objects of this type a folder holds directly, so a non-empty folder is not deleted under them. */
  countInFolder?(tenantId: string, folderId: string, deps: { db: Database; transaction: Transaction }): Promise<number>;
  /** The web page of an object, for share lists and links, e.g. `/t/acme/records/ID`. */
  pageOf?(tenantSlug: string, id: string): string;
}
