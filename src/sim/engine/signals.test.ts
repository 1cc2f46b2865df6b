/**
 * Injected anomalies and sensor faults against their labels. The overlay draws from its own random
 * stream, so a plant with anomalies switched on and the same plant with them off have identical
 * physics and noise: the difference between the two message streams is exactly what the overlay did,
 * and it must be where, when and how large the labels say — and nowhere else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlantConfig } from './config.js';
import type { Label } from './labels.js';
import type { Telemetry, TelemetryMessage } from './telemetry.js';
import { HOUR, quietPlant, run } from './testing/fixtures.js';

const DAYS = 12;
const SENSORS = ['temperature', 'vibration', 'power', 'pressure'] as const;
type Sensor = (typeof SENSORS)[number];

function pair(extra: Partial<PlantConfig>) {
  const withOverlay = run(quietPlant([{ type: 'cnc' }], extra), { sampleIntervalMs: 60_000, seed: 3 });
  const plain = run(quietPlant([{ type: 'cnc' }]), { sampleIntervalMs: 60_000, seed: 3 });
  const a = withOverlay.advance(DAYS * 24 * HOUR);
  const b = plain.advance(DAYS * 24 * HOUR);
  withOverlay.plant.flushLabels();
  assert.equal(a.length, b.length);
  return { a, b, labels: withOverlay.labels, endMs: withOverlay.plant.now };
}

/**
 * Rounding in the message (2 decimals for °C, 3 for the rest, on both streams and on the reference),
 * plus the label's magnitude being rounded to 3 decimals: ±0.0005 × `mScale` × the reference value.
 */
const tol = (s: Sensor, scale = 1, mScale = 0, ref = 0) => (s === 'temperature' ? 0.011 : 0.0021) * Math.max(1, scale) + 0.0005 * mScale * Math.abs(ref);

function window(msgs: TelemetryMessage[], l: Label, endMs: number): number[] {
  const from = Date.parse(l.time);
  const to = l.end ? Date.parse(l.end) : endMs + 1;
  const idx: number[] = [];
  msgs.forEach((m, i) => {
    if (m.time >= from && m.time < to) idx.push(i);
  });
  return idx;
}

const value = (t: Telemetry, s: Sensor) => t[s];
/** Reported values are never negative, except temperatures in °C. */
const floor = (s: Sensor, v: number) => (s === 'temperature' ? v : Math.max(0, v));

test('injected anomalies: spikes, level shifts and drifts change exactly the labelled samples by the labelled amount', () => {
  const { a, b, labels, endMs } = pair({ anomaliesPerDevicePerDay: 3 });
  const anomalies = labels.filter((l) => l.kind === 'anomaly');
  // Poisson with mean 36 over 12 days; all three modes.
  assert.ok(anomalies.length >= 20, `${anomalies.length} anomalies`);
  assert.deepEqual(new Set(anomalies.map((l) => l.mode)), new Set(['spike', 'levelShift', 'drift']));
  assert.ok(labels.every((l) => l.kind === 'anomaly'), 'nothing else happens on a quiet machine');

  // Which labels touch each (sample, sensor).
  const cover = new Map<string, Label[]>();
  for (const l of anomalies) {
    const s = l.detail!.sensor as Sensor;
    const idx = l.mode === 'spike' ? a.flatMap((m, i) => (m.time === Date.parse(l.time) ? [i] : [])) : window(a, l, endMs);
    assert.ok(idx.length >= 1, `${l.mode} at ${l.time} reached at least one sample`);
    for (const i of idx) cover.set(`${i}/${s}`, [...(cover.get(`${i}/${s}`) ?? []), l]);
  }

  let checked = 0;
  for (const l of anomalies) {
    const s = l.detail!.sensor as Sensor;
    const m = Number(l.detail!.magnitude);
    const idx = l.mode === 'spike' ? a.flatMap((x, i) => (x.time === Date.parse(l.time) ? [i] : [])) : window(a, l, endMs);
    if (idx.some((i) => cover.get(`${i}/${s}`)!.length > 1)) continue; // overlapping effects add up; skip those
    const ref = value(b[idx[0]!]!.body, s)!; // the value when the effect first touched the sensor
    const from = Date.parse(l.time);
    const to = l.end ? Date.parse(l.end) : NaN;
    for (const i of idx) {
      const base = value(b[i]!.body, s)!;
      const got = value(a[i]!.body, s)!;
      // Relative magnitude × the value at onset: constant for a shift, growing linearly for a drift.
      const shift = l.mode === 'drift' ? m * ref * ((a[i]!.time - from) / (to - from)) : m * ref;
      const expected = floor(s, base + shift);
      assert.ok(Math.abs(got - expected) <= tol(s, Math.abs(m) * 3, 1, ref), `${l.mode} ${s} at ${a[i]!.body.timestamp}: ${got} vs ${expected}`);
      checked++;
    }
  }
  assert.ok(checked > 500, `${checked} samples checked`);

  // Nowhere else: every sample outside every label is the plain plant's, value for value.
  for (let i = 0; i < a.length; i++) {
    for (const s of SENSORS) {
      if (cover.has(`${i}/${s}`)) continue;
      assert.equal(value(a[i]!.body, s), value(b[i]!.body, s), `${s} at ${a[i]!.body.timestamp} changed without a label`);
    }
    assert.equal(a[i]!.body.state, b[i]!.body.state);
    assert.equal(a[i]!.body.goodCount, b[i]!.body.goodCount, 'anomalies change what sensors report, never the machine');
  }
});

