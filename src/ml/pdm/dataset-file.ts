/**
 * A built training dataset on disk (`ml train --save-dataset` / `--dataset`): simulating and
 * replaying months of telemetry costs far more than training, so trying training settings should
 * not redo it. JSON with the typed arrays as base64 of their bytes (NaN features survive exactly).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Dataset } from './dataset.js';
import { PdmErrors } from './errors.js';
import { FEATURE_NAMES } from './features/catalogue.js';

const FORMAT = 'twinworks.pdm.dataset/1';

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function bytes(s: unknown, file: string, what: string): ArrayBuffer {
  if (typeof s !== 'string') throw PdmErrors.create('bad_data', `${file}: ${what} missing`, { file, what });
  const b = Buffer.from(s, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

export function saveDataset(file: string, ds: Dataset): void {
  writeFileSync(file, JSON.stringify({
    format: FORMAT, featureNames: ds.featureNames, anomalyFeatures: ds.anomalyFeatures, rows: ds.rows, machines: ds.machines,
    window: ds.window, labelsUntil: ds.labelsUntil, failures: ds.failures,
    x: b64(ds.x), machine: b64(ds.machine), time: b64(ds.time), inFailure: b64(ds.inFailure),
  }));
}

export function loadDataset(file: string): Dataset {
  const d = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & Omit<Dataset, 'x' | 'machine' | 'time' | 'inFailure'>;
  if (d['format'] !== FORMAT) throw PdmErrors.create('bad_data', `${file}: not a ${FORMAT} file`, { file });
  if (d.featureNames.length !== FEATURE_NAMES.length || d.featureNames.some((f, i) => f !== FEATURE_NAMES[i])) {
    throw PdmErrors.create('bad_data', `${file}: built with another feature layout; rebuild it`, { file });
  }
  const ds: Dataset = {
    featureNames: d.featureNames, ...(d.anomalyFeatures !== undefined ? { anomalyFeatures: d.anomalyFeatures } : {}), rows: d.rows,
    machines: d.machines, window: d.window, labelsUntil: d.labelsUntil, failures: d.failures,
    x: new Float64Array(bytes(d['x'], file, 'x')), machine: new Int32Array(bytes(d['machine'], file, 'machine')),
    time: new Float64Array(bytes(d['time'], file, 'time')), inFailure: new Uint8Array(bytes(d['inFailure'], file, 'inFailure')),
  };
  if (ds.x.length !== ds.rows * ds.featureNames.length || ds.machine.length !== ds.rows || ds.time.length !== ds.rows || ds.inFailure.length !== ds.rows) {
    throw PdmErrors.create('bad_data', `${file}: array lengths do not match ${ds.rows} rows`, { file });
  }
  return ds;
}
