/**
 * Failure modes in the message stream: each hidden health runs down as its physics says, the
 * failure comes when it reaches zero (at a time worked out from the degradation law), shows in the
 * signals before it happens, stops the machine, and the repair resets it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Label } from './labels.js';
import type { TelemetryMessage } from './telemetry.js';
import { HOUR, mean, MINUTE, quietPlant, run, START } from './testing/fixtures.js';

const ID = 'L-CNC';
const mine = (msgs: readonly TelemetryMessage[], from: number, to: number) => msgs.filter((m) => m.deviceId === ID && m.time >= from && m.time < to);
const running = (msgs: readonly TelemetryMessage[]) => msgs.filter((m) => m.body.state === 'running');

/** Runs until a failure label of `mode` has been written (i.e. the repair ended), then one more hour. */
function untilRepaired(r: ReturnType<typeof run>, mode: string, maxHours: number): Label {
  for (let h = 0; h < maxHours && !r.labels.some((l) => l.kind === 'failure' && l.mode === mode); h++) r.advance(HOUR);
  const failure = r.labels.find((l) => l.kind === 'failure' && l.mode === mode);
  assert.ok(failure, `${mode} failure within ${maxHours} h`);
  r.advance(3 * HOUR);
  return failure;
}

test('overheating: a clogging cooling circuit heats the spindle under load until it fails; the repair cools it again', () => {
  // Cooling health 1 → 0 over 2 days of running at load 1; the spindle runs at 0.9 of max (load 0.9),
  // so it fails after 2 / 0.9 = 2.222 days = 53.33 h of running, the fixture calendar being always on.
  const r = run(quietPlant([{ type: 'cnc', degradation: { overheating: { initialHealth: 1, lifeDays: 2 } } }]), { sampleIntervalMs: MINUTE });
  const failure = untilRepaired(r, 'overheating', 60);
  const at = Date.parse(failure.time);
  assert.ok(Math.abs(at - (START + (2 / 0.9) * 24 * HOUR)) < 5 * MINUTE, `failed at ${failure.time}`);

  // Steady temperature under load = ambient + 28 °C × load / (0.45 + 0.55 × cooling health).
  const first = mean(running(mine(r.messages, START + 3 * HOUR, START + 4 * HOUR)).map((m) => m.body.temperature!));
  const expectFirst = 22 + (28 * 0.9) / (0.45 + 0.55 * (1 - (0.9 * 3.5) / 48)); // health after 3.5 h
  assert.ok(Math.abs(first - expectFirst) < 0.5, `hour 4: ${first.toFixed(2)} vs ${expectFirst.toFixed(2)} °C`);
  // A day before the failure (health ≈ 0.45) it is visibly hotter; in the last hour near the 0.45 floor.
  const dayBefore = mean(running(mine(r.messages, at - 25 * HOUR, at - 24 * HOUR)).map((m) => m.body.temperature!));
  const lastHour = mean(running(mine(r.messages, at - HOUR, at)).map((m) => m.body.temperature!));
  assert.ok(dayBefore > first + 8, `a day before: ${dayBefore.toFixed(1)} °C`);
  assert.ok(lastHour > 22 + (28 * 0.9) / (0.45 + 0.55 * 0.03) - 1.5, `last hour: ${lastHour.toFixed(1)} °C`);

  // Down with the reason, then repaired (1–3 h); running again and cooler within a few time constants.
  const end = Date.parse(failure.end!);
  const during = mine(r.messages, at, end);
  assert.deepEqual([during[0]!.body.state, during[0]!.body.stateReason], ['down', 'overheating']);
  assert.ok(during.every((m) => m.body.state === 'down' || m.body.state === 'maintenance'));
  assert.ok(r.labels.some((l) => l.kind === 'maintenance' && l.mode === 'corrective' && l.end === failure.end));
  // A new circuit (0.97–1), less what 3 h of running at load 0.9 cost since (0.9 × 3 / 48).
  assert.ok(r.plant.machine(ID).health.level.overheating >= 0.97 - (0.9 * (r.plant.now - end)) / (48 * HOUR) - 1e-9);
  const after = mean(running(mine(r.messages, end + 2 * HOUR, end + 3 * HOUR)).map((m) => m.body.temperature!));
  assert.ok(Math.abs(after - (22 + 28 * 0.9)) < 1.5, `after the repair: ${after.toFixed(1)} °C`);
});

