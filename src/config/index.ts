export { loadConfig, startHelp, START_FLAGS, type LoadedConfig } from './load.js';
export { parseFlags, extractFlags, type FlagSpec, type ParsedFlags } from './flags.js';
export { SETTINGS, SETTING_KEYS, type PlatformConfig, type SettingKey, type ConfigSource } from './schema.js';
export { ConfigErrors } from './errors.js';
