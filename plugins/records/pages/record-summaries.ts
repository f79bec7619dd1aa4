// Lists of records as the panels and the list page show them (views/parts/record-list.hbs), and the
// small form that starts a new record from a template.
import type { Context } from 'koa';
import { tenantAccessOf, type PluginRuntime } from '../../../core/plugin-api.ts';
import type { RecordSummary } from '../services/record-list-query.ts';
import type { Template } from '../services/template-store.ts';
import { partsOf, recordHref, recordsFragment } from './page-support.ts';

const statusLabels = { draft: 'Draft', completed: 'Completed' } as const;

/** The tenant's templates by name (at most 1000), for lists' template names and the new-record choice. */
export function tenantTemplates(ctx: Context, runtime: PluginRuntime): Promise<Template[]> {
  return partsOf(runtime).deps.templates.list(tenantAccessOf(ctx).tenant.id);
}

/** The HTML of a list of records: title, template, status, last change and a measurement's score; `empty` when there are none. */
export function recordListHtml(ctx: Context, runtime: PluginRuntime, items: readonly RecordSummary[], templates: readonly Template[], empty: string): string {
  const byId = new Map(templates.map((template) => [template.id, template]));
  const rows = items.map((item) => {
    const template = byId.get(item.templateId);
    return {
      href: recordHref(ctx, item.id), title: item.title, templateName: template?.name ?? 'A removed template', status: item.status, statusLabel: statusLabels[item.status],
      updatedAt: new Date(item.updatedAt).toISOString(), score: template?.kind === 'measurement' && item.score !== null ? `${item.score} %` : null,
    };
  });
  return recordsFragment(ctx, runtime, 'parts/record-list', { empty, rows, scored: rows.some((row) => row.score !== null) });
}

/** The HTML of the form that opens a new record from a chosen template, in a folder or (null) at the top. */
export function newRecordFormHtml(ctx: Context, runtime: PluginRuntime, templates: readonly Template[], folderId: string | null): string {
  return recordsFragment(ctx, runtime, 'parts/new-record-form', {
    folderId, templates: templates.map((template) => ({ value: template.id, label: template.name })), value: templates[0]?.id ?? '',
  });
}
