import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import { newId } from '../db/new-id.ts';
import { booleanValue, timeValue } from '../db/row-values.ts';
import type { TenantRole } from './roles.ts';

/** An invitation to join a tenant with a role, as the admin typed it; nobody is a member until it is accepted. */
export interface MemberInvite {
  id: string;
  tenantId: string;
  email: string;
  /** The name the admin typed (the person's own account name is never copied here). */
  name: string;
  role: TenantRole;
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedBy: string | null;
  declinedAt: number | null;
  revokedAt: number | null;
  /** The admin made the account with a password when inviting: it joins at its first sign-in. */
  accountCreated: boolean;
}

/** An invitation as the invited person sees it: with the tenant and who invited them. */
export interface MemberInviteForPerson extends MemberInvite {
  tenantSlug: string;
  tenantName: string;
  invitedByName: string | null;
}

interface InviteRow {
  id: string; tenant_id: string; email: string; name: string; role: string; invited_by: string | null; created_at: unknown; expires_at: unknown;
  accepted_at: unknown; accepted_by: string | null; declined_at: unknown; revoked_at: unknown; account_created: unknown;
}

const columns = 'id, tenant_id, email, name, role, invited_by, created_at, expires_at, accepted_at, accepted_by, declined_at, revoked_at, account_created';
const prefixed = (alias: string): string => columns.split(', ').map((column) => `${alias}.${column}`).join(', ');
const isOpenSql = 'accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL';

const toInvite = (row: InviteRow): MemberInvite => ({
  id: row.id, tenantId: row.tenant_id, email: row.email, name: row.name, role: row.role as TenantRole, invitedBy: row.invited_by,
  createdAt: timeValue(row.created_at)!, expiresAt: timeValue(row.expires_at)!, acceptedAt: timeValue(row.accepted_at), acceptedBy: row.accepted_by,
  declinedAt: timeValue(row.declined_at), revokedAt: timeValue(row.revoked_at), accountCreated: booleanValue(row.account_created),
});

/** Whether an invitation is still waiting for an answer (it may have expired meanwhile). */
export function isOpen(invite: Pick<MemberInvite, 'acceptedAt' | 'declinedAt' | 'revokedAt'>): boolean {
  return invite.acceptedAt === null && invite.declinedAt === null && invite.revokedAt === null;
}

/** Whether an invitation can be accepted right now: open and not expired. */
export function isAcceptable(invite: Pick<MemberInvite, 'acceptedAt' | 'declinedAt' | 'revokedAt' | 'expiresAt'>, now = Date.now()): boolean {
  return isOpen(invite) && invite.expiresAt > now;
}

/**
 * Member invitations in the database (kirjuri_member_invites). The invite link's token is stored only
 * as its SHA-256. Nothing here is read per request, so nothing is cached; a membership made by an
 * acceptance goes through MembershipStore, which empties the identity read cache.
 */
