import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFeature } from './describe.js';
import { messageKeys, pickLanguage, render } from './messages.js';
import type { MachinePrediction } from './predict.js';
import { actionFor, dueHours, machineLabel, recommend, renderRecommendation } from './recommend.js';

test('English and Spanish define the same message keys', () => {
  assert.deepEqual(messageKeys('es'), messageKeys('en'));
});

test('actions read like a work order, in both languages', () => {
  const info = { deviceId: 'LINE-2-CNC', type: 'cnc', lineId: 'LINE-2' };
  assert.equal(machineLabel(info), 'LINE-2 CNC');
  assert.equal(machineLabel({ deviceId: 'press-7' }), 'press-7');
  const bearing = actionFor(info, 'bearingWear', 5 * 24 + 3);
  assert.equal(render(bearing, 'en'), 'Replace the spindle bearing of LINE-2 CNC within 5 days');
  assert.equal(render(bearing, 'es'), 'Sustituir el rodamiento del husillo de LINE-2 CNC en un plazo de 5 días');
  const leak = actionFor({ deviceId: 'LINE-3-ROBOT', type: 'robot', lineId: 'LINE-3' }, 'pressureLeak', 30);
  assert.equal(render(leak, 'en'), 'Find and repair the gripper air leak on LINE-3 robot within 28 hours');
  assert.equal(render(actionFor(info, 'bearingWear', 24), 'en'), 'Replace the spindle bearing of LINE-2 CNC within 24 hours');
  assert.equal(render(actionFor(info, 'bearingWear', 50), 'en'), 'Replace the spindle bearing of LINE-2 CNC within 2 days');
  assert.equal(render(actionFor(info, 'spindleCrack', 200), 'en'), 'Inspect LINE-2 CNC for spindleCrack within 8 days');
});

test('drivers in plain words: percent for log channels, units for temperature', () => {
  // slope 0.3 in log units per day = e^0.3 − 1 = 35 % a day.
  assert.equal(render(describeFeature('vibrationHighBand.slope3d', 0.3)!, 'en'), 'high-band (bearing) vibration rising 35% per day (last 3 days)');
  assert.equal(render(describeFeature('pressureAtRest.dev', Math.log(0.8))!, 'en'), 'supply pressure at rest 20% below its 14-day median');
  assert.equal(render(describeFeature('temperature.slope1d', 1.26)!, 'en'), 'temperature under load rising 1.3 °C per day (last 24 h)');
  assert.equal(render(describeFeature('vibrationHighBand.slope3d', 0.3)!, 'es'), 'la vibración de alta frecuencia (rodamientos) sube un 35 % al día (últimos 3 días)');
  assert.equal(describeFeature('type.cnc', 1), undefined);
  assert.equal(describeFeature('vibration.dev', Number.NaN), undefined);
});

test('due time: the early end of the RUL interval; fallbacks without RUL; language negotiation', () => {
  const pred = (over: Partial<MachinePrediction>): MachinePrediction => ({
    probability: {}, rulCensored: false, healthIndex: 50, modes: [], drivers: [], warningScore: 2, warningScores: { bearingWear: 2 }, warningMode: 'bearingWear', ...over,
  });
  const withRul = pred({ modes: [{ mode: 'bearingWear', probability: { 24: 0.1, 168: 0.8 }, rulHours: 120, rulInterval: [90, 150] }] });
  assert.equal(dueHours(withRul, 'bearingWear', 168), 90);
  assert.equal(dueHours(pred({ modes: [{ mode: 'pressureLeak', probability: { 24: 0.7 } }] }), 'pressureLeak', 168), 24);
  assert.equal(dueHours(pred({ modes: [{ mode: 'pressureLeak', probability: { 24: 0.1 } }] }), 'pressureLeak', 168), 84);
  assert.equal(dueHours(pred({ modes: [{ mode: 'x', probability: {}, rulHours: 1, rulInterval: [0, 3] }] }), 'x', 168), 4, 'at least 4 h');
  const rec = recommend({ deviceId: 'LINE-2-CNC', type: 'cnc', lineId: 'LINE-2' }, withRul, { now: Date.parse('2026-01-20T00:00:00Z'), since: Date.parse('2026-01-19T00:00:00Z'), horizonHours: 168 })!;
  assert.equal(rec.dueBy, '2026-01-23T18:00:00.000Z');
  assert.equal(rec.severity, 'warning');
  assert.equal(rec.confidence, 0.8);
  assert.equal(renderRecommendation(rec, 'en').text, 'Replace the spindle bearing of LINE-2 CNC within 3 days');
  assert.equal(pickLanguage('es-ES,es;q=0.9,en;q=0.8'), 'es');
  assert.equal(pickLanguage('fr-FR, de'), 'en');
  assert.equal(pickLanguage(undefined), 'en');
});
