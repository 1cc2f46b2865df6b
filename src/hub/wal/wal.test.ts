import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';
import { WriteAheadLog, type WalSinks } from './log.js';
import { decodePayload, encodeRecord, scanRecord, HEADER_BYTES } from './record.js';
import { PositionFile, readPosition } from './position.js';

const T0 = Date.parse('2026-11-22T00:00:00Z');
/** Time T0 + ⌊value⌋ ms (a Date holds whole milliseconds), arrival `arrivalOffset` ms later. */
const pt = (series: string, value: number, arrivalOffset = 0): TimePoint => ({ series, time: new Date(T0 + Math.floor(value)), arrival: new Date(T0 + Math.floor(value) + arrivalOffset), value });
/** A batch of `n` messages, one point each, values first..first+n-1. */
const batch = (first: number, n: number) => ({ points: Array.from({ length: n }, (_, i) => pt('devices/d/seq', first + i)), telemetry: [], messages: n });

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'twinworks-wal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Sinks recording every applied value; `hold()` makes applies wait until `release()`. */
function recordingSinks() {
  const values: number[] = [];
  const messages: TelemetryReceived[] = [];
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  let failures = 0;
  const sinks: WalSinks = {
    async appendPoints(points) {
      if (gate) await gate;
      if (failures > 0) {
        failures--;
        throw new Error('store unavailable');
      }
      for (const p of points) values.push(p.value);
    },
    async writeTelemetry(m) {
      messages.push(...m);
    },
  };
  return {
    sinks,
    values,
    messages,
    hold: () => void (gate = new Promise<void>((r) => (open = r))),
    release: () => {
      gate = undefined;
      open();
    },
    failNext: (n: number) => void (failures = n),
  };
}

/** Small segments: every open zero-fills one (and the next), 16 MB by default. */
const SEGMENT = 64 * 1024;
const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.wal')).sort();

test('record: points (UTF-8 series, own arrival) and messages survive encode → scan → decode', () => {
  const telemetry: TelemetryReceived[] = [{ deviceId: 'd1', sourceTime: '2026-11-22T00:00:00.000Z', arrivalTime: '2026-11-22T00:00:00.005Z', values: { state: 'Running', t: 21.5 }, properties: { a: 'b' } }];
  const points = [pt('devices/Ofen-Ü/temperatur', 21.5), pt('devices/d/x', -3, 250)];
  const rec = encodeRecord({ points, telemetry, messages: 2 });
  const r = scanRecord(rec, 0);
  assert.equal(r.kind, 'record');
  if (r.kind !== 'record') return;
  assert.equal(r.end, rec.length);
  const b = decodePayload(r.payload);
  assert.equal(b.messages, 2);
  assert.deepEqual(b.telemetry, telemetry);
  assert.deepEqual(
    b.points.map((p) => [p.series, p.time.getTime(), p.arrival.getTime(), p.value]),
    [
      ['devices/Ofen-Ü/temperatur', T0 + 21, T0 + 21, 21.5],
      ['devices/d/x', T0 - 3, T0 - 3 + 250, -3],
    ],
  );
});

test('record: a cut or altered record is reported torn, not decoded', () => {
  const rec = encodeRecord(batch(1, 3));
  assert.equal(scanRecord(rec.subarray(0, 5), 0).kind, 'torn'); // header cut
  assert.equal(scanRecord(rec.subarray(0, rec.length - 1), 0).kind, 'torn'); // payload cut
  const flipped = Buffer.from(rec);
  flipped[HEADER_BYTES + 6]! ^= 0x01;
  assert.deepEqual(scanRecord(flipped, 0), { kind: 'torn', reason: 'CRC mismatch' });
  // Zeros (a segment's zero-filled space after its last record) are the end, not damage.
  assert.equal(scanRecord(Buffer.concat([rec, Buffer.alloc(16)]), rec.length).kind, 'end');
  assert.equal(scanRecord(Buffer.concat([rec, Buffer.alloc(3)]), rec.length).kind, 'end');
});

test('append resolves after the write; the applier hands batches to the sinks in order and deletes applied segments', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  // One-byte segments: every write rolls, so deletion of applied segments is exercised.
  const log = await WriteAheadLog.open({ dir, sinks: s.sinks, segmentBytes: 1 });
  s.hold();
  await Promise.all([log.append(batch(1, 3)), log.append(batch(4, 2))]);
  await log.append(batch(6, 1));
  assert.equal(log.lag, 6, 'logged and acknowledged before the store has anything');
  assert.deepEqual(s.values, []);
  s.release();
  await log.drained();
  assert.deepEqual(s.values, [1, 2, 3, 4, 5, 6]);
  assert.equal(log.lag, 0);
  // Only the segment being written and the one prepared next remain (older ones were applied and deleted).
  const left = segments(dir);
  assert.equal(left.length, 2);
  assert.equal(Number(left[1]!.slice(0, 12)), Number(left[0]!.slice(0, 12)) + 1);
  await log.close();
});

test('messages for the history port are logged and applied with their points', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks });
  const m: TelemetryReceived = { deviceId: 'm1', sourceTime: '2026-11-22T00:00:00.000Z', arrivalTime: '2026-11-22T00:00:00.000Z', values: { state: 'Idle' }, properties: {} };
  await log.append({ points: [], telemetry: [m], messages: 1 });
  await log.drained();
  assert.deepEqual(s.messages, [m]);
  await log.close();
});

