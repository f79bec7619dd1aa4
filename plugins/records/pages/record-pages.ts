import type { PluginRuntime, RouteDeclaration } from '../../../core/plugin-api.ts';

/** The web pages of records (lists, the record form, the record, its history and journal). */
export function recordPages(): Array<RouteDeclaration<unknown, unknown, unknown, PluginRuntime>> {
  return [];
}
