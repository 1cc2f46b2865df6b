import { after, test } from 'node:test';
import pg from 'pg';
import { createPostgresStorage, type StorageAdapter } from '../../storage/index.js';
import { runPersistenceContract } from '../testing/persistence-contract.js';

const url = process.env.TWINWORKS_TEST_POSTGRES_URL;

if (url === undefined) {
  test('twin graph persistence: postgres', { skip: 'set TWINWORKS_TEST_POSTGRES_URL to run' }, () => undefined);
} else {
  const schemas = new WeakMap<StorageAdapter, string>();
  const created: string[] = [];
  after(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const s of created) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    } finally {
      await client.end();
    }
  });
  const openSchema = async (schema: string) => {
    const s = createPostgresStorage({ url, schema });
    await s.open();
    schemas.set(s, schema);
    return s;
  };
  runPersistenceContract('postgres storage', {
    async open() {
      const schema = `tw_twins_${process.pid}_${Date.now() % 1_000_000}`;
      created.push(schema);
      return openSchema(schema);
    },
    async reopen(store) {
      const schema = schemas.get(store) as string;
      await store.close();
      return openSchema(schema);
    },
  });
}
