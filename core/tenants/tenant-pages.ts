import { z } from 'zod';
import { auditWriteOf } from '../audit/audit-event.ts';
import type { Context } from 'koa';
import { inviteUrl, linkOrigin, passwordLinkUrl } from '../http/one-time-links.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { authenticationOf, instanceAdmin, tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import { fieldErrorsOf, formErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { sendPage, type PageLocals, type PageRenderer } from '../web/page-renderer.ts';
import { formValue } from '../web/form-value.ts';
import type { MemberAdministration } from './member-administration.ts';
import { isAcceptable, type MemberInvite } from './member-invite-store.ts';
import type { MemberInvitations } from './member-invitations.ts';
import type { MembershipStore } from './membership-store.ts';
import { isTenantRole, tenantRoles } from './roles.ts';
import type { TenantStore } from './tenant-store.ts';

/** What the tenant pages work with. */
export interface TenantPageDependencies {
  tenants: TenantStore;
  memberships: MembershipStore;
  administration: MemberAdministration;
  invitations: MemberInvitations;
  renderPage: PageRenderer;
  /** server.publicUrl, or null to build links from the request's origin. */
  publicUrl: string | null;
}

const roleLabels: Record<string, string> = { admin: 'Admin', manager: 'Manager', member: 'Member', viewer: 'Viewer' };
const roleOptions = tenantRoles.map((value) => ({ value, label: roleLabels[value] }));

const addMemberForm = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254)),
  role: z.enum(tenantRoles, 'must be one of the roles in the list'),
  password: z.string().max(1024).transform((value) => (value === '' ? undefined : value)),
});

