import { createInProcessBus } from '../inprocess/bus.js';
import { runBusContract } from '../testing/contract.js';

const silent = { warn: () => {}, error: () => {} };

runBusContract('inprocess', {
  open: async () => createInProcessBus({ logger: silent }),
  survivesRestart: false,
});
