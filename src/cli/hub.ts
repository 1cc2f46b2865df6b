import { hostname } from 'node:os';
import { loadConfig } from '../config/index.js';
import { createHubCommand } from '../hub/index.js';
import { chooseStorage } from '../platform/adapters.js';

/** `twinworks hub …`: works on the store directly, like `users` (stop an embedded platform first). */
export const hubCommand = createHubCommand({
  async openStore(argv, env) {
    const { config } = loadConfig(argv, env);
    const store = chooseStorage(config);
    await store.open();
    return { store, publicHost: config.publicHost ?? hostname() };
  },
});
