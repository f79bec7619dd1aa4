import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/**
 * Whether an account reaches beyond one tenant: a membership of another tenant (enabled or not), a
 * share there, or an open invitation from there. A tenant admin may act on such an account itself
 * (reset its password, say) no more than on anyone else's: that would hand this tenant what the
 * person has elsewhere. Instance administrators are the caller's to check (a column of the user).
 */
export async function accountReachesBeyond(db: Database, userId: string, tenantId: string, transaction?: Transaction): Promise<boolean> {
  const rows = await db.sequelize.query(
    `SELECT 1 AS one FROM kirjuri_memberships WHERE user_id = $1 AND tenant_id <> $2
     UNION ALL SELECT 1 AS one FROM kirjuri_shares WHERE user_id = $1 AND tenant_id <> $2 AND revoked_at IS NULL
     UNION ALL SELECT 1 AS one FROM kirjuri_member_invites i JOIN kirjuri_users u ON u.email = i.email
       WHERE u.id = $1 AND i.tenant_id <> $2 AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL
     LIMIT 1`,
    { bind: [userId, tenantId], type: QueryTypes.SELECT, transaction },
  );
  return rows.length > 0;
}
