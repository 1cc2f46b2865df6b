/**
 * The bus contract against a real NATS JetStream server. Each test gets its own stream and subject
 * prefix (from the namespace) and deletes the stream afterwards.
 */
import { connect } from 'nats';
import { runBusContract } from '../testing/contract.js';
import { createNatsBus } from './bus.js';

const url = process.env['TWINWORKS_TEST_NATS_URL'];
const silent = { warn: () => {}, error: () => {} };

runBusContract('nats', {
  skip: url ? undefined : 'set TWINWORKS_TEST_NATS_URL (e.g. nats://127.0.0.1:4222) to run',
  survivesRestart: true,
  open: (ns) => createNatsBus({ url: url as string, stream: `TWT_${ns}`, subjectPrefix: `twt.${ns}`, logger: silent, maxMessages: 100_000 }),
  cleanup: async (ns) => {
    const nc = await connect({ servers: url as string });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(`TWT_${ns}`).catch(() => false);
    } finally {
      await nc.close();
    }
  },
});
