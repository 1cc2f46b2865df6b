/**
 * Cost of the live anomaly detector (docs/ml-anomaly.md §Cost).
 *
 *   nice -n 10 npx tsx --expose-gc bench/anomaly.ts [--data ../shared/datasets/nab]
 *
 * 1. ns per point: one detector per signal, 200 signals × 20,000 points of noisy, drifting, seasonal data
 *    fed round-robin through a DetectorBank (the way the hub calls it), after a warm-up pass.
 * 2. Memory per signal: heap growth per detector once its pattern memory is full (needs --expose-gc).
 * 3. NAB: full run time and the three normalised scores, when --data (or TWINWORKS_DATASETS) is given.
 */
import { join } from 'node:path';
import { DetectorBank, noveltyDetectorFactory, DEFAULT_CONFIG } from '../src/ml/anomaly/index.js';
import { loadNabCorpus, runDetector, scoreAllProfiles } from '../src/ml/nab/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

function signal(k: number, i: number): number {
  // Deterministic mix of a daily wave, drift, bursts and hashed noise: keeps every expert busy.
  const h = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
  const noise = h - Math.floor(h) - 0.5;
  return 20 + 8 * Math.sin((2 * Math.PI * i) / 288 + k) + i * 1e-4 * (k % 5) + 3 * noise + (i % 997 === k % 997 ? 30 : 0);
}

function nsPerPoint(signals: number, points: number): number {
  const bank = new DetectorBank();
  const t0 = Date.UTC(2024, 0, 1);
  const feed = (from: number, to: number) => {
    for (let i = from; i < to; i++) for (let k = 0; k < signals; k++) bank.score(`s${k}`, t0 + i * 300_000, signal(k, i));
  };
  feed(0, 2000); // warm-up: JIT, memories partly filled
  const start = process.hrtime.bigint();
  feed(2000, points);
  const ns = Number(process.hrtime.bigint() - start);
  return ns / ((points - 2000) * signals);
}

function bytesPerSignal(count: number, points: number): number | undefined {
  if (gc === undefined) return undefined;
  const factory = noveltyDetectorFactory();
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const kept = [];
  for (let k = 0; k < count; k++) {
    const d = factory.create();
    for (let i = 0; i < points; i++) d.update(i * 300_000, signal(k, i) + (k % 7) * Math.sin(i * 0.37));
    kept.push(d);
  }
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  return (after - before) / kept.length;
}

function stateBytes(): number {
  const c = DEFAULT_CONFIG;
  return (
    4 * c.pattern.prototypes * c.pattern.windowBlocks + // float32 prototypes
    4 * c.pattern.prototypes + // last-use stamps
    16 * c.pattern.windowBlocks + // recent blocks and feature scratch
    9 * c.seasonal.bucketsPerDay + // baselines + seen flags
    8 * c.occupancy.bins + 8 * c.occupancy.warmupBlocks + // histogram + warm-up blocks
    16 * (c.refractoryPoints + 1) // refractory deque
  );
}

const args = process.argv.slice(2);
const dataFlag = args.indexOf('--data');
const nabRoot = dataFlag >= 0 ? args[dataFlag + 1] : process.env.TWINWORKS_DATASETS && join(process.env.TWINWORKS_DATASETS, 'nab');

console.log(`machine: ${process.arch}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
const ns = nsPerPoint(200, 20_000);
console.log(`cost: ${ns.toFixed(0)} ns/point through DetectorBank (200 signals × 18,000 timed points) → ${(1e9 / ns / 1000).toFixed(0)}k points/s on one core`);
console.log(`state per signal (arrays, from the configuration): ${(stateBytes() / 1024).toFixed(1)} KiB`);
const measured = bytesPerSignal(300, 6000);
console.log(measured === undefined ? 'heap per signal: run with --expose-gc to measure' : `heap per signal (measured, 300 detectors after 6,000 points): ${(measured / 1024).toFixed(1)} KiB`);

if (nabRoot) {
  const corpus = loadNabCorpus(nabRoot);
  const run = runDetector(noveltyDetectorFactory(), corpus);
  const results = scoreAllProfiles(run.scored);
  console.log(`NAB: ${run.points} points in ${(run.elapsedMs / 1000).toFixed(2)} s (${((run.elapsedMs * 1e6) / run.points).toFixed(0)} ns/point incl. JIT warm-up)`);
  console.log(`NAB scores: ${results.map((r) => `${r.profile} ${r.normalised.toFixed(2)}`).join(', ')}`);
}
