/** A plugin that cannot be loaded or started; start-up stops with its name and the reason. */
export class PluginLoadError extends Error {
  readonly plugin: string;

  constructor(plugin: string, reason: string, options?: { cause?: unknown }) {
    super(`Plugin "${plugin}" cannot be loaded: ${reason.replace(/\.$/, '')}.`, options);
    this.name = 'PluginLoadError';
    this.plugin = plugin;
  }
}
