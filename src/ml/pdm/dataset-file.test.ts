import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from './dataset.js';
import { loadDataset, saveDataset } from './dataset-file.js';
import { PdmErrors } from './errors.js';
import { FEATURE_COUNT, FEATURE_NAMES } from './features/catalogue.js';

test('a saved dataset loads back identical, NaN features included; other layouts are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-ds-'));
  try {
    const x = new Float64Array(2 * FEATURE_COUNT).map((_, i) => (i % 7 === 0 ? Number.NaN : i / 3));
    const ds: Dataset = {
      featureNames: FEATURE_NAMES, anomalyFeatures: false, rows: 2, x, machines: [{ deviceId: 'L1-CNC', type: 'cnc', lineId: 'L1' }],
      machine: Int32Array.of(0, 0), time: Float64Array.of(1_767_225_600_000, 1_767_229_200_000), inFailure: Uint8Array.of(0, 1),
      window: { from: 1_767_225_600_000, to: 1_767_232_800_000 }, labelsUntil: 1_767_837_600_000,
      failures: [{ deviceId: 'L1-CNC', mode: 'bearingWear', time: 1_767_300_000_000, end: 1_767_310_000_000 }],
    };
    const file = join(dir, 'ds.json');
    saveDataset(file, ds);
    const back = loadDataset(file);
    assert.deepEqual(back, ds); // deepEqual treats NaN as equal to NaN (Object.is)
    assert.ok(Number.isNaN(back.x[0]!) && back.x[1] === 1 / 3);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { featureNames: string[] };
    writeFileSync(file, JSON.stringify({ ...doc, featureNames: doc.featureNames.slice(1) }));
    assert.throws(() => loadDataset(file), (e) => PdmErrors.is(e, 'bad_data'));
    writeFileSync(file, JSON.stringify({ format: 'something else' }));
    assert.throws(() => loadDataset(file), (e) => PdmErrors.is(e, 'bad_data'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
