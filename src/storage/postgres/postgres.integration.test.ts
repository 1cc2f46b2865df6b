import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { runStorageContract } from '../testing/contract.js';
import { runAndKill, verifyAfterCrash } from '../testing/crash-shared.js';
import { rejectsWith } from '../testing/helpers.js';
import { PostgresStorage } from './postgres.js';

const url = process.env.TWINWORKS_TEST_POSTGRES_URL;
const skip = url === undefined ? 'set TWINWORKS_TEST_POSTGRES_URL to run' : false;

// Every store gets its own schema, named after this process so parallel runs do not collide.
const schemas: string[] = [];
let n = 0;
function freshSchema(): string {
  const schema = `tw_test_${process.pid}_${Date.now() % 1_000_000}_${n++}`;
  schemas.push(schema);
  return schema;
}

async function dropSchemas(): Promise<void> {
  if (url === undefined || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function openStore(schema: string): Promise<PostgresStorage> {
  const storage = new PostgresStorage({ url: url as string, schema, maxConnections: 4 });
  await storage.open();
  return storage;
}

if (url === undefined) {
  test('storage contract: postgres', { skip }, () => undefined);
} else {
  runStorageContract('postgres', {
    migrations: [1, 2, 3, 4],
    async create() {
      const schema = freshSchema();
      return { storage: await openStore(schema), reopen: () => openStore(schema) };
    },
    teardown: dropSchemas,
  });
}

describe('postgres specifics', { skip }, () => {
  after(dropSchemas);

  test('replicas starting together on a fresh schema migrate it exactly once', async () => {
    const schema = freshSchema();
    const replicas = Array.from({ length: 4 }, () => new PostgresStorage({ url: url as string, schema, maxConnections: 2 }));
    await Promise.all(replicas.map((r) => r.open()));
    try {
      for (const r of replicas) assert.deepEqual(await r.appliedMigrations(), [1, 2, 3, 4]);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const rows = (await client.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`)).rows;
      const indexes = (await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'points'`, [schema])).rows;
      await client.end();
      assert.equal(rows.length, 4);
      // No TimescaleDB on the CI server: the plain table with its (series, time) index, and the reason recorded.
      assert.equal(rows[1].name, 'time-series points (plain table: the timescaledb extension is not installed on the server)');
      assert.deepEqual(indexes.map((r) => r.indexname), ['points_series_time']);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  test('writers in two replicas racing on one document: exactly one wins', async () => {
    const schema = freshSchema();
    const a = await openStore(schema);
    const b = await openStore(schema);
    try {
      await a.write([{ op: 'put', collection: 'twins', id: 't', body: 0 }]);
      const racers = [a, b, a, b, a, b].map((s, i) => s.write([{ op: 'put', collection: 'twins', id: 't', body: i, expectVersion: 1 }]));
      const settled = await Promise.allSettled(racers);
      assert.equal(settled.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await b.get('twins', 't'))?.version, 2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('an unreachable server is storage.unavailable with the password redacted', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await rejectsWith(new PostgresStorage({ url: `postgres://app:hunter2@127.0.0.1:${port}/x` }).open(), 'storage.unavailable');
    assert.ok(!err.message.includes('hunter2'));
    assert.match(String(err.details.target), /app:\*\*\*@127\.0\.0\.1/);
  });

  test('a schema migrated by a newer build is refused with storage.migration_failed', async () => {
    const schema = freshSchema();
    await (await openStore(schema)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (42, 'from the future')`);
    await client.end();
    const err = await rejectsWith(openStore(schema), 'storage.migration_failed');
    assert.equal(err.details.version, 42);
  });

  test('a schema name that is not a plain identifier is rejected', () => {
    assert.throws(() => new PostgresStorage({ url: url as string, schema: 'x"; DROP TABLE y; --' }), { code: 'storage.invalid_input' });
  });

  test('acknowledged writes survive a SIGKILLed writer process', async () => {
    const schema = freshSchema();
    // Migrate first so the child does not race the test's own open.
    await (await openStore(schema)).close();
    const run = await runAndKill(['postgres', url as string, schema], 60);
    const s = await openStore(schema);
    try {
      const found = await verifyAfterCrash(s, run);
      assert.ok(found.docs >= 60);
    } finally {
      await s.close();
    }
  });
});
