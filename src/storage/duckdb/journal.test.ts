/**
 * The journal + overlay + compaction design (journal.ts) checked against the memory adapter as the
 * model: the same random puts, deletes and conflicting writes go to both, with compaction forced
 * often, and every read (get, getMany, list pages with prefixes, scan, count) must agree, also while
 * a compaction runs and after a reopen.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CollectionName } from '../collections.js';
import { MemoryStorage } from '../memory/memory.js';
import type { StorageAdapter, StoredDocument, WriteOp } from '../port.js';
import { DuckDbStorage } from './duckdb.js';
import { applyDuckDbMigrations, DUCKDB_MIGRATIONS } from './migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-journal-'));

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLLECTIONS: CollectionName[] = ['twins', 'relationships'];
const strip = (docs: readonly StoredDocument[]) => docs.map((d) => ({ id: d.id, version: d.version, body: d.body }));

async function readAll(s: StorageAdapter, c: CollectionName): Promise<unknown[]> {
  const out: StoredDocument[] = [];
  for await (const d of s.scan(c, 7)) out.push(d);
  return strip(out);
}

async function pages(s: StorageAdapter, c: CollectionName, prefix: string | undefined, limit: number): Promise<unknown[]> {
  const out: StoredDocument[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await s.list(c, { limit, ...(after === undefined ? {} : { after }), ...(prefix === undefined ? {} : { prefix }) });
    out.push(...page);
    if (page.length < limit) return strip(out);
    after = page[page.length - 1]?.id;
  }
}

async function assertSame(duck: StorageAdapter, model: StorageAdapter, random: () => number, where: string): Promise<void> {
  for (const c of COLLECTIONS) {
    assert.deepEqual(await readAll(duck, c), await readAll(model, c), `${where}: scan ${c}`);
    assert.equal(await duck.count(c), await model.count(c), `${where}: count ${c}`);
    const prefix = random() < 0.5 ? undefined : `d-${Math.floor(random() * 4)}`;
    assert.deepEqual(await pages(duck, c, prefix, 1 + Math.floor(random() * 9)), await pages(model, c, prefix, 50), `${where}: list ${c} ${prefix ?? ''}`);
    const ids = Array.from({ length: 6 }, () => `d-${Math.floor(random() * 60)}`);
    assert.deepEqual(strip(await duck.getMany(c, ids)), strip(await model.getMany(c, ids)), `${where}: getMany ${c}`);
    const one = ids[0] as string;
    assert.deepEqual(strip([await duck.get(c, one)].filter((d) => d !== undefined)), strip([await model.get(c, one)].filter((d) => d !== undefined)), `${where}: get ${c}/${one}`);
  }
}

/** A random batch; some carry expected versions that may not match (the whole batch then fails). */
function randomBatch(random: () => number, known: ReadonlyMap<string, number>): WriteOp[] {
  const ops: WriteOp[] = [];
  const n = 1 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const collection = COLLECTIONS[Math.floor(random() * COLLECTIONS.length)] as CollectionName;
    const id = `d-${Math.floor(random() * 60)}`;
    const r = random();
    const current = known.get(`${collection}/${id}`);
    const expectVersion = random() < 0.2 ? (random() < 0.5 ? 'absent' : Math.floor(random() * 4)) : random() < 0.3 ? current : undefined;
    if (r < 0.25) ops.push({ op: 'delete', collection, id, ...(typeof expectVersion === 'number' ? { expectVersion } : {}) });
    else ops.push({ op: 'put', collection, id, body: { n: Math.floor(random() * 1000), tag: `t${i}` }, ...(expectVersion === undefined ? {} : { expectVersion }) });
  }
  return ops;
}

