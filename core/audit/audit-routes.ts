import type { Context } from 'koa';
import { z } from 'zod';
import { instanceAdmin, tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import { decodeCursor, encodeCursor, listQueryFields } from '../http/list-page.ts';
import type { OwnedRoute, RoutePolicy } from '../kernel/route-declaration.ts';
import { instanceChain } from './audit-chain.ts';
import type { AuditFilter, AuditQuery } from './audit-query.ts';
import type { AuditVerifier } from './audit-verifier.ts';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z' });

/** The filter fields of the audit routes and pages (API.md). */
export const auditFilterFields = {
  actor: z.string().trim().min(1).max(254).optional(),
  action: z.string().trim().min(1).max(60).optional(),
  objectType: z.string().trim().min(1).max(40).optional(),
  objectId: z.string().trim().min(1).max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
};

/** The query of GET .../audit: filters, list paging, and `format` for an export. */
export const auditListQuery = z.strictObject({ ...auditFilterFields, ...listQueryFields, format: z.enum(['json', 'csv', 'jsonl'], 'must be json, csv or jsonl').default('json') });

/** A parsed filter from validated query fields. */
export function filterOf(query: Partial<Record<keyof typeof auditFilterFields, string>>): AuditFilter {
  return {
    actor: query.actor, action: query.action, objectType: query.objectType, objectId: query.objectId,
    from: query.from ? Date.parse(query.from) : undefined, to: query.to ? Date.parse(query.to) : undefined,
  };
}

const cursorShape = z.strictObject({ s: z.number().int().positive() });

/** Answers a list page or streams an export of a chain. */
export async function sendAuditList(ctx: Context, query: AuditQuery, chainId: string, input: z.infer<typeof auditListQuery>): Promise<void> {
  const filter = filterOf(input);
  ctx.set('Cache-Control', 'no-store');
  if (input.format !== 'json') {
    const stamp = new Date().toISOString().slice(0, 10);
    ctx.set('Content-Disposition', `attachment; filename="kirjuri-audit-${chainId === instanceChain ? 'instance' : 'tenant'}-${stamp}.${input.format}"`);
    ctx.type = input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
    ctx.body = query.export(chainId, filter, input.format);
    return;
  }
  const before = decodeCursor(input.cursor, cursorShape);
  const page = await query.page(chainId, filter, { limit: input.limit, beforeSeq: before?.s ?? null });
  ctx.body = { items: page.items, nextCursor: page.nextBeforeSeq === null ? null : encodeCursor({ s: page.nextBeforeSeq }) };
}

/** The audit API: a tenant's log for its admins, the instance's own for instance admins, each with export and verification. */
export function auditRoutes(deps: { query: AuditQuery; verifier: AuditVerifier }): OwnedRoute[] {
  const chainOfRequest = (ctx: Context): string => tenantAccessOf(ctx).tenant.id;
  const pair = (prefix: string, policy: RoutePolicy, chainId: (ctx: Context) => string, whose: string): OwnedRoute[] => [
    {
      owner: 'core', method: 'GET', path: `${prefix}/audit`, policy, tags: ['audit'],
      summary: `${whose} audit log, newest first: filters actor (id or email), action, objectType, objectId, from, to; ?format=csv|jsonl exports every match.`,
      query: auditListQuery,
      async handler(ctx, { query }) {
        await sendAuditList(ctx, deps.query, chainId(ctx), query as z.infer<typeof auditListQuery>);
      },
    },
    {
      owner: 'core', method: 'GET', path: `${prefix}/audit/verify`, policy, tags: ['audit'],
      summary: `Recomputes ${whose.toLowerCase()} hash chain: {ok, checked, firstBadSeq, reason}.`,
      async handler(ctx) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await deps.verifier.verify(chainId(ctx));
      },
    },
  ];
  return [
    ...pair('/api/v1/t/:t', tenantRole('admin'), chainOfRequest, 'The tenant\'s'),
    ...pair('/api/v1/admin', instanceAdmin, () => instanceChain, 'The instance\'s own'),
  ];
}