test('replay: batches logged but not applied when the process died reach the sinks on the next open, once', async (t) => {
  const dir = tempDir(t);
  const first = recordingSinks();
  first.hold(); // the store never answers: as if the process died before applying
  const dead = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: first.sinks });
  await dead.append(batch(1, 2));
  await dead.append(batch(3, 2));
  // No close: the process is gone. A new process opens the same directory.
  const s = recordingSinks();
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks });
  assert.deepEqual(s.values, [1, 2, 3, 4]);
  assert.equal(log.replayed.messages, 4);
  await log.append(batch(5, 1));
  await log.close();
  const again = recordingSinks();
  const reopened = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: again.sinks });
  assert.deepEqual(again.values, [], 'applied records are not replayed again');
  await reopened.close();
  first.release();
});

test('replay after a torn write: intact records are applied, the damaged tail is cut off and the start goes on', async (t) => {
  for (const damage of ['cut', 'garbage', 'crc'] as const) {
    const dir = tempDir(t);
    const first = recordingSinks();
    first.hold();
    const dead = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: first.sinks });
    await dead.append(batch(1, 2));
    await dead.append(batch(3, 2));
    const [seg] = segments(dir);
    const file = join(dir, seg!);
    assert.equal(statSync(file).size, SEGMENT, 'segments are created zero-filled');
    const second = encodeRecord(batch(3, 2)).length;
    const whole = encodeRecord(batch(1, 2)).length + second; // where the data ends
    const data = readFileSync(file);
    if (damage === 'cut') data.fill(0, whole - 20, whole); // the second record's last bytes (series names, JSON length) never reached the disk
    if (damage === 'garbage') Buffer.from([7, 0, 0, 0, 1, 2]).copy(data, whole); // a stray header after both
    if (damage === 'crc') data[whole - 1]! ^= 0xff;
    writeFileSync(file, data);
    const s = recordingSinks();
    const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks });
    const expected = damage === 'garbage' ? [1, 2, 3, 4] : [1, 2];
    assert.deepEqual(s.values, expected, damage);
    assert.equal(log.replayed.truncated.length, 1, damage);
    assert.equal(log.replayed.truncated[0]!.at, damage === 'garbage' ? whole : whole - second, damage);
    await log.close();
    first.release();
  }
});

test('back-pressure: beyond maxLagMessages unapplied, append waits for the applier', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks, maxLagMessages: 1000 });
  s.hold();
  await log.append(batch(0, 600));
  let second = false;
  const p = log.append(batch(600, 600)).then(() => (second = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(second, false, '600 + 600 > 1000: the second batch waits');
  assert.equal(log.lag, 600);
  s.release();
  await p;
  await log.drained();
  assert.equal(s.values.length, 1200);
  await log.close();
});

test('a failed apply is retried; nothing is lost or applied twice', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  const problems: string[] = [];
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks, onProblem: (what) => problems.push(what) });
  s.failNext(2);
  await log.append(batch(1, 3));
  await log.drained();
  assert.deepEqual(s.values, [1, 2, 3]);
  assert.equal(problems.length, 2);
  await log.close();
});

test('a batch larger than maxApplyRows goes to the store in slices; a failed slice is retried alone', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  const calls: number[] = [];
  const sinks: WalSinks = {
    appendPoints: async (points) => {
      calls.push(points.length);
      await s.sinks.appendPoints(points);
    },
  };
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks, maxApplyRows: 3 });
  await log.append(batch(100, 1)); // applied alone before the next append arrives
  await log.drained();
  s.failNext(1); // the first slice of the 7-point batch fails once
  await log.append(batch(1, 7));
  await log.drained();
  // 7 points in slices of 3: [1,2,3] (fails, retried), [4,5,6], [7]; each value stored once.
  assert.deepEqual(calls, [1, 3, 3, 3, 1]);
  assert.deepEqual(s.values, [100, 1, 2, 3, 4, 5, 6, 7]);
  await log.close();
});

test('close lets the applier finish; with a stuck store what is left is replayed on the next open', async (t) => {
  const dir = tempDir(t);
  const s = recordingSinks();
  const log = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: s.sinks });
  s.hold();
  await log.append(batch(1, 2));
  await log.close(50);
  assert.deepEqual(s.values, []);
  const next = recordingSinks();
  const reopened = await WriteAheadLog.open({ dir, segmentBytes: SEGMENT, sinks: next.sinks });
  assert.deepEqual(next.values, [1, 2]);
  await reopened.close();
  s.release();
});

test('position file: the newer valid slot wins; a torn slot falls back to the other', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'applied.pos');
  assert.equal(readPosition(file), undefined);
  const pf = await PositionFile.open(file);
  await pf.write({ segment: 1, offset: 100 });
  await pf.write({ segment: 2, offset: 40 });
  await pf.close();
  assert.deepEqual(readPosition(file), { segment: 2, offset: 40 });
  // Tear the newer slot (sequence 2 lives in slot 0).
  const data = readFileSync(file);
  data[10]! ^= 0xff;
  writeFileSync(file, data);
  assert.deepEqual(readPosition(file), { segment: 1, offset: 100 });
});
