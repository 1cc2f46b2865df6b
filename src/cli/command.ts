/**
 * A `twinworks` subcommand. Contexts that offer commands (ml, sim, hub…) export one of these from
 * their index.ts; src/cli/main.ts lists them. `argv` excludes the command's own name.
 * Return the process exit code; throw TwinworksError for user mistakes (printed as `code: message`).
 */
export interface CliIO {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Printed for `twinworks <name> --help`. */
  readonly usage: string;
  /** The command has subcommands that answer `--help` themselves (`twinworks ml evaluate --help`). */
  readonly subcommands?: boolean;
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
