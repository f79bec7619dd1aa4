import type { PluginRuntime, RouteDeclaration } from '../../../core/plugin-api.ts';

/** The web pages of templates (list, library, designer, import and export) and folder structure templates. */
export function templatePages(): Array<RouteDeclaration<unknown, unknown, unknown, PluginRuntime>> {
  return [];
}
