import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityGain, downtimeCost, energyPerUnit, parseRates, scrapCost } from '../../../web/src/lib/costs.js';
import { predictedFailureDay, rankByRisk } from '../../../web/src/lib/risk.js';
import { durations, toSegments } from '../../../web/src/lib/timeline.js';
import { csvField, toCsv } from '../../../web/src/lib/csv.js';

const rates = { currency: 'EUR', downtimePerHour: 1200, scrapPerPart: 3.5, energyPerKwh: 0.2 };

test('cost figures: quantity × rate, with the method and its inputs', () => {
  const d = downtimeCost(2.5, rates)!;
  assert.equal(d.value, 3000); // 2.5 h × 1,200/h
  assert.deepEqual(d.method, { key: 'method.downtimeCost', params: { hours: 2.5, rate: 1200 } });
  assert.equal(scrapCost(423, rates)!.value, 1480.5); // 423 × 3.5
  const e = energyPerUnit(1500, 600, rates)!;
  assert.equal(e.kwh.value, 2.5); // 1,500 kWh / 600 units
  assert.ok(Math.abs(e.cost!.value - 0.5) < 1e-12); // 2.5 kWh × 0.2/kWh
});

test('no rate, no cost figure; no units, no energy per unit', () => {
  const bare = { currency: 'EUR' };
  assert.equal(downtimeCost(2, bare), undefined);
  assert.equal(scrapCost(5, bare), undefined);
  assert.equal(energyPerUnit(100, 10, bare)!.cost, undefined);
  assert.equal(energyPerUnit(100, 0, rates), undefined);
});

test('availability gain is the difference in percentage points', () => {
  const g = availabilityGain(0.8, 0.85, '2026-01-01')!;
  assert.ok(Math.abs(g.value - 5) < 1e-9);
  assert.equal(availabilityGain(undefined, 0.9, 'x'), undefined);
});

test('rates are checked when read back: ISO currency, non-negative numbers', () => {
  assert.deepEqual(parseRates('{"currency":"USD","downtimePerHour":10,"scrapPerPart":-1,"energyPerKwh":"2"}'), { currency: 'USD', downtimePerHour: 10 });
  assert.equal(parseRates('{"currency":"euro"}'), undefined);
  assert.equal(parseRates('not json'), undefined);
  assert.equal(parseRates(null), undefined);
});

test('risk ranking: probability, then health, then RUL; unknowns last', () => {
  const ranked = rankByRisk([
    { twinId: 'unknown' },
    { twinId: 'b', failureProbability: 0.4, health: 0.5 },
    { twinId: 'a', failureProbability: 0.4, health: 0.3 },
    { twinId: 'top', failureProbability: 0.9 },
    { twinId: 'health-only', health: 0.1 },
  ]);
  assert.deepEqual(
    ranked.map((r) => r.twinId),
    ['top', 'a', 'b', 'health-only', 'unknown'],
  );
});

test('a predicted failure falls on the day of now + RUL in the plant’s time zone', () => {
  const now = Date.parse('2026-01-31T22:00:00Z');
  assert.equal(predictedFailureDay(now, 3, 'UTC'), '2026-02-01'); // 01:00Z
  assert.equal(predictedFailureDay(now, 3, 'America/New_York'), '2026-01-31'); // 20:00 EST
  assert.equal(predictedFailureDay(now, 0, 'Asia/Tokyo'), '2026-02-01'); // 07:00 JST
});

test('state points become step segments clipped to the window, equal neighbours merged', () => {
  const pts = [
    { t: 0, state: 'running' },
    { t: 100, state: 'down' },
    { t: 150, state: 'down' },
    { t: 200, state: 'running' },
    { t: 500, state: 'idle' },
  ];
  const segs = toSegments(pts, 50, 400);
  assert.deepEqual(segs, [
    { from: 50, to: 100, state: 'running' },
    { from: 100, to: 200, state: 'down' },
    { from: 200, to: 400, state: 'running' },
  ]);
  assert.deepEqual([...durations(segs)], [
    ['running', 0.25],
    ['down', 0.1],
  ]);
});

test('CSV per RFC 4180 with formula-looking text neutralised', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvField(-5), '-5', 'numbers are not text');
  assert.equal(csvField(null), '');
  assert.equal(toCsv(['t', 'v'], [['2026-01-01T00:00:00Z', 1.5], ['x\ny', 2]]), 't,v\r\n2026-01-01T00:00:00Z,1.5\r\n"x\ny",2\r\n');
});
