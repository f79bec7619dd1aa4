// The public plugin API: the one module first- and third-party plugins import from core.
export { definePlugin, pluginPermissions } from './kernel/plugin-definition.ts';
export type {
  PluginDefinition, PluginRegistrar, PluginRuntime, PluginPermission, ObjectTypeDefinition, CliRuntime, CliCommandDefiner,
} from './kernel/plugin-definition.ts';
export { publicAccess } from './kernel/route-declaration.ts';
export type { RouteDeclaration, RoutePolicy, HttpMethod, ValidatedInput } from './kernel/route-declaration.ts';
export type { JobDeclaration } from './kernel/job-declaration.ts';
export type { HookMap, HookName, HookHandler } from './kernel/hook-map.ts';
export type { ServiceMap, ServiceName } from './kernel/service-map.ts';
export { AppError, badRequest, unauthorized, forbidden, notFound, conflict, unprocessable } from './http/app-error.ts';