test('sensor faults: stuck, drifting, spiking and dropping-out sensors match their labels, and nothing else changes', () => {
  const { a, b, labels, endMs } = pair({ sensorFaultsPerDevicePerDay: 3 });
  const faults = labels.filter((l) => l.kind === 'sensorFault');
  assert.ok(faults.length >= 20, `${faults.length} faults`);
  assert.deepEqual(new Set(faults.map((l) => l.mode)), new Set(['stuck', 'drift', 'spike', 'dropout']));

  const covered = new Set<string>();
  for (const l of faults) {
    const s = l.detail!.sensor as Sensor;
    const m = Number(l.detail!.magnitude);
    const idx = window(a, l, endMs);
    assert.ok(idx.length >= 10, `${l.mode} ${s} at ${l.time}: ${idx.length} samples`); // 12 min at least
    for (const i of idx) covered.add(`${i}/${s}`);
    const got = idx.map((i) => value(a[i]!.body, s));
    const base = idx.map((i) => value(b[i]!.body, s)!);
    const from = Date.parse(l.time);
    const to = l.end ? Date.parse(l.end) : NaN;
    switch (l.mode) {
      case 'dropout':
        assert.ok(got.every((v) => v === undefined), `dropout ${s} at ${l.time}`);
        if (s === 'vibration') assert.ok(idx.every((i) => a[i]!.body.vibrationHighBand === undefined), 'same accelerometer');
        break;
      case 'stuck':
        // Frozen at the value it read when it stuck.
        assert.ok(got.every((v) => v !== undefined && Math.abs(v - base[0]!) <= tol(s)), `stuck ${s} at ${l.time}`);
        break;
      case 'drift':
        idx.forEach((i, k) => {
          const expected = floor(s, base[k]! + m * base[0]! * ((a[i]!.time - from) / (to - from)));
          assert.ok(Math.abs(got[k]! - expected) <= tol(s, 3, 1, base[0]!), `drift ${s} at ${a[i]!.body.timestamp}: ${got[k]} vs ${expected}`);
        });
        break;
      case 'spike': {
        // Intermittent outliers of (1 + 3|m|)× the true value; the other samples are untouched.
        let outliers = 0;
        got.forEach((v, k) => {
          if (Math.abs(v! - base[k]!) <= tol(s)) return;
          outliers++;
          assert.ok(Math.abs(v! - base[k]! * (1 + 3 * Math.abs(m))) <= tol(s, 3 * (1 + 3 * Math.abs(m)), 3, base[k]!), `spike ${s}: ${v} vs ${base[k]}`);
        });
        // About one sample in four.
        assert.ok(outliers >= 1 && outliers <= 0.5 * idx.length, `${outliers} of ${idx.length}`);
        break;
      }
      default:
        assert.fail(`unexpected mode ${l.mode}`);
    }
  }
  for (let i = 0; i < a.length; i++) {
    for (const s of SENSORS) {
      if (!covered.has(`${i}/${s}`)) assert.equal(value(a[i]!.body, s), value(b[i]!.body, s), `${s} at ${a[i]!.body.timestamp} changed without a label`);
    }
    assert.equal(a[i]!.body.goodCount, b[i]!.body.goodCount);
  }
});
