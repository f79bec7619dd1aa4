import { QueryTypes } from 'sequelize';
import { timeValue, type Database } from '../../../core/plugin-api.ts';
import type { RecordStatus } from './record-store.ts';

/** How a list is sorted: newest change first (default), newest made first, or by title. */
export const recordSorts = ['updated', 'created', 'title'] as const;
export type RecordSort = (typeof recordSorts)[number];

/** What a list asks for; every filter is optional. `folderId: null` means records at the top, outside any folder. */
export interface RecordListFilter {
  folderId?: string | null;
  templateId?: string;
  status?: RecordStatus;
  ownerId?: string;
  /** Made at or after / before (epoch ms). */
  from?: number;
  to?: number;
  /** Text in the title or a text field, any case. */
  q?: string;
  sort: RecordSort;
}

/**
 * Which records of the tenant the caller may see: all (admins, managers, or someone whose grant covers
 * the listed folder), or those they own, those under the granted folders and those shared one by one.
 */
export type RecordVisibility = { all: true } | { all: false; ownerId: string | null; folderIds: readonly string[]; recordIds: readonly string[] };

/** One row of a list: what a list shows, without the record's data. */
export interface RecordSummary {
  id: string;
  folderId: string | null;
  templateId: string;
  templateVersion: number;
  title: string;
  status: RecordStatus;
  score: number | null;
  revision: number;
  ownerId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Where the next page starts: the sort key and id of the last row. */
export interface RecordListPosition { k: number | string; i: string }

interface SummaryRow { id: string; folder_id: string | null; template_id: string; template_version: unknown; title: string; status: string; score: unknown; revision: unknown; owner_id: string | null; created_at: unknown; updated_at: unknown; sort_key: unknown }

const sortColumns: Record<RecordSort, { expression: string; direction: 'ASC' | 'DESC' }> = {
  updated: { expression: 'updated_at', direction: 'DESC' },
  created: { expression: 'created_at', direction: 'DESC' },
  title: { expression: 'LOWER(title)', direction: 'ASC' },
};

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Lists a tenant's records a page at a time with keyset pagination (no OFFSET, no COUNT): each page is
 * one indexed range scan from where the last one ended, however deep in a million records it is.
 */
export async function listRecords(db: Database, tenantId: string, filter: RecordListFilter, visibility: RecordVisibility, page: { limit: number; after: RecordListPosition | null }): Promise<{ items: RecordSummary[]; next: RecordListPosition | null }> {
  const bind: unknown[] = [tenantId];
  const param = (value: unknown): string => `$${bind.push(value)}`;
  const where = ['tenant_id = $1'];
  if (filter.folderId === null) where.push('folder_id IS NULL');
  else if (filter.folderId !== undefined) where.push(`folder_id = ${param(filter.folderId)}`);
  if (filter.templateId) where.push(`template_id = ${param(filter.templateId)}`);
  if (filter.status) where.push(`status = ${param(filter.status)}`);
  if (filter.ownerId) where.push(`owner_id = ${param(filter.ownerId)}`);
  if (filter.from !== undefined) where.push(`created_at >= ${param(filter.from)}`);
  if (filter.to !== undefined) where.push(`created_at < ${param(filter.to)}`);
  if (filter.q) where.push(`search_text LIKE ${param(likePattern(filter.q))} ESCAPE '\\'`);
  if (!visibility.all) {
    const reach: string[] = [];
    if (visibility.ownerId) reach.push(`owner_id = ${param(visibility.ownerId)}`);
    if (visibility.folderIds.length > 0) reach.push(`folder_id IN (${visibility.folderIds.map(param).join(', ')})`);
    if (visibility.recordIds.length > 0) reach.push(`id IN (${visibility.recordIds.map(param).join(', ')})`);
    if (reach.length === 0) return { items: [], next: null };
    where.push(`(${reach.join(' OR ')})`);
  }
  const sort = sortColumns[filter.sort];
  if (page.after) {
    const beyond = sort.direction === 'DESC' ? '<' : '>';
    const key = param(page.after.k);
    where.push(`(${sort.expression} ${beyond} ${key} OR (${sort.expression} = ${key} AND id ${beyond} ${param(page.after.i)}))`);
  }
  const sql = `SELECT id, folder_id, template_id, template_version, title, status, score, revision, owner_id, created_at, updated_at, ${sort.expression} AS sort_key
    FROM records_records WHERE ${where.join(' AND ')} ORDER BY ${sort.expression} ${sort.direction}, id ${sort.direction} LIMIT ${param(page.limit + 1)}`;
  const rows = await db.sequelize.query<SummaryRow>(sql, { bind, type: QueryTypes.SELECT });
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      id: row.id, folderId: row.folder_id, templateId: row.template_id, templateVersion: Number(row.template_version), title: row.title, status: row.status as RecordStatus,
      score: row.score === null ? null : Number(row.score), revision: Number(row.revision), ownerId: row.owner_id, createdAt: timeValue(row.created_at)!, updatedAt: timeValue(row.updated_at)!,
    })),
    next: more && last ? { k: typeof last.sort_key === 'string' ? last.sort_key : Number(last.sort_key), i: last.id } : null,
  };
}
