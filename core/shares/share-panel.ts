import type { Context } from 'koa';
import { accessLevels } from '../access/object-access.ts';
import type { ShareOperations } from './share-operations.ts';

/** The data of the `share-panel` partial: an object's shares and the form to add one. */
export interface SharePanelData {
  objectType: string;
  objectId: string;
  back: string;
  shares: Array<{ id: string; email: string; access: string; pending: boolean; expiresAt: string | null; active: boolean }>;
  accessOptions: Array<{ value: string; label: string }>;
}

const accessLabels: Record<string, string> = { view: 'View', edit: 'Edit', manage: 'Manage (can also share)' };

/**
 * What an object's page passes to the `share-panel` partial (folders here; records in their plugin):
 * who has it and a form to share it, posting to /t/{t}/shares with `back` as the page to return to.
 * Only for callers with manage access to the object.
 */
export async function sharePanel(ctx: Context, shares: ShareOperations, object: { type: string; id: string; back: string }): Promise<SharePanelData> {
  const list = await shares.list(ctx, { objectType: object.type, objectId: object.id });
  return {
    objectType: object.type, objectId: object.id, back: object.back,
    shares: list.map((share) => ({ id: share.id, email: share.email, access: share.access, pending: share.pending, expiresAt: share.expiresAt === null ? null : new Date(share.expiresAt).toISOString().slice(0, 16).replace('T', ' '), active: share.active })),
    accessOptions: accessLevels.map((value) => ({ value, label: accessLabels[value]! })),
  };
}
