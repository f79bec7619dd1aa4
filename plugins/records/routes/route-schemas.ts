import { z } from 'zod';
import { listQueryFields } from '../../../core/plugin-api.ts';
import { recordSorts } from '../services/record-list-query.ts';

/** An opaque id in a path or body. */
export const objectId = z.string().min(1).max(64);
/** `/api/v1/t/:t/...` */
export const tenantParams = z.strictObject({ t: z.string().min(1).max(63) });
/** `/api/v1/t/:t/<things>/:id` */
export const idParams = z.strictObject({ t: z.string().min(1).max(63), id: objectId });
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z' });

/** The filters, sort and paging of GET .../records (API.md lists). */
export const recordListQuery = z.strictObject({
  folderId: objectId.optional(),
  templateId: objectId.optional(),
  status: z.enum(['draft', 'completed'], 'must be draft or completed').optional(),
  author: objectId.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(recordSorts, `must be one of ${recordSorts.join(', ')}`).default('updated'),
  ...listQueryFields,
});

/** A cursor of the record list: the sort key and id of the last row. */
export const recordCursor = z.strictObject({ k: z.union([z.number(), z.string()]), i: z.string() });