test('journalled writes with frequent compaction read exactly like the memory model, also across a reopen', async () => {
  const file = join(dir, 'model.duckdb');
  const errors: Error[] = [];
  const options = { file, compactionMinEntries: 5, onBackgroundError: (e: Error) => errors.push(e) };
  let duck = new DuckDbStorage(options);
  const model = new MemoryStorage();
  await Promise.all([duck.open(), model.open()]);
  const random = rng(7);
  const known = new Map<string, number>();
  const settle = async (s: StorageAdapter, ops: WriteOp[]) => {
    try {
      const results = await s.write(ops);
      return { ok: results.map((r) => [r.collection, r.id, r.version, r.deleted]) };
    } catch (err) {
      return { error: (err as { code?: string }).code };
    }
  };
  for (let round = 0; round < 40; round++) {
    // Several batches in flight at once: the DuckDB writer groups them into one journal append.
    const batches = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomBatch(random, known));
    const duckResults = await Promise.all(batches.map((b) => settle(duck, b)));
    const modelResults: unknown[] = [];
    for (const b of batches) modelResults.push(await settle(model, b));
    assert.deepEqual(duckResults, modelResults, `round ${round}: write results`);
    for (const c of COLLECTIONS) for (const d of await model.list(c, { limit: 1000 })) known.set(`${c}/${d.id}`, d.version);
    if (round % 5 === 4) await assertSame(duck, model, random, `round ${round}`);
    if (round === 20) {
      await duck.close();
      duck = new DuckDbStorage(options);
      await duck.open();
      // Scanning first primes the version maps from the scan (duckdb.ts); the writes after it rely on them.
      await assertSame(duck, model, random, 'after reopen');
    }
  }
  assert.deepEqual(errors, []);
  assert.ok(duck.compactions() > 0, 'compaction ran');
  await assertSame(duck, model, random, 'end');
  await duck.close();
});

test('reads running while compactions commit never see a document go missing or step back', async () => {
  const errors: Error[] = [];
  const duck = new DuckDbStorage({ file: join(dir, 'concurrent.duckdb'), compactionMinEntries: 20, onBackgroundError: (e) => errors.push(e) });
  await duck.open();
  const ids = Array.from({ length: 40 }, (_, i) => `d-${String(i).padStart(2, '0')}`);
  await duck.write(ids.map((id) => ({ op: 'put', collection: 'twins', id, body: { n: 0 } })));
  let writing = true;
  const writer = (async () => {
    for (let n = 1; n <= 60; n++) await duck.write(ids.map((id) => ({ op: 'put', collection: 'twins', id, body: { n } })));
    writing = false;
  })();
  let lastN = 0;
  let reads = 0;
  while (writing) {
    const [page, count, one] = await Promise.all([duck.list('twins', { limit: 100 }), duck.count('twins'), duck.get('twins', 'd-17')]);
    assert.equal(page.length, 40, 'list sees every document');
    assert.equal(count, 40, 'count sees every document');
    const n = (one?.body as { n: number }).n;
    assert.ok(n >= lastN, `get went back from ${lastN} to ${n}`);
    lastN = n;
    reads++;
  }
  await writer;
  assert.deepEqual(errors, []);
  assert.ok(duck.compactions() >= 2, `compactions: ${duck.compactions()}`);
  assert.ok(reads > 3, `reads: ${reads}`);
  assert.equal(((await duck.get('twins', 'd-39'))?.body as { n: number }).n, 60);
  await duck.close();
});

test('migration 5 keeps the documents of a file written before it, and drops the key index', async () => {
  const file = join(dir, 'v4.duckdb');
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await applyDuckDbMigrations(conn, file, DUCKDB_MIGRATIONS.filter((m) => m.version <= 4));
  await conn.run(`INSERT INTO twins VALUES ('b', 3, '{"x":2}', now()), ('a', 1, '{"x":1}', now())`);
  conn.closeSync();
  instance.closeSync();
  const s = new DuckDbStorage({ file });
  await s.open();
  assert.deepEqual(await s.appliedMigrations(), [1, 2, 3, 4, 5]);
  assert.deepEqual(strip(await s.list('twins')), [
    { id: 'a', version: 1, body: { x: 1 } },
    { id: 'b', version: 3, body: { x: 2 } },
  ]);
  const [r] = await s.write([{ op: 'put', collection: 'twins', id: 'b', body: { x: 3 }, expectVersion: 3 }]);
  assert.equal(r?.version, 4);
  await s.close();
  const check = await DuckDBInstance.create(file);
  const c2 = await check.connect();
  const indexes = (await c2.runAndReadAll(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'twins' AND constraint_type = 'PRIMARY KEY'`)).getRows();
  assert.equal(Number(indexes[0]?.[0]), 0);
  c2.closeSync();
  check.closeSync();
});
