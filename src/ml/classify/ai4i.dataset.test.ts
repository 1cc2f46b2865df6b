/** Checks on the real AI4I 2020 file; skipped unless TWINWORKS_DATASETS points at ../shared/datasets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../core/index.js';
import { fitEncoder } from './encoder.js';
import { binaryLabels, dropColumns, tableFromCsv } from './table.js';

const root = process.env.TWINWORKS_DATASETS;
const skip = root === undefined ? 'set TWINWORKS_DATASETS to run' : false;

test('AI4I: BOM stripped, 339 failures, UDI and Product ID detected as identifiers', { skip }, () => {
  const table = tableFromCsv(parseCsv(readFileSync(join(root!, 'ai4i2020', 'ai4i2020.csv'), 'utf8')));
  assert.equal(table.columns[0], 'UDI');
  assert.equal(table.rows.length, 10000);
  const { labels } = binaryLabels(table, 'Machine failure');
  assert.equal(labels.reduce((a, b) => a + b, 0), 339);
  const enc = fitEncoder(dropColumns(table, ['Machine failure', 'TWF', 'HDF', 'PWF', 'OSF', 'RNF']), { levelProducts: true });
  const dropped = enc.columns.filter((c) => c.kind === 'dropped').map((c) => c.name);
  assert.deepEqual(dropped, ['UDI', 'Product ID']);
  assert.deepEqual(enc.featureNames.slice(0, 3), ['Type=H', 'Type=L', 'Type=M']);
  // With per-level products: 3 one-hot + 5 numeric + 10 pairs × (product, difference) + 10 products × 3 types = 58;
  // strain (tool wear × torque) per type is one of them (its limit differs by type, UCI #601).
  assert.equal(enc.featureNames.length, 58);
  assert.ok(enc.featureNames.includes('Torque [Nm]*Tool wear [min]|Type=M'));
});
