import type { Context } from 'koa';
import { setSessionCookie } from '../identity/session-cookie.ts';
import type { User } from '../identity/user-store.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { isAcceptable, type MemberInvite } from '../tenants/member-invite-store.ts';
import { personAuditWriteOf, type MemberInvitations } from '../tenants/member-invitations.ts';
import { formErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { formValue } from '../web/form-value.ts';
import { sendPage, type PageRenderer } from '../web/page-renderer.ts';
import { inviteAcceptance } from './invite-link-routes.ts';
import type { ShareOperations } from './share-operations.ts';
import { accessLabels } from './share-pages.ts';

const roleNames: Record<string, string> = { admin: 'admin', manager: 'manager', member: 'member', viewer: 'viewer' };

type PageExtra = { values?: Record<string, string>; errors?: FieldErrors; status?: number; message?: string };

/**
 * `/invite/{token}`: the page of an invite link, whichever kind it carries (a token is looked up among
 * the tenants' invitations first, then among the shares'), and the form that accepts it.
 */
export function inviteLinkPages(deps: { shares: ShareOperations; invitations: MemberInvitations; renderPage: PageRenderer }): OwnedRoute[] {
  const { shares, invitations, renderPage } = deps;
  const param = (ctx: Context, name: string): string => String((ctx as Context & { params: Record<string, string> }).params[name]);
  const showGone = (ctx: Context, message: string, status: number): void => sendPage(ctx, renderPage(ctx, 'core/invite', { title: 'An invitation', gone: true, message }), status);
  const currentUser = async (ctx: Context): Promise<User | null> => (await ctx.identity.authenticator.authenticate(ctx))?.user ?? null;

  const showShareInvite = async (ctx: Context, token: string, extra: PageExtra = {}): Promise<void> => {
    const current = await currentUser(ctx);
    try {
      const invite = await shares.describeInvite(token);
      sendPage(ctx, renderPage(ctx, 'core/invite', {
        title: 'An invitation', token, tenantName: invite.tenant.name, objectTitle: invite.title, objectType: invite.share.objectType,
        access: accessLabels[invite.share.access], sharedBy: invite.sharedBy, message: invite.share.message, email: invite.share.email,
        signedInAs: current?.email ?? null, values: extra.values ?? {}, errors: extra.errors ?? {},
      }, extra.message ? { flash: [{ kind: 'error', message: extra.message }] } : {}), extra.status ?? 200);
    } catch (thrown) {
      const { message, status } = formErrorsOf(thrown);
      showGone(ctx, message, status);
    }
  };

  // Not signed in, the page is the same whether or not the address has an account: it offers both ways.
  const showMemberInvite = async (ctx: Context, token: string, invite: MemberInvite, extra: PageExtra = {}): Promise<void> => {
    const current = await currentUser(ctx);
    const { tenant, invitedByName } = await invitations.describe(invite);
    if (!isAcceptable(invite)) {
      if (invite.acceptedBy !== null && invite.acceptedBy === current?.id) {
        sendPage(ctx, renderPage(ctx, 'core/member-invite', { title: 'An invitation', joined: true, tenantName: tenant.name, tenantSlug: tenant.slug }));
        return;
      }
      showGone(ctx, 'This invitation has been used, has expired or was withdrawn. Ask the person who sent you the link for a new one.', 410);
      return;
    }
    sendPage(ctx, renderPage(ctx, 'core/member-invite', {
      title: 'An invitation', token, invitationId: invite.id, tenantName: tenant.name, role: roleNames[invite.role], invitedBy: invitedByName, email: invite.email,
      expiresAt: new Date(invite.expiresAt).toISOString(), signedInAs: current?.email ?? null, isInvitedAccount: current !== null && current.email === invite.email,
      values: { name: invite.name, ...extra.values }, errors: extra.errors ?? {},
    }, extra.message ? { flash: [{ kind: 'error', message: extra.message }] } : {}), extra.status ?? 200);
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/invite/:token', policy: inviteAcceptance, tags: ['web'],
      summary: 'An invitation link\'s page: what is shared or which tenant invites you, by whom, and how to accept.',
      async handler(ctx) {
        const token = param(ctx, 'token');
        const invite = await invitations.findByToken(token);
        await (invite ? showMemberInvite(ctx, token, invite) : showShareInvite(ctx, token));
      },
    },
    {
      owner: 'core', method: 'POST', path: '/invite/:token', policy: inviteAcceptance, tags: ['web'],
      summary: 'Accepts an invitation from its page: with the signed-in account, or a new one (a guest\'s for a share).',
      async handler(ctx, { body }) {
        const token = param(ctx, 'token');
        const current = await currentUser(ctx);
        const values = { name: formValue(body, 'name') };
        const input = { current, name: values.name || undefined, password: formValue(body, 'password') || undefined };
        if (await invitations.findByToken(token)) {
          try {
            const joined = await invitations.acceptWithLink(token, input, personAuditWriteOf(ctx), { ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null });
            if (joined.session) setSessionCookie(ctx, joined.session.secret, joined.session.expiresAt);
            ctx.status = 303;
            ctx.redirect(`/t/${joined.tenant.slug}`);
          } catch (thrown) {
            const { fields, message, status } = formErrorsOf(thrown);
            // Looked up again: the answer may have closed it meanwhile.
            const invite = await invitations.findByToken(token);
            if (!invite || status === 410) return showGone(ctx, message, status);
            await showMemberInvite(ctx, token, invite, { values, errors: fields, status, message });
          }
          return;
        }
        try {
          const accepted = await shares.accept(ctx, token, input);
          if (accepted.session) setSessionCookie(ctx, accepted.session.secret, accepted.session.expiresAt);
          const page = shares.pageOf(accepted.tenant.slug, accepted.share);
          ctx.redirect(page ?? '/shared');
          ctx.status = 303;
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          await showShareInvite(ctx, token, { values, errors: fields, status, message });
        }
      },
    },
  ];
}
