/**
 * The named events plugins and core emit and listen to, with their payloads. Plugins that add events
 * extend this interface by declaration merging:
 *
 *   declare module '../../core/kernel/hook-map.ts' { interface HookMap { 'record.created': {...} } }
 */
export interface HookMap {
  /** Every plugin has bootstrapped; the server is about to listen. */
  'app.started': { at: Date };
  /** The app is closing; emitted before plugins are destroyed. */
  'app.stopping': { reason: string };
}

export type HookName = keyof HookMap;
export type HookHandler<K extends HookName> = (payload: HookMap[K]) => void | Promise<void>;
