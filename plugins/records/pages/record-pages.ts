import type { PluginRuntime, RouteDeclaration } from '../../../core/plugin-api.ts';
import { recordActionPages } from './record-action-pages.ts';
import { recordFormPages } from './record-form-page.ts';
import { recordHistoryPages } from './record-history-pages.ts';
import { recordListPage } from './record-list-page.ts';
import { recordPage } from './record-page.ts';

/** The web pages of records (lists, the record form, the record, its history and journal). */
export function recordPages(): Array<RouteDeclaration<unknown, unknown, unknown, PluginRuntime>> {
  // The form's /records/new before /records/:id, which would otherwise take "new" for an id.
  return [recordListPage(), ...recordFormPages(), recordPage(), ...recordActionPages(), ...recordHistoryPages()];
}
