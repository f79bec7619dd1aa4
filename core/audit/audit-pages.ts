import type { Context } from 'koa';
import { z } from 'zod';
import { instanceAdmin, tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import { decodeCursor, encodeCursor } from '../http/list-page.ts';
import type { OwnedRoute, RoutePolicy } from '../kernel/route-declaration.ts';
import { fieldErrorsOf } from '../web/form-errors.ts';
import { sendPage, type PageRenderer } from '../web/page-renderer.ts';
import { instanceChain } from './audit-chain.ts';
import type { AuditQuery } from './audit-query.ts';
import { auditFilterFields, filterOf } from './audit-routes.ts';
import type { AuditVerifier } from './audit-verifier.ts';

// The page takes the filters as a form sends them: empty fields mean "any".
const pageQuery = z.object({ ...auditFilterFields, cursor: z.string().max(200).optional(), verify: z.literal('1').optional() });
const blankToUndefined = (query: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(query).filter(([, value]) => typeof value === 'string' && value.trim() !== ''));
const filterKeys = ['actor', 'action', 'objectType', 'objectId', 'from', 'to'] as const;

/** The audit log pages: a tenant's for its admins, the instance's own for instance admins, with filters, paging, export links and verification. */
export function auditPages(deps: { query: AuditQuery; verifier: AuditVerifier; renderPage: PageRenderer }): OwnedRoute[] {
  const show = async (ctx: Context, chainId: string, base: string, apiBase: string, breadcrumbs: Array<{ href: string; label: string }>): Promise<void> => {
    const raw = blankToUndefined(ctx.query as Record<string, unknown>);
    const parsed = pageQuery.safeParse(raw);
    const values = Object.fromEntries(filterKeys.map((key) => [key, typeof raw[key] === 'string' ? String(raw[key]) : '']));
    const errors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    const input = parsed.success ? parsed.data : {};
    const before = parsed.success ? decodeCursor(parsed.data.cursor, z.strictObject({ s: z.number().int().positive() })) : null;
    const page = await deps.query.page(chainId, filterOf(input), { limit: 50, beforeSeq: before?.s ?? null });
    const filterParams = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== ''));
    const withParams = (extra: Record<string, string>): string => `?${new URLSearchParams({ ...Object.fromEntries(filterParams), ...extra }).toString()}`;
    sendPage(ctx, deps.renderPage(ctx, 'core/audit-log', {
      title: 'Audit log', base, values, errors, breadcrumbs,
      entries: page.items.map((item) => ({ ...item, details: JSON.stringify(item.details), actorLabel: item.actor.email ?? item.actor.id ?? 'system', denied: item.outcome !== 'success' })),
      next: page.nextBeforeSeq === null ? null : `${base}${withParams({ cursor: encodeCursor({ s: page.nextBeforeSeq }) })}`,
      csv: `${apiBase}/audit${withParams({ format: 'csv' })}`, jsonl: `${apiBase}/audit${withParams({ format: 'jsonl' })}`,
      verified: parsed.success && parsed.data.verify === '1' ? await deps.verifier.verify(chainId) : null,
      verifyHref: `${base}${withParams({ verify: '1' })}`,
    }), Object.keys(errors).length > 0 ? 422 : 200);
  };
  const page = (path: string, policy: RoutePolicy, summary: string, handler: (ctx: Context) => Promise<void>): OwnedRoute => ({ owner: 'core', method: 'GET', path, policy, tags: ['web'], summary, handler });
  return [
    page('/t/:t/admin/audit', tenantRole('admin'), 'The tenant\'s audit log (tenant admins).', (ctx) => {
      const { tenant } = tenantAccessOf(ctx);
      return show(ctx, tenant.id, `/t/${tenant.slug}/admin/audit`, `/api/v1/t/${tenant.slug}`, [
        { href: `/t/${tenant.slug}`, label: tenant.name }, { href: `/t/${tenant.slug}/admin`, label: 'Administration' }, { href: `/t/${tenant.slug}/admin/audit`, label: 'Audit log' },
      ]);
    }),
    page('/admin/audit', instanceAdmin, 'The instance\'s own audit log (instance admins).', (ctx) => show(ctx, instanceChain, '/admin/audit', '/api/v1/admin', [
      { href: '/admin', label: 'Instance' }, { href: '/admin/audit', label: 'Audit log' },
    ])),
  ];
}
