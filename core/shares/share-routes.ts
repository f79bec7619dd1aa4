import { z } from 'zod';
import { hasControlCharacters } from '../http/control-characters.ts';
import { accessLevels, type AccessLevel } from '../access/object-access.ts';
import { tenantParticipant } from '../access/tenant-participant-policy.ts';
import { signedIn, authenticationOf } from '../identity/access-policies.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { ShareOperations, ShareView } from './share-operations.ts';
import type { Share, ShareWithTenant } from './share-store.ts';

const objectId = z.string().min(1).max(64);
const tenantParams = z.strictObject({ t: z.string().min(1).max(63) });
const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254));
// A message may have line breaks, not other control characters.
const message = z.string().trim().max(1000, 'must be at most 1000 characters').refine((text) => !hasControlCharacters(text, { allowNewlines: true }), 'must not contain control characters');
const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** A share in the API's words (never its invite token). */
export function shareJson(share: Share | ShareView | ShareWithTenant): Record<string, unknown> {
  return {
    id: share.id, objectType: share.objectType, objectId: share.objectId, email: share.email, access: share.access, message: share.message,
    expiresAt: iso(share.expiresAt), createdAt: iso(share.createdAt), acceptedAt: iso(share.acceptedAt), pending: share.userId === null,
    ...('objectTitle' in share ? { objectTitle: share.objectTitle, active: share.active } : {}),
    ...('tenantSlug' in share ? { tenant: { slug: share.tenantSlug, name: share.tenantName } } : {}),
  };
}

/** API.md's share routes and "shared with me" (accepting an invite link: invite-link-routes.ts). */
export function shareRoutes(operations: ShareOperations): OwnedRoute[] {
  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/t/:t/shares', policy: tenantParticipant, tags: ['shares'],
      summary: 'Shares of one object (manage access), of the whole tenant (admins, managers) or the ones you made.',
      params: tenantParams,
      query: z.strictObject({ objectType: z.string().min(1).max(40).optional(), objectId: objectId.optional() }),
      async handler(ctx, { query }) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { items: (await operations.list(ctx, query as { objectType?: string; objectId?: string })).map(shareJson), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/shares', policy: tenantParticipant, tags: ['shares'],
      summary: 'Shares a folder or record (manage access, never above your own) with a member, or invites an outside email as a guest.',
      params: tenantParams,
      body: z.strictObject({
        objectType: z.string().min(1).max(40), objectId, email, access: z.enum(accessLevels, 'must be view, edit or manage'),
        expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-12-31T16:00:00Z' }).optional(),
        message: message.optional(),
      }),
      responses: { 201: '{id, inviteUrl (null for members), share}', 403: 'Not yours to share, or above your own access.', 404: 'Missing or not visible.', 422: 'Not shareable, expiry in the past.' },
      async handler(ctx, { body }) {
        const input = body as { objectType: string; objectId: string; email: string; access: AccessLevel; expiresAt?: string; message?: string };
        const { share, inviteUrl } = await operations.create(ctx, {
          type: input.objectType, id: input.objectId, email: input.email, access: input.access,
          expiresAt: input.expiresAt ? Date.parse(input.expiresAt) : null, message: input.message || null,
        });
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { id: share.id, inviteUrl, share: shareJson(share) };
      },
    },
    {
      owner: 'core', method: 'DELETE', path: '/api/v1/t/:t/shares/:id', policy: tenantParticipant, tags: ['shares'],
      summary: 'Revokes a share at once (its object\'s managers, or whoever made it).',
      params: z.strictObject({ t: z.string().min(1).max(63), id: objectId }),
      responses: { 204: 'Revoked.', 404: 'No such share.' },
      async handler(ctx, { params }) {
        await operations.revoke(ctx, (params as { id: string }).id);
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/shared', policy: signedIn, tags: ['shares'],
      summary: 'What has been shared with you, across tenants.',
      async handler(ctx) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { items: (await operations.sharedWith(authenticationOf(ctx).user.id)).map(shareJson), nextCursor: null };
      },
    },
  ];
}
