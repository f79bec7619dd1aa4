import type { PluginRuntime, RouteDeclaration } from '../../../core/plugin-api.ts';
import { designerFieldRoutes } from './designer-field-routes.ts';
import { designerRoutes } from './designer-routes.ts';
import { structurePages } from './structure-pages.ts';
import { templateListRoutes } from './template-list-routes.ts';

/** The web pages of templates (list, library, designer, import and export) and folder structure templates. */
export function templatePages(): Array<RouteDeclaration<unknown, unknown, unknown, PluginRuntime>> {
  return [...templateListRoutes(), ...designerRoutes(), ...designerFieldRoutes(), ...structurePages()];
}
