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
export { signedIn, instanceAdmin, tenantRole, publicFormAccess, authenticationOf, tenantAccessOf, type TenantAccess } from './identity/access-policies.ts';
export { requestActor, type RequestActor } from './identity/request-actor.ts';
export type { Authentication } from './identity/authenticator.ts';
export type { User } from './identity/user-store.ts';
export type { Tenant } from './tenants/tenant-store.ts';
export { tenantRoles, roleAtLeast, type TenantRole } from './tenants/roles.ts';
