/**
 * The ml context's public face: model families and their CLI. Subcommands live with their models;
 * `twinworks ml <sub> …` dispatches here.
 */
import type { CliCommand } from '../cli/command.js';
import { CliErrors } from '../cli/errors.js';
import { nabCommand } from './nab/command.js';
import { rulCommand } from './rul/command.js';
import { classifyCommand } from './classify/command.js';
import { trainCommand, evaluateCommand } from './pdm/index.js';

/** Live predictive maintenance for the composition root (docs/ml-live.md §Wiring). */
export {
  startLivePdm, initialModelFrom, historySourceFrom, labelSourceFrom, warningSinkFrom, inferMachineInfo, ModelRegistry, LiveScorer, connectScorer,
  createPdmApiModule, trainFromHistory, PDM_ALERT_SOURCE,
  type LivePdm, type LivePdmDeps, type PointReader, type MachineList, type ExternalAlerts, type MachineInfo,
} from './pdm/index.js';

const SUBCOMMANDS: readonly CliCommand[] = [nabCommand, rulCommand, classifyCommand, trainCommand, evaluateCommand];

export const mlCommand: CliCommand = {
  name: 'ml',
  summary: 'anomaly detection (NAB), remaining useful life, failure classification',
  subcommands: true,
  usage: ['Usage: twinworks ml <subcommand> …', '', ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`), '', 'twinworks ml help <subcommand> for its flags.'].join('\n'),
  async run(argv, io) {
    // `twinworks ml <sub> --help` and `twinworks ml help <sub>` both show the subcommand's usage.
    const [first, ...others] = argv;
    if (first === 'help' && others.length === 0) {
      io.stdout(mlCommand.usage);
      return 0;
    }
    const [name, ...rest]: readonly string[] = first === 'help' && others[0] !== undefined ? [others[0], '--help'] : argv;
    const sub = SUBCOMMANDS.find((c) => c.name === name);
    if (!sub) throw CliErrors.create('usage', `unknown ml subcommand '${name ?? ''}'; choose one of ${SUBCOMMANDS.map((c) => c.name).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(sub.usage);
      return 0;
    }
    return sub.run(rest, io);
  },
};
