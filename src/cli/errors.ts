import { defineErrors } from '../shared/errors.js';

export const CliErrors = defineErrors('cli', {
  usage: { kind: 'invalid', title: 'The command line is not valid' },
});
