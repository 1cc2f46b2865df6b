import { loadConfig, extractFlags } from '../config/index.js';
import { createAuthService, generatePassword } from '../auth/index.js';
import { chooseStorage } from '../platform/adapters.js';
import type { TwinworksError } from '../shared/errors.js';
import { CliErrors } from './errors.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage:
  twinworks users list [--data DIR | --database URL]
  twinworks users add NAME --role ROLE[,ROLE] [--password P] [--data DIR | --database URL]
  twinworks users passwd NAME [--password P] [--data DIR | --database URL]
Works on the store directly: for the embedded DuckDB store, stop the platform first.
Without --password a random password is generated and printed once.`;

/** Offline account administration (recovering admin access, scripted setup). */
export const usersCommand: CliCommand = {
  name: 'users',
  summary: 'list, add users or reset a password, directly in the store',
  usage: USAGE,
  async run(argv, io) {
    const [action, username, ...rest] = argv;
    const own = extractFlags(rest, ['role', 'password']);
    const { config } = loadConfig(own.remaining, io.env);
    const store = chooseStorage(config);
    await store.open();
    try {
      const auth = await createAuthService(store);
      switch (action) {
        case 'list':
          for (const u of await auth.users.list()) io.stdout(`${u.username}\t${u.roles.join(',')}${u.disabled ? '\tdisabled' : ''}`);
          return 0;
        case 'add': {
          if (!username || !own.values['role']) throw usage('users add needs NAME and --role');
          const password = own.values['password'] ?? generatePassword();
          await auth.users.create({ username, password, roles: own.values['role'].split(',') });
          io.stdout(own.values['password'] ? `created ${username}` : `created ${username} with password ${password}`);
          return 0;
        }
        case 'passwd': {
          if (!username) throw usage('users passwd needs NAME');
          const password = own.values['password'] ?? generatePassword();
          await auth.users.update(username, { password });
          io.stdout(own.values['password'] ? `password of ${username} changed` : `new password of ${username}: ${password}`);
          return 0;
        }
        default:
          throw usage(`unknown action '${action ?? ''}'`);
      }
    } finally {
      await store.close();
    }
  },
};

function usage(message: string): TwinworksError {
  return CliErrors.create('usage', `${message}\n${USAGE}`);
}

