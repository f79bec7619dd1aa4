import type { Context } from 'koa';
import { z } from 'zod';
import { auditEventOf } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { hasControlCharacters } from '../http/control-characters.ts';
import { tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { fieldErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { formValue } from '../web/form-value.ts';
import { sendPage, type PageLocals, type PageRenderer } from '../web/page-renderer.ts';
import { maxTenantNameLength, type TenantStore } from './tenant-store.ts';

/** What the settings routes work with. */
export interface TenantSettingsDependencies {
  db: Database;
  tenants: TenantStore;
  renderPage: PageRenderer;
  /** audit.retentionMonths: the retention of a tenant that sets none. */
  defaultRetentionMonths: number;
}

const name = z.string().trim().min(1, 'is required').max(maxTenantNameLength).refine((text) => !hasControlCharacters(text), 'must not contain control characters');
const retentionMonths = z.number().int('must be a whole number of months').min(1, 'must be at least 1 month').max(1200, 'must be at most 1200 months (100 years)');
const settingsBody = z.strictObject({ name: name.optional(), retentionMonths: retentionMonths.nullable().optional() });

/** A tenant's settings (GET/PATCH /api/v1/t/{t}/settings) and the admin page that shows them with the way to members and the audit log. */
export function tenantSettingsRoutes(deps: TenantSettingsDependencies): OwnedRoute[] {
  const { db, tenants, renderPage } = deps;

  const current = async (ctx: Context): Promise<{ name: string; retentionMonths: number; retentionIsDefault: boolean }> => {
    const { tenant } = tenantAccessOf(ctx);
    const settings = await tenants.settingsOf(tenant.id);
    return { name: tenant.name, retentionMonths: settings.retentionMonths ?? deps.defaultRetentionMonths, retentionIsDefault: settings.retentionMonths === undefined };
  };

  const change = async (ctx: Context, input: { name?: string; retentionMonths?: number | null }): Promise<void> => {
    const { tenant } = tenantAccessOf(ctx);
    await db.transaction(async (transaction) => {
      const settings = input.retentionMonths === undefined ? undefined : { retentionMonths: input.retentionMonths ?? undefined };
      await tenants.update(tenant.id, { name: input.name, settings }, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'tenant.update', objectType: 'tenant', objectId: tenant.id, details: { ...input } }), transaction);
    });
    if (input.name !== undefined) (ctx.state as { tenantAccess: { tenant: { name: string } } }).tenantAccess.tenant = { ...tenant, name: input.name };
  };

  const showAdmin = async (ctx: Context, extra: { values?: Record<string, string>; errors?: FieldErrors; status?: number; flash?: PageLocals['flash'] } = {}): Promise<void> => {
    const { tenant } = tenantAccessOf(ctx);
    const now = await current(ctx);
    sendPage(ctx, renderPage(ctx, 'core/tenant-admin', {
      title: 'Administration',
      retentionHelp: `Older entries are purged daily; the chain stays verifiable. Leave empty for the instance default (${deps.defaultRetentionMonths} months).`,
      values: { name: now.name, retentionMonths: now.retentionIsDefault ? '' : String(now.retentionMonths), ...extra.values }, errors: extra.errors ?? {},
      breadcrumbs: [{ href: `/t/${tenant.slug}`, label: tenant.name }, { href: `/t/${tenant.slug}/admin`, label: 'Administration' }],
    }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/t/:t/settings', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'The tenant\'s settings: name and audit retention (months).',
      params: z.strictObject({ t: z.string().min(1).max(63) }),
      async handler(ctx) {
        ctx.body = await current(ctx);
      },
    },
    {
      owner: 'core', method: 'PATCH', path: '/api/v1/t/:t/settings', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Changes the tenant\'s name or audit retention (`retentionMonths: null` goes back to the instance default).',
      params: z.strictObject({ t: z.string().min(1).max(63) }),
      body: settingsBody,
      async handler(ctx, { body }) {
        await change(ctx, body as { name?: string; retentionMonths?: number | null });
        ctx.body = await current(ctx);
      },
    },
    {
      owner: 'core', method: 'GET', path: '/t/:t/admin', policy: tenantRole('admin'), tags: ['web'],
      summary: 'The tenant\'s administration: settings, and the way to members and the audit log.',
      handler: (ctx) => showAdmin(ctx),
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/admin', policy: tenantRole('admin'), tags: ['web'],
      summary: 'Saves the tenant\'s settings from the administration page.',
      async handler(ctx, { body }) {
        const values = { name: formValue(body, 'name'), retentionMonths: formValue(body, 'retentionMonths').trim() };
        const parsed = settingsBody.safeParse({ name: values.name, retentionMonths: values.retentionMonths === '' ? null : Number(values.retentionMonths) });
        if (!parsed.success) return showAdmin(ctx, { values, errors: fieldErrorsOf(parsed.error), status: 422, flash: [{ kind: 'error', message: 'Check the marked fields.' }] });
        await change(ctx, parsed.data);
        await showAdmin(ctx, { flash: [{ kind: 'success', message: 'The settings are saved.' }] });
      },
    },
  ];
}
