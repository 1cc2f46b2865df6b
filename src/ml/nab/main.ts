/**
 * Stand-alone entry for `twinworks ml nab` until the CLI wiring lands:
 *   npx tsx src/ml/nab/main.ts --data ../shared/datasets/nab --out /tmp/nab-results
 */
import { TwinworksError } from '../../shared/errors.js';
import { nabCommand } from './command.js';

const io = { stdout: (l: string) => console.log(l), stderr: (l: string) => console.error(l), env: process.env };
try {
  process.exitCode = await nabCommand.run(process.argv.slice(2), io);
} catch (err) {
  if (err instanceof TwinworksError) {
    io.stderr(`${err.code}: ${err.message}`);
    process.exitCode = 2;
  } else throw err;
}