test('tool wear: scrap rises as the tool wears, the tool breaks on its last part, and a new one cuts clean', () => {
  // Defect probability = 0.008 + 0.2 w⁴; the CNC's gauging catches 70 % of its defects as rejects.
  // First 500 parts (w ≤ 0.25): p ≈ 0.0081 → ≈ 2.8 rejects expected. Last 500 (w from 0.75 to 1):
  // mean w⁴ = (1 − 0.75⁵) / (5 × 0.25) = 0.610, p ≈ 0.130 → ≈ 45.6 rejects expected.
  const r = run(quietPlant([{ type: 'cnc', degradation: { toolWear: { initialHealth: 1, lifeParts: 2000 } } }]), { sampleIntervalMs: MINUTE });
  const failure = untilRepaired(r, 'toolWear', 40);
  const cnc = r.messages.filter((m) => m.deviceId === ID);
  const at = Date.parse(failure.time);
  const before = cnc.filter((m) => m.time < at);
  // Parts made (good + rejected), in order: the 2000th is the last of the tool.
  const total = (m: TelemetryMessage) => m.body.goodCount + m.body.rejectCount;
  const crossing = (n: number) => before.find((m) => total(m) >= n)!;
  const rejectsBetween = (a: number, b: number) => crossing(b).body.rejectCount - crossing(a).body.rejectCount;
  const early = rejectsBetween(1, 500);
  const late = rejectsBetween(1500, 1999);
  assert.ok(early <= 9, `first 500 parts: ${early} rejects`);
  assert.ok(late >= 25 && late <= 70, `last 500 parts: ${late} rejects`);
  assert.ok(total(before.at(-1)!) >= 1998 && total(before.at(-1)!) <= 2001, `${total(before.at(-1)!)} parts on the tool`);
  // Spindle power rises with a dull tool (load × (1 + 0.35 w²)).
  const p0 = mean(running(cnc.filter((m) => m.time < START + 2 * HOUR)).map((m) => m.body.power!));
  const p1 = mean(running(before.slice(-60)).map((m) => m.body.power!));
  assert.ok(p1 > p0 * 1.15, `power ${p0.toFixed(2)} → ${p1.toFixed(2)} kW`);
  // Down, then a tool change (0.5–1 h), then running again with a new tool.
  const down = cnc.find((m) => m.time >= at)!;
  assert.deepEqual([down.body.state, down.body.stateReason], ['down', 'toolWear']);
  const repairH = (Date.parse(failure.end!) - at) / HOUR;
  assert.ok(repairH > 0.25 && repairH <= 2, `${repairH} h out of service`);
  // The new tool (life 700–1,100 parts) has cut the parts made since: far from worn out.
  const sinceRepair = total(cnc.at(-1)!) - total(before.at(-1)!);
  assert.ok(r.plant.machine(ID).health.wear('toolWear') <= 0.03 + sinceRepair / 700, `${sinceRepair} parts since`);
  assert.equal(cnc.at(-1)!.body.state, 'running');
});

test('pressure leak: the supply pressure sags until the leak fails the machine at 65 % of nominal; the fix restores it', () => {
  const r = run(quietPlant([{ type: 'robot', degradation: { pressureLeak: { onsetAfterDays: 0.5, growthDays: 1 } } }]), { sampleIntervalMs: MINUTE });
  for (let h = 0; h < 48 && !r.labels.some((l) => l.kind === 'failure'); h++) r.advance(HOUR);
  const failure = r.labels.find((l) => l.kind === 'failure')!;
  assert.equal(failure.mode, 'pressureLeak');
  // The leak grows linearly over one day from 12:00 on: it fails at 36 h.
  assert.ok(Math.abs(Date.parse(failure.time) - (START + 36 * HOUR)) < 2 * MINUTE, failure.time);
  const robot = r.messages.filter((m) => m.deviceId === 'L-ROBOT');
  const at = Date.parse(failure.time);
  const p = (from: number, to: number) => mean(robot.filter((m) => m.time >= from && m.time < to).map((m) => m.body.pressure!));
  assert.ok(p(START + 6 * HOUR, START + 12 * HOUR) > 5.6);
  const down = robot.filter((m) => m.time >= at + 10 * MINUTE && m.body.state === 'down');
  assert.ok(down.length > 0);
  // 6 bar × 0.65 = 3.9 bar once failed (relaxing with τ = 20 s).
  assert.ok(Math.abs(mean(down.map((m) => m.body.pressure!)) - 3.9) < 0.1);
  const later = r.advance(4 * HOUR).filter((m) => m.deviceId === 'L-ROBOT' && m.time >= r.plant.now - HOUR);
  assert.ok(mean(later.map((m) => m.body.pressure!)) > 5.5, 'repaired');
});
