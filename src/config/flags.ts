import { ConfigErrors } from './errors.js';

/**
 * Minimal GNU-style flag reader shared by every subcommand: `--name value`, `--name=value`,
 * `--no-name` (boolean false) and bare `--name` for booleans. Unknown flags are an error that
 * names the flag and lists the known ones.
 */
export interface FlagSpec {
  readonly name: string;
  readonly boolean?: boolean;
}

export interface ParsedFlags {
  readonly values: Record<string, string | boolean>;
  readonly positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.boolean) {
      name = name.slice(3);
      spec = byName.get(name);
      if (inline !== undefined) throw ConfigErrors.create('invalid_value', `--no-${name} takes no value`, { flag: `--no-${name}` });
      inline = 'false';
    }
    if (!spec) {
      const known = specs.map((s) => `--${s.name}`).join(', ');
      throw ConfigErrors.create('unknown_flag', `unknown flag --${name}; known flags: ${known}`, { flag: `--${name}` });
    }
    if (spec.boolean) {
      values[name] = inline === undefined ? true : inline;
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw ConfigErrors.create('invalid_value', `flag --${name} needs a value`, { flag: `--${name}` });
      }
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  return { values, positionals };
}

/**
 * Takes a subcommand's own `--name value` flags out of argv, leaving the rest (the platform's
 * --data, --database…) for loadConfig. A named flag without a value is config.invalid_value.
 */
export function extractFlags(argv: readonly string[], names: readonly string[]): { values: Record<string, string>; remaining: string[] } {
  const values: Record<string, string> = {};
  const remaining: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m && names.includes(m[1] as string)) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw ConfigErrors.create('invalid_value', `flag --${m[1]} needs a value`, { flag: `--${m[1]}` });
      values[m[1] as string] = v;
    } else remaining.push(a);
  }
  return { values, remaining };
}
