import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TwinsErrors } from '../../errors.js';
import { matches } from './evaluate.js';
import { parseFilter } from './parser.js';

// Shaped like the ADT docs' notification examples (concepts-event-notifications).
const update = {
  specversion: '1.0', id: 'e1', type: 'Microsoft.DigitalTwins.Twin.Update', source: 'plant.example', subject: 'room1',
  datacontenttype: 'application/json',
  data: { modelId: 'dtmi:example:com:floor4;2', patch: [{ op: 'replace', path: '/Temperature', value: 40 }] },
};
const create = {
  specversion: '1.0', id: 'e2', type: 'Microsoft.DigitalTwins.Twin.Create', source: 'plant.example', subject: 'floor1',
  datacontenttype: 'application/json',
  data: { $dtId: 'floor1', $metadata: { $model: 'dtmi:example:Floor;1' }, temperature: 5.5, poweredOn: true, errorCode: 404, prop: null },
};

const f = (text: string, event: Record<string, unknown>) => matches(parseFilter(text), event);

test('filters: true/false, type, source, subject, boolean logic with parentheses', () => {
  assert.equal(f('true', update), true);
  assert.equal(f('false', update), false);
  assert.equal(f("type = 'Microsoft.DigitalTwins.Twin.Update'", update), true);
  assert.equal(f("type = 'Microsoft.DigitalTwins.Twin.Update'", create), false);
  assert.equal(f("type = 'x' OR (subject = 'room1' AND source = 'plant.example')", update), true);
  assert.equal(f("(type != 'microsoft.iot.telemetry' OR datacontenttype = 'application/json') OR (specversion != '1.0')", create), true);
  assert.equal(f("NOT subject = 'room1'", update), false);
  assert.equal(f("type = 'Microsoft.DigitalTwins.Twin.update'", update), false, 'values are case-sensitive');
  assert.equal(f("type = 'a' or true", update), true, 'keywords are not');
});

test('filters: $body paths, numbers, booleans, null, functions (the ADT docs examples)', () => {
  assert.equal(f("STARTS_WITH($body.$metadata.$model, 'dtmi:example:Floor')", create), true);
  assert.equal(f("ENDS_WITH($body.$metadata.$model, 'Floor;1')", create), true);
  assert.equal(f("CONTAINS(subject, 'oor')", create), true);
  assert.equal(f('$body.errorCode > 200', create), true);
  assert.equal(f('$body.temperature <= 5.5', create), true);
  assert.equal(f('$body.temperature < 5.5', create), false);
  assert.equal(f('$body.poweredOn = true', create), true);
  assert.equal(f('$body.prop != null', create), false);
  assert.equal(f('$body.temperature != null', create), true);
  assert.equal(f("$body.modelId = 'dtmi:example:com:floor4;2'", update), true);
  // Missing members and type mismatches never match; arrays are not looked into.
  assert.equal(f('$body.nothing > 1', create), false);
  assert.equal(f("$body.temperature > 'a'", create), false);
  assert.equal(f('$body.patch.value = 40', update), false);
});

test('filters: syntax errors name the position and are twins.event_route_filter_invalid', () => {
  for (const bad of ['', "type = 'open", 'colour = 1', 'type =', '(true', 'STARTS_WITH(subject)', 'true true', 'type ! 1', '$body.']) {
    assert.throws(() => parseFilter(bad), (err) => TwinsErrors.is(err, 'event_route_filter_invalid'), bad);
  }
  assert.throws(() => parseFilter('colour = 1'), /position 1: unknown name 'colour'/);
});
