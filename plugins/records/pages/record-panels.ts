// The records plugin's panels on core's pages: the records in a folder (and a new-record form for those
// who may add one) on its page, and the caller's recent records on the tenant's home.
import { encodeCursor, levelAtLeast, type PagePanel } from '../../../core/plugin-api.ts';
import type { RecordsApi } from '../services/records-api.ts';
import { newRecordFormHtml, recordListHtml, tenantTemplates } from './record-summaries.ts';
import { recordsBase, recordsFragment } from './page-support.ts';

/** How many records a folder's panel shows before "More". */
const folderPanelSize = 20;
/** How many recent records the home page shows. */
const recentCount = 10;

/** The panel on a folder's page: its records, newest change first, and a "More" link to the rest on the list page. */
export function folderRecordsPanel(records: RecordsApi): PagePanel<'folder.page'> {
  return {
    order: 10,
    async render(ctx, { folder }) {
      const { runtime } = records;
      const page = await records.parts.reader.list(ctx, { folderId: folder.id, sort: 'updated' }, { limit: folderPanelSize, after: null });
      const templates = await tenantTemplates(ctx, runtime);
      const more = page.next && `${recordsBase(ctx)}?${new URLSearchParams({ folderId: folder.id, cursor: encodeCursor({ ...page.next }) })}`;
      return recordsFragment(ctx, runtime, 'folder-panel', {
        folderName: folder.name, moreHref: more,
        list: recordListHtml(ctx, runtime, page.items, templates, 'No records in this folder yet.'),
        newRecordForm: levelAtLeast(folder.access, 'edit') ? newRecordFormHtml(ctx, runtime, templates, folder.id) : null,
      });
    },
  };
}

/** The panel on the tenant's home: the records the caller may see that changed last. */
export function recentRecordsPanel(records: RecordsApi): PagePanel<'tenant.home'> {
  return {
    order: 10,
    async render(ctx) {
      const { runtime } = records;
      const page = await records.parts.reader.list(ctx, { sort: 'updated' }, { limit: recentCount, after: null });
      return recordsFragment(ctx, runtime, 'home-panel', {
        listHref: recordsBase(ctx),
        list: recordListHtml(ctx, runtime, page.items, await tenantTemplates(ctx, runtime), 'No records you can see yet.'),
      });
    },
  };
}
