import type { Context } from 'koa';
import { z } from 'zod';
import { hasControlCharacters } from '../http/control-characters.ts';
import { accessLevels, type AccessLevel } from '../access/object-access.ts';
import { tenantParticipant } from '../access/tenant-participant-policy.ts';
import { signedIn, authenticationOf, tenantAccessOf } from '../identity/access-policies.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { fieldErrorsOf, formErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { formValue } from '../web/form-value.ts';
import { sendPage, type PageRenderer } from '../web/page-renderer.ts';
import { safeNextPath } from '../web/safe-next-path.ts';
import type { ShareOperations } from './share-operations.ts';

/** How the pages name each access level. */
export const accessLabels: Readonly<Record<string, string>> = { view: 'View', edit: 'Edit', manage: 'Manage (can also share)' };
const accessOptions = accessLevels.map((value) => ({ value, label: accessLabels[value]! }));

const shareForm = z.object({
  objectType: z.string().min(1).max(40),
  objectId: z.string().min(1).max(64),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254)),
  access: z.enum(accessLevels, 'must be one of the choices'),
  // A date input: the share ends when that day ends (UTC).
  expires: z.union([z.literal(''), z.iso.date('must be a date such as 2026-12-31')]),
  message: z.string().trim().max(1000, 'must be at most 1000 characters').refine((text) => !hasControlCharacters(text, { allowNewlines: true }), 'must not contain control characters'),
});

/** The pages of sharing: the share form's result, revoking and "shared with me" (an invite link's page: invite-link-pages.ts). */
export function sharePages(deps: { shares: ShareOperations; renderPage: PageRenderer }): OwnedRoute[] {
  const { shares, renderPage } = deps;
  const param = (ctx: Context, name: string): string => String((ctx as Context & { params: Record<string, string> }).params[name]);

  return [
    {
      owner: 'core', method: 'POST', path: '/t/:t/shares', policy: tenantParticipant, tags: ['web'],
      summary: 'Shares an object from its page\'s share form; shows the invite link once.',
      async handler(ctx, { body }) {
        const values = {
          objectType: formValue(body, 'objectType'), objectId: formValue(body, 'objectId'), email: formValue(body, 'email'),
          access: formValue(body, 'access') || 'view', expires: formValue(body, 'expires'), message: formValue(body, 'message'),
        };
        const back = safeNextPath(formValue(body, 'back'), `/t/${tenantAccessOf(ctx).tenant.slug}`);
        const again = (errors: FieldErrors, message: string, status: number): void => sendPage(ctx, renderPage(ctx, 'core/share-form', {
          title: 'Share', values, errors, back, accessOptions,
        }, { flash: [{ kind: 'error', message }] }), status);
        const parsed = shareForm.safeParse(values);
        if (!parsed.success) return again(fieldErrorsOf(parsed.error), 'Check the marked fields.', 422);
        const input = parsed.data;
        try {
          const { share, inviteUrl } = await shares.create(ctx, {
            type: input.objectType, id: input.objectId, email: input.email, access: input.access as AccessLevel,
            expiresAt: input.expires ? Date.parse(`${input.expires}T23:59:59.999Z`) : null, message: input.message || null,
          });
          sendPage(ctx, renderPage(ctx, 'core/share-created', { title: 'Shared', email: share.email, access: accessLabels[share.access], inviteUrl, back }));
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          if (status === 404) throw thrown;
          again(fields.expiresAt ? { ...fields, expires: fields.expiresAt } : fields, message, status);
        }
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/shares/:id/revoke', policy: tenantParticipant, tags: ['web'],
      summary: 'Revokes a share from an object\'s page and goes back to it.',
      async handler(ctx, { body }) {
        await shares.revoke(ctx, param(ctx, 'id'));
        ctx.redirect(safeNextPath(formValue(body, 'back'), `/t/${tenantAccessOf(ctx).tenant.slug}`));
        ctx.status = 303;
      },
    },
    {
      owner: 'core', method: 'GET', path: '/shared', policy: signedIn, tags: ['web'],
      summary: 'What has been shared with you, in every organisation.',
      async handler(ctx) {
        const items = (await shares.sharedWith(authenticationOf(ctx).user.id)).map((share) => ({
          tenantName: share.tenantName, title: share.objectTitle, type: share.objectType, access: accessLabels[share.access],
          href: shares.pageOf(share.tenantSlug, share), expiresAt: share.expiresAt === null ? null : new Date(share.expiresAt).toISOString().slice(0, 10),
        }));
        sendPage(ctx, renderPage(ctx, 'core/shared', { title: 'Shared with you', items }));
      },
    },
  ];
}