export class MemberInviteStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Stores a new invitation; another open one for the same address in the tenant is a 409. */
  async create(input: Omit<MemberInvite, 'id' | 'createdAt' | 'acceptedAt' | 'acceptedBy' | 'declinedAt' | 'revokedAt'> & { inviteHash: string }, transaction: Transaction): Promise<MemberInvite> {
    const invite: MemberInvite = {
      id: newId(), tenantId: input.tenantId, email: input.email, name: input.name, role: input.role, invitedBy: input.invitedBy, createdAt: Date.now(),
      expiresAt: input.expiresAt, acceptedAt: null, acceptedBy: null, declinedAt: null, revokedAt: null, accountCreated: input.accountCreated,
    };
    try {
      await this.#db.sequelize.query(
        `INSERT INTO kirjuri_member_invites (${columns}, invite_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, NULL, $9, $10)`,
        {
          bind: [invite.id, invite.tenantId, invite.email, invite.name, invite.role, invite.invitedBy, invite.createdAt, invite.expiresAt, invite.accountCreated, input.inviteHash],
          type: QueryTypes.INSERT, transaction,
        },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw alreadyInvited(invite.email);
      throw error;
    }
    return invite;
  }

  /** The invitation with this id in this tenant, in any state, or null. */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<MemberInvite | null> {
    const [row] = await this.#db.sequelize.query<InviteRow>(`SELECT ${columns} FROM kirjuri_member_invites WHERE tenant_id = $1 AND id = $2`, { bind: [tenantId, id], type: QueryTypes.SELECT, transaction });
    return row ? toInvite(row) : null;
  }

  /** The invitation with this id, in any tenant and state, or null. */
  async findById(id: string, transaction?: Transaction): Promise<MemberInvite | null> {
    const [row] = await this.#db.sequelize.query<InviteRow>(`SELECT ${columns} FROM kirjuri_member_invites WHERE id = $1`, { bind: [id], type: QueryTypes.SELECT, transaction });
    return row ? toInvite(row) : null;
  }

  /** The invitation an invite token's hash names, in any state (the caller says why it cannot be used), or null. */
  async findByInviteHash(inviteHash: string, transaction?: Transaction): Promise<MemberInvite | null> {
    const [row] = await this.#db.sequelize.query<InviteRow>(`SELECT ${columns} FROM kirjuri_member_invites WHERE invite_hash = $1`, { bind: [inviteHash], type: QueryTypes.SELECT, transaction });
    return row ? toInvite(row) : null;
  }

  /** The open invitation of an address in a tenant (expired or not), or null. */
  async findOpen(tenantId: string, email: string, transaction: Transaction): Promise<MemberInvite | null> {
    const [row] = await this.#db.sequelize.query<InviteRow>(`SELECT ${columns} FROM kirjuri_member_invites WHERE tenant_id = $1 AND email = $2 AND ${isOpenSql}`, {
      bind: [tenantId, email], type: QueryTypes.SELECT, transaction,
    });
    return row ? toInvite(row) : null;
  }

  /** A tenant's open invitations (expired ones too, so that an admin can renew or withdraw them), newest first. */
  async listOpen(tenantId: string): Promise<MemberInvite[]> {
    const rows = await this.#db.sequelize.query<InviteRow>(`SELECT ${columns} FROM kirjuri_member_invites WHERE tenant_id = $1 AND ${isOpenSql} ORDER BY created_at DESC, id LIMIT 500`, {
      bind: [tenantId], type: QueryTypes.SELECT,
    });
    return rows.map(toInvite);
  }

  /** The invitations an address may accept now, with their tenant and inviter, newest first; `createdAccountOnly` keeps those whose account the admin made. */
  async acceptableFor(email: string, options: { createdAccountOnly?: boolean; transaction?: Transaction } = {}): Promise<MemberInviteForPerson[]> {
    const rows = await this.#db.sequelize.query<InviteRow & { tenant_slug: string; tenant_name: string; inviter_name: string | null }>(
      `SELECT ${prefixed('i')}, t.slug AS tenant_slug, t.name AS tenant_name, u.name AS inviter_name
         FROM kirjuri_member_invites i JOIN kirjuri_tenants t ON t.id = i.tenant_id LEFT JOIN kirjuri_users u ON u.id = i.invited_by
        WHERE i.email = $1 AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
          ${options.createdAccountOnly ? 'AND i.account_created = $3' : ''}
        ORDER BY i.created_at DESC, i.id LIMIT 100`,
      { bind: options.createdAccountOnly ? [email, Date.now(), true] : [email, Date.now()], type: QueryTypes.SELECT, transaction: options.transaction },
    );
    return rows.map((row) => ({ ...toInvite(row), tenantSlug: row.tenant_slug, tenantName: row.tenant_name, invitedByName: row.inviter_name }));
  }

  /** Marks an open invitation accepted by a user; false when it was no longer open (single use, whoever was first). */
  async accept(id: string, userId: string, transaction: Transaction): Promise<boolean> {
    return this.#updateOpen(id, 'accepted_at = $1, accepted_by = $2', [Date.now(), userId], transaction);
  }

  /** Marks an open invitation declined by the person; its link stops working. */
  async decline(id: string, transaction: Transaction): Promise<boolean> {
    return this.#updateOpen(id, 'declined_at = $1, invite_hash = NULL', [Date.now()], transaction);
  }

  /** Withdraws an open invitation; its link stops working. */
  async revoke(id: string, transaction: Transaction): Promise<boolean> {
    return this.#updateOpen(id, 'revoked_at = $1, invite_hash = NULL', [Date.now()], transaction);
  }

  /** Gives an open invitation a new link and expiry; the old link stops working. */
  async renew(id: string, inviteHash: string, expiresAt: number, transaction: Transaction): Promise<boolean> {
    return this.#updateOpen(id, 'invite_hash = $1, expires_at = $2', [inviteHash, expiresAt], transaction);
  }

  // Only an open invitation changes, in one statement, so two answers racing cannot both win.
  async #updateOpen(id: string, sets: string, bind: unknown[], transaction: Transaction): Promise<boolean> {
    const changed = await this.#db.sequelize.query(`UPDATE kirjuri_member_invites SET ${sets} WHERE id = $${bind.length + 1} AND ${isOpenSql}`, {
      bind: [...bind, id], type: QueryTypes.BULKUPDATE, transaction,
    });
    return Number(changed) === 1;
  }
}

/** 409 for a second invitation of the same address: the admin sees the first one in the list. */
export function alreadyInvited(email: string): AppError {
  return new AppError(409, 'already_invited', `${email} is already invited here: make a new link for that invitation or withdraw it first.`, { details: { fields: { email: 'is already invited' } } });
}
