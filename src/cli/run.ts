import { TwinworksError } from '../shared/errors.js';
import { PLATFORM_VERSION } from '../platform/index.js';
import type { CliCommand, CliIO } from './command.js';
import { startCommand } from './start.js';
import { usersCommand } from './users.js';
import { dtdlCommand } from './dtdl.js';
import { hubCommand } from './hub.js';
import { mlCommand } from '../ml/index.js';
import { simulateCommand } from '../sim/index.js';

/** Every subcommand; contexts contribute theirs through their index.ts. */
export const COMMANDS: readonly CliCommand[] = [startCommand, usersCommand, hubCommand, dtdlCommand, simulateCommand, mlCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `twinworks ${PLATFORM_VERSION}: self-hosted smart-factory digital twins`,
    '',
    'Usage: twinworks <command> [flags]   (every command takes --data DIR; --help for its flags)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'version'.padEnd(width)}print the version`,
  ].join('\n');
}

/** Runs one command line; returns the exit code. Never throws: user errors print as `code: message`. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(overview());
    return name === undefined ? 1 : 0;
  }
  if (name === 'version' || name === '--version') {
    io.stdout(PLATFORM_VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`twinworks: unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}, version`);
    return 2;
  }
  // A command with subcommands shows its own overview only for `--help` right after its name.
  const wantsHelp = command.subcommands ? rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h');
  if (wantsHelp) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof TwinworksError) {
      io.stderr(`twinworks ${name}: ${err.code}: ${err.message}`);
      return err.kind === 'invalid' ? 2 : 1;
    }
    io.stderr(`twinworks ${name}: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}

export const processIO: CliIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};
