/** Small helpers shared by the contract suite files. */
import assert from 'node:assert/strict';
import { TwinworksError } from '../../shared/errors.js';
import type { StorageAdapter, StoredDocument } from '../port.js';

export interface ContractStore {
  /** Opened and empty. */
  readonly storage: StorageAdapter;
  /**
   * Durable adapters only: after `storage` was closed, a new adapter on the same database, opened.
   * Its absence marks the adapter as not durable (the close/reopen tests are skipped).
   */
  readonly reopen?: () => Promise<StorageAdapter>;
}

export interface ContractTarget {
  create(): Promise<ContractStore>;
  /** Migration versions a fresh database must report; omitted for adapters without a schema. */
  readonly migrations?: readonly number[];
  /** Runs once after the suite (drop schemas, remove temp dirs). */
  teardown?(): Promise<void>;
}

/** Asserts a rejection with a TwinworksError of `code` (and, when given, exactly these details). */
export async function rejectsWith(promise: Promise<unknown>, code: string, details?: Record<string, unknown>): Promise<TwinworksError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TwinworksError, `expected ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (details !== undefined) assert.deepEqual(caught.details, details);
  return caught;
}

export function ids(docs: readonly StoredDocument[]): string[] {
  return docs.map((d) => d.id);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Puts `{ n: i }` under each id, one batch, create-only. */
export async function seed(s: StorageAdapter, idList: readonly string[]): Promise<void> {
  await s.write(idList.map((id, n) => ({ op: 'put', collection: 'twins', id, body: { n }, expectVersion: 'absent' as const })));
}

/** A body that exercises everything JSON can hold and the usual escaping traps. */
export const TRICKY_BODY = {
  text: 'quote " backslash \\ newline \n tab \t cr \r slash / done',
  unicode: 'Grüße, 工厂, Ελληνικά, emoji 😀🏭 and a ZWJ family 👩‍👩‍👧',
  control: '\u0001\u001f\u007f',
  escapesAsText: '\\u0000 is six characters here',
  numbers: [0, -0.5, 0.1, 0.2, 1e-7, 1.7976931348623157e308, 5e-324, 9007199254740991, -9007199254740991, 123456789.125],
  booleans: [true, false],
  nothing: null,
  emptyObject: {},
  emptyArray: [],
  emptyString: '',
  nested: { a: { b: { c: [1, [2, [3, { d: 'deep' }]]] } } },
  'key with spaces and "quotes"': 1,
  'ключ': 'значение',
  __proto__x: 'not a prototype',
};

/** About 1.2 MB of JSON: many small objects plus one long string. */
export function largeBody(): unknown {
  const rows = Array.from({ length: 8000 }, (_, i) => ({ i, name: `sensor-${i}`, ok: i % 3 === 0, v: i / 7, tags: ['a', 'é', String(i)] }));
  return { rows, blob: 'x😀'.repeat(100_000) };
}
