/**
 * Flag parsing for the ml subcommands: `--name value`, `--name=value` and boolean `--name`.
 * Unknown flags, missing values and malformed numbers are user mistakes → ml.* errors with the
 * allowed names in the details, so the CLI can print a precise message.
 */
import { existsSync } from 'node:fs';
import { MlErrors } from './errors.js';

export type FlagKind = 'string' | 'number' | 'boolean' | 'list';
export type FlagSpec = Readonly<Record<string, { readonly kind: FlagKind; readonly required?: boolean }>>;

type ValueOf<K extends FlagKind> = K extends 'number' ? number : K extends 'boolean' ? boolean : K extends 'list' ? string[] : string;
export type Flags<S extends FlagSpec> = { -readonly [N in keyof S]?: ValueOf<S[N]['kind']> };

export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S, command: string): Flags<S> {
  const out: Record<string, unknown> = {};
  const allowed = Object.keys(spec).map((n) => `--${n}`);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (!arg.startsWith('--')) {
      throw MlErrors.create('bad_flag_value', `${command}: unexpected argument "${arg}"`, { command, argument: arg, allowed });
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = spec[name];
    if (def === undefined) throw MlErrors.create('unknown_flag', `${command}: unknown flag --${name} (allowed: ${allowed.join(', ')})`, { command, flag: name, allowed });
    if (def.kind === 'boolean') {
      out[name] = eq < 0 ? true : !['false', '0', 'no'].includes(arg.slice(eq + 1));
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++k];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) {
      throw MlErrors.create('bad_flag_value', `${command}: --${name} needs a value`, { command, flag: name });
    }
    if (def.kind === 'number') {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw MlErrors.create('bad_flag_value', `${command}: --${name} must be a number, got "${raw}"`, { command, flag: name, value: raw });
      out[name] = v;
    } else if (def.kind === 'list') {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      out[name] = [...((out[name] as string[] | undefined) ?? []), ...items];
    } else out[name] = raw;
  }
  for (const [name, def] of Object.entries(spec)) {
    if (def.required && out[name] === undefined) throw MlErrors.create('missing_flag', `${command}: --${name} is required`, { command, flag: name });
  }
  return out as Flags<S>;
}

/** Throws ml.file_not_found naming the flag when the path does not exist. */
export function requireFile(path: string, flag: string): string {
  if (!existsSync(path)) throw MlErrors.create('file_not_found', `--${flag}: no such file or directory: ${path}`, { flag, path });
  return path;
}

/** Minimal output sink of a CLI command (structurally the CLI's CliIO). */
export interface SubcommandIO {
  stdout(line: string): void;
}

/**
 * `twinworks ml <command> <sub> …`: runs the handler named by the first argument; no argument prints
 * the usage and fails (2), `help`/`--help` prints it and succeeds; anything else is ml.unknown_subcommand.
 */
export async function runSubcommand<IO extends SubcommandIO>(
  command: string,
  usage: string,
  handlers: Readonly<Record<string, (argv: readonly string[], io: IO) => Promise<number>>>,
  argv: readonly string[],
  io: IO,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.stdout(usage);
    return sub === undefined ? 2 : 0;
  }
  const handler = Object.hasOwn(handlers, sub) ? handlers[sub] : undefined;
  if (!handler) {
    const allowed = Object.keys(handlers);
    const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    throw MlErrors.create('unknown_subcommand', `${command}: unknown subcommand "${sub}" (use ${choices})`, { subcommand: sub, allowed });
  }
  return handler(rest, io);
}
