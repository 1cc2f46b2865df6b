/**
 * Reading a simulator dry run from disk (`twinworks simulate --dry-run --out DIR/telemetry.jsonl
 * --labels DIR/labels.jsonl`): telemetry lines `{"deviceId", "body"}` streamed one at a time (a
 * month is hundreds of MB), labels as failure and repair records.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Label } from '../../sim/index.js';
import { PdmErrors } from './errors.js';
import { recordsFromLabels } from './sim-data.js';
import type { FailureRecord, MachineSample, RepairRecord } from './types.js';

export const TELEMETRY_FILE = 'telemetry.jsonl';
export const LABELS_FILE = 'labels.jsonl';

export function dataFiles(dir: string): { telemetry: string; labels: string } {
  const telemetry = join(dir, TELEMETRY_FILE), labels = join(dir, LABELS_FILE);
  for (const f of [telemetry, labels]) {
    if (!existsSync(f)) throw PdmErrors.create('bad_flag', `--data: ${f} not found (expected ${TELEMETRY_FILE} and ${LABELS_FILE} from twinworks simulate --dry-run)`, { flag: 'data', path: f });
  }
  return { telemetry, labels };
}

export function readLabels(file: string): { failures: FailureRecord[]; repairs: RepairRecord[] } {
  const labels: Label[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      labels.push(JSON.parse(line) as Label);
    } catch {
      throw PdmErrors.create('bad_data', `${file}:${i + 1}: not JSON`, { file, line: i + 1 });
    }
  });
  return recordsFromLabels(labels);
}

/** Streams telemetry lines to `sink`; returns the first and last sample times. */
export async function readTelemetry(file: string, sink: (deviceId: string, sample: MachineSample) => void): Promise<{ first: number; last: number; messages: number }> {
  let first = Number.POSITIVE_INFINITY, last = Number.NEGATIVE_INFINITY, messages = 0, n = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let msg: { deviceId?: unknown; body?: { timestamp?: unknown } & Record<string, unknown> };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      throw PdmErrors.create('bad_data', `${file}:${n}: not JSON`, { file, line: n });
    }
    const time = typeof msg.body?.timestamp === 'string' ? Date.parse(msg.body.timestamp) : Number.NaN;
    if (typeof msg.deviceId !== 'string' || !Number.isFinite(time)) throw PdmErrors.create('bad_data', `${file}:${n}: needs deviceId and body.timestamp`, { file, line: n });
    sink(msg.deviceId, { time, values: msg.body as MachineSample['values'] });
    if (time < first) first = time;
    if (time > last) last = time;
    messages++;
  }
  return { first, last, messages };
}
