import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigErrors } from './errors.js';
import { SETTINGS, SETTING_KEYS, type ConfigSource, type PlatformConfig, type SettingKey } from './schema.js';
import { parseFlags, type FlagSpec } from './flags.js';

export interface LoadedConfig {
  readonly config: PlatformConfig;
  /** Where each value came from, for startup logs and error messages. */
  readonly sources: Readonly<Record<SettingKey, ConfigSource>>;
  readonly positionals: readonly string[];
}

export const START_FLAGS: readonly FlagSpec[] = [
  // Switches (settings whose default is a boolean) take `--name` / `--no-name`.
  ...SETTING_KEYS.map((k) => ({ name: SETTINGS[k].flag, boolean: typeof SETTINGS[k].default === 'boolean' })),
  { name: 'config' },
];

/**
 * Merges defaults < config file < TWINWORKS_* environment < flags (later wins) and validates
 * every value. A bad value throws config.invalid_value naming the key, the value, where it came
 * from and what is allowed.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  const flags = parseFlags(argv, START_FLAGS);
  const raw: Partial<Record<SettingKey, unknown>> = {};
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<SettingKey, ConfigSource>;

  const file = (flags.values['config'] as string | undefined) ?? env['TWINWORKS_CONFIG'];
  if (file !== undefined) {
    for (const [key, value] of Object.entries(readConfigFile(file))) {
      if (!(key in SETTINGS)) {
        throw ConfigErrors.create('unknown_key', `unknown key '${key}' in ${file}; allowed keys: ${SETTING_KEYS.join(', ')}`, { key, file });
      }
      raw[key as SettingKey] = value;
      sources[key as SettingKey] = 'file';
    }
  }
  for (const key of SETTING_KEYS) {
    const value = env[SETTINGS[key].env];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      sources[key] = 'env';
    }
  }
  for (const key of SETTING_KEYS) {
    const value = flags.values[SETTINGS[key].flag];
    if (value !== undefined) {
      raw[key] = value;
      sources[key] = 'flag';
    }
  }

  const config = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) {
    const setting = SETTINGS[key];
    const value = raw[key] ?? setting.default;
    if (value === undefined) {
      config[key] = undefined;
      continue;
    }
    const result = setting.schema.safeParse(value);
    if (!result.success) {
      throw ConfigErrors.create(
        'invalid_value',
        `invalid value for ${key} (${describeSource(key, sources[key])}): ${JSON.stringify(value)}; allowed: ${setting.allowed}`,
        { key, value, source: sources[key], allowed: setting.allowed },
      );
    }
    config[key] = result.data;
  }
  if ((config['tlsCert'] === undefined) !== (config['tlsKey'] === undefined)) {
    throw ConfigErrors.create('invalid_value', 'tlsCert and tlsKey go together: give both --tls-cert and --tls-key, or neither', { key: 'tlsCert' });
  }
  return { config: config as PlatformConfig, sources, positionals: flags.positionals };
}

function describeSource(key: SettingKey, source: ConfigSource): string {
  switch (source) {
    case 'flag':
      return `flag --${SETTINGS[key].flag}`;
    case 'env':
      return `environment variable ${SETTINGS[key].env}`;
    case 'file':
      return `config file key '${key}'`;
    case 'default':
      return 'default';
    default: {
      const never: never = source;
      return never;
    }
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw ConfigErrors.create('unreadable_file', `cannot read config file ${file}: ${(err as Error).message}`, { file }, err);
  }
  let parsed: unknown;
  try {
    parsed = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw ConfigErrors.create('unreadable_file', `config file ${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { file }, err);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw ConfigErrors.create('unreadable_file', `config file ${file} must hold an object of settings`, { file });
  }
  return parsed as Record<string, unknown>;
}

/** `--help` text for `twinworks start`, generated from the settings table. */
export function startHelp(): string {
  const lines = ['Usage: twinworks start [flags]', '', 'Flags (also TWINWORKS_* environment variables and --config FILE keys; flags win):'];
  for (const key of SETTING_KEYS) {
    const s = SETTINGS[key];
    const flag = typeof s.default === 'boolean' ? `--no-${s.flag}` : `--${s.flag} ${s.allowed.includes('port') || s.allowed.startsWith('an integer') ? 'N' : 'VALUE'}`;
    const def = s.default === undefined ? '' : ` (default ${String(s.default)})`;
    lines.push(`  ${flag.padEnd(28)} ${s.help}${def}  [${s.env}, file key ${key}]`);
  }
  lines.push(`  ${'--config FILE'.padEnd(28)} JSON or YAML file of settings  [TWINWORKS_CONFIG]`);
  return lines.join('\n');
}
