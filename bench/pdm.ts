/**
 * Live predictive maintenance: the target figures and their cost (docs/ml-live.md §Results).
 *
 *   nice -n 10 npx tsx --expose-gc bench/pdm.ts [--train-lines 20 --train-days 180 --train-seed 11]
 *        [--model FILE] [--save-model FILE] [--out results.json]
 *
 * 1. Training: simulate the training history (generated plant, default 20 four-station lines × 180
 *    days from 2026-01-08, seed 11, labels a week past the end), train, time both.
 * 2. Held-out evaluations, each by the live scorer over a history it never saw:
 *    A — the demo plant, January 2026, seed 42 (the scripted bearing and leak failures);
 *    B — a generated plant of 10 lines, March–April 2026, seed 1042.
 *    Precision, recall and median lead time of failure warnings (against warned modes and all
 *    failures), calibration (ECE) and RUL interval coverage on the test scorings.
 * 3. Cost: µs per telemetry message through the tracker (features + 5 anomaly detectors), µs per
 *    scoring of one machine, and heap bytes per tracked machine (with --expose-gc).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseFlags } from '../src/ml/core/index.js';
import {
  assertPdmModel, buildSimDataset, evaluatePdm, formatReport, MachineTracker, predictMachine, simulateHistory, trainPdm,
  type EvaluationReport, type PdmModel, type SimWindow,
} from '../src/ml/pdm/index.js';

const DAY = 86_400_000;
const f = parseFlags(process.argv.slice(2), {
  'train-lines': { kind: 'number' }, 'train-days': { kind: 'number' }, 'train-seed': { kind: 'number' },
  model: { kind: 'string' }, 'save-model': { kind: 'string' }, out: { kind: 'string' }, only: { kind: 'string' },
}, 'bench/pdm');
const gc = (globalThis as { gc?: () => void }).gc;
const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

let model: PdmModel;
let trainSimSeconds: number | undefined, trainSeconds: number | undefined, trainRows: number | undefined;
const trainFrom = Date.parse('2026-01-08T00:00:00Z');
if (f.model) {
  model = assertPdmModel(JSON.parse(readFileSync(f.model, 'utf8')), f.model);
} else {
  const w: SimWindow = { seed: f['train-seed'] ?? 11, lines: f['train-lines'] ?? 20, from: trainFrom, to: trainFrom + (f['train-days'] ?? 180) * DAY };
  log(`simulating the training history: ${w.lines} lines, ${(w.to - w.from) / DAY} days, seed ${w.seed}`);
  let t = Date.now();
  const ds = buildSimDataset(w, 7, 168 * 3_600_000);
  trainSimSeconds = (Date.now() - t) / 1000;
  trainRows = ds.rows;
  log(`${ds.rows} rows, ${ds.failures.length} failures in ${trainSimSeconds.toFixed(0)} s; training`);
  t = Date.now();
  model = trainPdm(ds, { onProgress: (m) => log(`  ${m}`) });
  trainSeconds = (Date.now() - t) / 1000;
  if (f['save-model']) writeFileSync(f['save-model'], JSON.stringify(model));
}

const tests: Array<{ name: string; window: SimWindow }> = [
  { name: 'A: demo plant, January 2026, seed 42', window: { seed: 42, from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-02-01T00:00:00Z') } },
  { name: 'B: 10 lines, March–April 2026, seed 1042', window: { seed: 1042, lines: 10, from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-05-01T00:00:00Z') } },
];
const results: Array<{ name: string; report: EvaluationReport }> = [];
for (const t of tests) {
  if (f.only && !t.name.startsWith(f.only)) continue;
  log(`evaluating ${t.name}`);
  const report = await evaluatePdm({ test: t.window, model });
  console.log(`\n=== ${t.name} ===\n${formatReport(model, report)}`);
  results.push({ name: t.name, report });
}

// Cost of the live path on one simulated week of the demo plant (12 machines, 1 message a minute).
log('measuring cost');
const messages: Array<[string, { time: number; values: Record<string, number | string | boolean | undefined> }]> = [];
const info = simulateHistory({ seed: 7, from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-08T00:00:00Z') }, () => (d, s) => void messages.push([d, s as never]));
const trackers = new Map(info.machines.map((m) => [m.deviceId, new MachineTracker(m)]));
let t0 = process.hrtime.bigint();
for (const [d, s] of messages) trackers.get(d)!.add(s);
const usPerMessage = Number(process.hrtime.bigint() - t0) / 1000 / messages.length;
const x = [...trackers.values()].map((tr) => tr.features());
const reps = 2000;
t0 = process.hrtime.bigint();
for (let i = 0; i < reps; i++) predictMachine(model, x[i % x.length]!);
const usPerScoring = Number(process.hrtime.bigint() - t0) / 1000 / reps;
let bytesPerMachine: number | undefined;
if (gc) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const many = Array.from({ length: 200 }, (_, i) => new MachineTracker({ deviceId: `M${i}`, type: 'cnc' }));
  for (const [d, s] of messages.slice(0, 200_000)) if (d === 'LINE-1-CNC') for (const tr of many) tr.add(s);
  gc();
  bytesPerMachine = (process.memoryUsage().heapUsed - before) / many.length;
}
const cost = { usPerMessage, usPerScoring, bytesPerMachine, messages: messages.length };
console.log(`\ncost: ${usPerMessage.toFixed(2)} µs per message (tracker + anomaly detectors), ${usPerScoring.toFixed(1)} µs per scoring, ${bytesPerMachine === undefined ? 'n/a (run with --expose-gc)' : `${(bytesPerMachine / 1024).toFixed(1)} KiB`} per machine`);
const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg(), node: process.version, date: new Date().toISOString() };
console.log(`machine: ${machine.cpus} × ${machine.model}, load ${machine.loadAverage.map((l) => l.toFixed(1)).join('/')}, ${machine.node}, ${machine.date}`);
if (trainSeconds !== undefined) console.log(`training: ${trainRows} rows; simulation + features ${trainSimSeconds!.toFixed(0)} s, model ${trainSeconds.toFixed(0)} s`);
if (f.out) {
  writeFileSync(f.out, JSON.stringify({ machine, training: { rows: trainRows, simSeconds: trainSimSeconds, trainSeconds, modelMetrics: model.metrics, warning: model.warning }, results: results.map((r) => ({ name: r.name, ...r.report, model: undefined })), cost }, null, 2));
}
