export { loadConfig, type LoadConfigOptions } from './load-config.ts';
export { ConfigError } from './config-error.ts';
export { configSchema, type KirjuriConfig, type ConfigOverrides } from './config-schema.ts';
export { environmentBindings } from './environment-overrides.ts';
