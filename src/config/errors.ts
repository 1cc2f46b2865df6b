import { defineErrors } from '../shared/errors.js';

export const ConfigErrors = defineErrors('config', {
  invalid_value: { kind: 'invalid', title: 'A configuration value is not allowed' },
  unknown_key: { kind: 'invalid', title: 'A configuration key is not known' },
  unreadable_file: { kind: 'invalid', title: 'The configuration file cannot be read or parsed' },
  unknown_flag: { kind: 'invalid', title: 'A command-line flag is not known' },
});
