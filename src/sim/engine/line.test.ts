import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartBuffer } from './line.js';
import { MINUTE, quietPlant, run } from './testing/fixtures.js';

test('a buffer is a bounded FIFO', () => {
  const b = new PartBuffer(2);
  assert.equal(b.put(false), true);
  assert.equal(b.put(true), true);
  assert.equal(b.put(false), false); // full
  assert.equal(b.take(), false);
  assert.equal(b.take(), true);
  assert.equal(b.take(), undefined);
});

test('a stopped station starves the stations after it and blocks the ones before it', () => {
  const r = run(quietPlant([{ type: 'cnc' }, { type: 'robot' }, { type: 'quality' }]), { sampleIntervalMs: 10_000 });
  r.advance(30 * MINUTE);
  const stateOf = (id: string) => r.plant.machine(id).state;
  assert.equal(stateOf('L-CNC'), 'running');

  r.plant.device('L-ROBOT').invokeMethod('emergencyStop', {});
  const during = r.advance(20 * MINUTE);
  // Quality (downstream, 22 s cycles, buffer of 3) runs dry within minutes; the CNC (upstream,
  // ~46 s cycles) fills its buffer of 3 and then holds a finished part.
  const last = (id: string) => during.filter((m) => m.deviceId === id).at(-1)!.body;
  assert.deepEqual([last('L-ROBOT').state, last('L-ROBOT').stateReason], ['down', 'emergencyStop']);
  assert.deepEqual([last('L-QC').state, last('L-QC').stateReason], ['starved', 'upstreamEmpty']);
  assert.deepEqual([last('L-CNC').state, last('L-CNC').stateReason], ['blocked', 'downstreamFull']);
  assert.equal(r.plant.lines[0]!.buffers[0]!.count, 3);
  assert.equal(r.plant.lines[0]!.buffers[1]!.count, 0);
  // While blocked and starved, neither counts parts.
  const counts = (id: string) => during.filter((m) => m.deviceId === id).slice(-30).map((m) => m.body.goodCount);
  assert.equal(new Set(counts('L-CNC')).size, 1);
  assert.equal(new Set(counts('L-QC')).size, 1);

  r.plant.device('L-ROBOT').invokeMethod('reset', {});
  const after = r.advance(10 * MINUTE);
  assert.ok(after.some((m) => m.deviceId === 'L-QC' && m.body.state === 'running'));
  assert.equal(after.filter((m) => m.deviceId === 'L-CNC').at(-1)!.body.state, 'running');
});

test('buffers never exceed their capacity and parts are conserved along the line', () => {
  const r = run(quietPlant([{ type: 'cnc', minorStopsPerHour: 3 }, { type: 'robot', minorStopsPerHour: 3 }, { type: 'quality', minorStopsPerHour: 3 }]), { sampleIntervalMs: 30_000 });
  const [b0, b1] = r.plant.lines[0]!.buffers;
  const start = [b0!.count, b1!.count];
  for (let i = 0; i < 48; i++) {
    r.advance(5 * MINUTE);
    assert.ok(b0!.count <= 3 && b1!.count <= 3);
  }
  const [cnc, robot, qc] = ['L-CNC', 'L-ROBOT', 'L-QC'].map((id) => r.plant.machine(id));
  // Every part the CNC passed on is in the first buffer, in the robot, or counted by the robot.
  // (Each station starts holding one part in process; a part may wait, finished, for buffer space.)
  const robotOut = robot!.goodCount + robot!.rejectCount;
  const inRobot = cnc!.goodCount + start[0]! + 1 - b0!.count - robotOut;
  assert.ok(inRobot === 0 || inRobot === 1, `robot holds ${inRobot}`);
  const qcOut = qc!.goodCount + qc!.rejectCount;
  const inQc = robot!.goodCount + start[1]! + 1 - b1!.count - qcOut;
  assert.ok(inQc === 0 || inQc === 1, `quality holds ${inQc}`);
});