/** The tenant's home, its members page (tenant admins) and the instance's tenants page (instance admins). */
export function tenantPages(deps: TenantPageDependencies): OwnedRoute[] {
  const { tenants, memberships, administration, invitations, renderPage } = deps;
  const paramOf = (ctx: Context, name: string): string => String((ctx as Context & { params: Record<string, string> }).params[name]);
  const iso = (time: number): string => new Date(time).toISOString();

  type MembersExtra = { values?: Record<string, string>; errors?: FieldErrors; status?: number; flash?: PageLocals['flash']; resetUrl?: string; resetFor?: string; invited?: { invite: MemberInvite; url: string } };
  const showMembers = async (ctx: Context, extra: MembersExtra = {}): Promise<void> => {
    const { tenant } = tenantAccessOf(ctx);
    const me = authenticationOf(ctx).user;
    const members = (await memberships.listMembers(tenant.id)).map((m) => ({
      id: m.userId, name: m.user.name, email: m.user.email, role: m.role, memberDisabled: m.disabledAt !== null, accountDisabled: m.user.disabledAt !== null,
      isSelf: m.userId === me.id, joinedAt: iso(m.joinedAt),
    }));
    // Only what the admin typed, the same for every address: the list does not tell who has an account.
    const pending = (await invitations.listForTenant(tenant)).map((invite) => ({
      id: invite.id, name: invite.name, email: invite.email, role: roleLabels[invite.role], invitedAt: iso(invite.createdAt), expiresAt: iso(invite.expiresAt), expired: !isAcceptable(invite),
    }));
    const invited = extra.invited && {
      url: extra.invited.url, name: extra.invited.invite.name, email: extra.invited.invite.email, role: roleLabels[extra.invited.invite.role]!.toLowerCase(), expiresAt: iso(extra.invited.invite.expiresAt),
    };
    sendPage(ctx, renderPage(ctx, 'core/members', {
      title: 'Members and roles', members, invitations: pending, invited, roles: roleOptions, values: { role: 'member', ...extra.values }, errors: extra.errors ?? {},
      resetUrl: extra.resetUrl, resetFor: extra.resetFor,
      breadcrumbs: [{ href: `/t/${tenant.slug}`, label: tenant.name }, { href: `/t/${tenant.slug}/admin/members`, label: 'Members and roles' }],
    }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };
  /** Runs one action of the members page, then shows the page with what it answered, or with its refusal as a sentence (and the form's marked fields). */
  const showMembersAfter = async (ctx: Context, action: () => Promise<MembersExtra>, form?: { values: Record<string, string> }): Promise<void> => {
    let shown: MembersExtra;
    try {
      shown = await action();
    } catch (thrown) {
      const { fields, message, status } = formErrorsOf(thrown);
      shown = { ...(form ? { values: form.values, errors: fields } : {}), status, flash: [{ kind: 'error', message }] };
    }
    await showMembers(ctx, shown);
  };
  const linkFor = (ctx: Context, secret: string): string => passwordLinkUrl(linkOrigin(ctx, deps.publicUrl), secret);
  const inviteLinkFor = (ctx: Context, secret: string): string => inviteUrl(linkOrigin(ctx, deps.publicUrl), secret);

  const showTenants = async (ctx: Context, extra: { values?: Record<string, string>; errors?: FieldErrors; status?: number; flash?: PageLocals['flash'] } = {}): Promise<void> => {
    const list = (await tenants.list()).map((t) => ({ slug: t.slug, name: t.name, createdAt: new Date(t.createdAt).toISOString() }));
    sendPage(ctx, renderPage(ctx, 'core/admin-tenants', { title: 'Organisations', tenants: list, values: extra.values ?? {}, errors: extra.errors ?? {} }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/t/:t/admin/members', policy: tenantRole('admin'), tags: ['web'],
      summary: 'The members page (tenant admins).',
      handler: (ctx) => showMembers(ctx),
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin/members', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Invites a person from the members page and shows the invite link once.',
      async handler(ctx, { body }) {
        const values = { name: formValue(body, 'name'), email: formValue(body, 'email'), role: formValue(body, 'role') || 'member' };
        const parsed = addMemberForm.safeParse({ ...values, password: formValue(body, 'password') });
        if (!parsed.success) return showMembers(ctx, { values, errors: fieldErrorsOf(parsed.error), status: 422, flash: [{ kind: 'error', message: 'Check the marked fields.' }] });
        await showMembersAfter(ctx, async () => {
          const { invite, secret } = await invitations.invite(tenantAccessOf(ctx).tenant, authenticationOf(ctx).user, parsed.data, auditWriteOf(ctx));
          return { invited: { invite, url: inviteLinkFor(ctx, secret) }, flash: [{ kind: 'success', message: `${invite.name} is invited as ${roleLabels[invite.role]!.toLowerCase()}.` }] };
        }, { values });
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin/members/:userId', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Changes a member\'s role, or disables or enables them, from the members page.',
      async handler(ctx, { body }) {
        const role = formValue(body, 'role');
        const disabled = formValue(body, 'disabled');
        const change = { ...(isTenantRole(role) ? { role } : {}), ...(disabled === 'true' || disabled === 'false' ? { disabled: disabled === 'true' } : {}) };
        if (Object.keys(change).length === 0) return showMembers(ctx, { status: 422, flash: [{ kind: 'error', message: 'Choose a role, or disable or enable the person.' }] });
        await showMembersAfter(ctx, async () => {
          const member = await administration.changeMember(tenantAccessOf(ctx).tenant, paramOf(ctx, 'userId'), change, auditWriteOf(ctx));
          const what = change.disabled === true
            ? `can no longer open ${tenantAccessOf(ctx).tenant.name}; their account and any other organisations are not affected`
            : change.disabled === false ? 'is enabled here again' : `is now a ${roleLabels[member.role]!.toLowerCase()}`;
          return { flash: [{ kind: 'success', message: `${member.user.name} ${what}.` }] };
        });
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin/members/:userId/reset', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Makes a one-time password link for a member and shows it to the admin.',
      async handler(ctx) {
        await showMembersAfter(ctx, async () => {
          const tenant = tenantAccessOf(ctx).tenant;
          const userId = paramOf(ctx, 'userId');
          const link = await administration.passwordLink(tenant, authenticationOf(ctx).user, userId, auditWriteOf(ctx));
          const member = await administration.member(tenant, userId);
          return { resetUrl: linkFor(ctx, link.secret), resetFor: member.user.name };
        });
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin/members/invitations/:id/withdraw', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Withdraws an open invitation from the members page.',
      async handler(ctx) {
        await showMembersAfter(ctx, async () => {
          const invite = await invitations.withdraw(tenantAccessOf(ctx).tenant, paramOf(ctx, 'id'), auditWriteOf(ctx));
          return { flash: [{ kind: 'success', message: `The invitation of ${invite.name} is withdrawn; its link no longer works.` }] };
        });
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin/members/invitations/:id/link', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Makes a new link for an invitation from the members page and shows it once.',
      async handler(ctx) {
        await showMembersAfter(ctx, async () => {
          const { invite, secret } = await invitations.renewLink(tenantAccessOf(ctx).tenant, paramOf(ctx, 'id'), auditWriteOf(ctx));
          return { invited: { invite, url: inviteLinkFor(ctx, secret) }, flash: [{ kind: 'success', message: `A new link for ${invite.name} is made; the old one no longer works.` }] };
        });
      },
    },
    {
      owner: 'core', method: 'GET', path: '/admin', policy: instanceAdmin, tags: ['web'],
      summary: 'Instance administration: the tenants.',
      handler: (ctx) => showTenants(ctx),
    },
    {
      owner: 'core', method: 'POST', path: '/admin/tenants', policy: instanceAdmin, tags: ['web'],
      summary: 'Creates a tenant from the instance administration page.',
      async handler(ctx, { body }) {
        const values = { name: formValue(body, 'name').trim(), slug: formValue(body, 'slug').trim() };
        const errors: FieldErrors = {};
        if (!values.name) errors.name = 'is required';
        if (!values.slug) errors.slug = 'is required';
        if (Object.keys(errors).length > 0) return showTenants(ctx, { values, errors, status: 422, flash: [{ kind: 'error', message: 'Check the marked fields.' }] });
        try {
          const tenant = await administration.createTenant(authenticationOf(ctx).user, values, auditWriteOf(ctx));
          await showTenants(ctx, { flash: [{ kind: 'success', message: `"${tenant.name}" is created at /t/${tenant.slug}; you are its admin.` }] });
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          await showTenants(ctx, { values, errors: fields, status, flash: [{ kind: 'error', message }] });
        }
      },
    },
  ];
}
