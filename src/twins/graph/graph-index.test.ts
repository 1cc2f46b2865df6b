import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TwinDocument } from '../../query/index.js';
import { GraphIndex } from './graph-index.js';

const twin = (id: string, model: string, props: Record<string, unknown>): TwinDocument =>
  ({ $dtId: id, $etag: 'W/"x"', $metadata: { $model: model }, ...props }) as unknown as TwinDocument;

test('replacing a twin keeps the by-model sets and property indexes exact', () => {
  const index = new GraphIndex({ descendants: (m) => [m], indexedProperties: [['state'], ['spindle', 'rpm']] });
  index.putTwin(twin('a', 'm:A', { state: 'running', spindle: { rpm: 10 } }));
  index.putTwin(twin('b', 'm:A', { state: 'running' }));
  index.putTwin(twin('c', 'm:B', { state: 'idle' }));
  const ids = (path: string[], v: string | number) => [...(index.findByProperty(path, v) ?? [])].sort();

  // A patch that changes nothing indexed.
  index.putTwin(twin('a', 'm:A', { state: 'running', spindle: { rpm: 10 }, speed: 2 }));
  assert.deepEqual(ids(['state'], 'running'), ['a', 'b']);
  assert.deepEqual(ids(['spindle', 'rpm'], 10), ['a']);
  // Insertion order of the model's set is kept (a is still first).
  assert.deepEqual([...index.twinsOfModels(['m:A'])], ['a', 'b']);

  // Changed values move; a value that disappears leaves its index.
  index.putTwin(twin('a', 'm:A', { state: 'idle' }));
  assert.deepEqual(ids(['state'], 'running'), ['b']);
  assert.deepEqual(ids(['state'], 'idle'), ['a', 'c']);
  assert.deepEqual(ids(['spindle', 'rpm'], 10), []);

  // A model change moves the twin between the model sets.
  index.putTwin(twin('b', 'm:B', { state: 'running' }));
  assert.equal(index.countByModel(['m:A']), 1);
  assert.deepEqual([...index.twinsOfModels(['m:B'])].sort(), ['b', 'c']);
  index.putTwin(twin('a', 'm:B', { state: 'idle' }));
  assert.equal(index.countByModel(['m:A']), 0);
  assert.equal(index.countByModel(['m:B']), 3);

  index.removeTwin('c');
  assert.deepEqual(ids(['state'], 'idle'), ['a']);
  assert.equal(index.countByModel(['m:B']), 2);
});
