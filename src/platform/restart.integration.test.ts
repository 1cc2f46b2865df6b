import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from 'nats';
import { killAndRestartScenario } from './testing/restart-scenario.js';

const PG = process.env['TWINWORKS_TEST_POSTGRES_URL'];
const NATS = process.env['TWINWORKS_TEST_NATS_URL'];

test(
  'scale-out adapters (PostgreSQL + NATS JetStream): acknowledged writes survive SIGKILL and a restart',
  { timeout: 180_000, skip: !PG || !NATS ? 'set TWINWORKS_TEST_POSTGRES_URL and TWINWORKS_TEST_NATS_URL to run' : false },
  async () => {
    const suffix = randomBytes(4).toString('hex');
    const schema = `tw_restart_${suffix}`;
    const stream = `TW_RESTART_${suffix.toUpperCase()}`;
    try {
      await killAndRestartScenario(['--database', `${PG}?schema=${schema}`, '--bus', `${NATS}?stream=${stream}&prefix=twr${suffix}`]);
    } finally {
      const client = new pg.Client({ connectionString: PG });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      const nc = await connect({ servers: NATS! });
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  },
);
