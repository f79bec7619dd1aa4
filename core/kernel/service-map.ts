/**
 * Services by their `plugin.service` name. A plugin that provides a service declares its type here by
 * declaration merging, so that `services.get('records.templates')` is typed for every consumer:
 *
 *   declare module '../../core/kernel/service-map.ts' { interface ServiceMap { 'records.templates': TemplateService } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceMap {}

export type ServiceName = keyof ServiceMap & string;
