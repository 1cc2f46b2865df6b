import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePropertyBag, parseTelemetryTopic, parseDeviceRequest, parseDpsRequest, topicMatches, encodePropertyBag } from './topics.js';
import { compileGenericTopic, matchGenericTopic } from './generic.js';
import { encodePublish } from './packet.js';
import { parseUsername } from './connect.js';
import { hostAliases, splitDeviceResource } from '../identity/hosts.js';

test('telemetry topics: with and without a property bag, modules, and non-telemetry', () => {
  assert.deepEqual(parseTelemetryTopic('devices/press-1/messages/events/'), { deviceId: 'press-1', bag: '' });
  assert.deepEqual(parseTelemetryTopic('devices/press-1/messages/events'), { deviceId: 'press-1', bag: '' });
  assert.deepEqual(parseTelemetryTopic('devices/press-1/messages/events/a=1&%24.ct=application%2Fjson'), { deviceId: 'press-1', bag: 'a=1&%24.ct=application%2Fjson' });
  assert.deepEqual(parseTelemetryTopic('devices/d/modules/m/messages/events/'), { deviceId: 'd', moduleId: 'm', bag: '' });
  assert.equal(parseTelemetryTopic('devices/d/messages/eventsX'), undefined);
  assert.equal(parseTelemetryTopic('devices/d/messages/devicebound/'), undefined);
  assert.equal(parseTelemetryTopic('factory/a/b'), undefined);
});

test('property bag: IoT Hub system keys are separated from application properties and decoded', () => {
  const bag = parsePropertyBag('%24.mid=m-1&%24.ct=application%2Fjson&%24.ce=utf-8&line=LINE%202&iothub-creation-time-utc=2026-01-31T12%3A00%3A00Z&flag');
  assert.deepEqual(bag.system, { 'message-id': 'm-1', 'content-type': 'application/json', 'content-encoding': 'utf-8', 'iothub-creation-time-utc': '2026-01-31T12:00:00Z' });
  assert.deepEqual(bag.app, { line: 'LINE 2', flag: '' });
  assert.equal(encodePropertyBag({ 'a b': 'c/d', $x: '1' }), 'a%20b=c%2Fd&%24x=1');
});

test('device requests and DPS requests', () => {
  assert.deepEqual(parseDeviceRequest('$iothub/twin/GET/?$rid=7'), { kind: 'twin_get', rid: '7' });
  assert.deepEqual(parseDeviceRequest('$iothub/twin/PATCH/properties/reported/?$rid=8&$version=3'), { kind: 'twin_patch_reported', rid: '8', version: 3 });
  assert.deepEqual(parseDeviceRequest('$iothub/methods/res/200/?$rid=a1'), { kind: 'method_response', rid: 'a1', status: 200 });
  assert.equal(parseDeviceRequest('$iothub/methods/POST/x/?$rid=1'), undefined); // hub → device only
  assert.equal(parseDeviceRequest('$iothub/twin/PATCH/properties/desired/?$rid=1'), undefined);
  assert.deepEqual(parseDpsRequest('$dps/registrations/PUT/iotdps-register/?$rid=1'), { kind: 'register', rid: '1' });
  assert.deepEqual(parseDpsRequest('$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=op-9'), { kind: 'status', rid: '2', operationId: 'op-9' });
  assert.equal(parseDpsRequest('$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2'), undefined);
});

test('topic filter matching follows MQTT 3.1.1 §4.7', () => {
  assert.equal(topicMatches('sport/#', 'sport'), true);
  assert.equal(topicMatches('sport/#', 'sport/tennis/player1'), true);
  assert.equal(topicMatches('sport/+', 'sport/tennis/player1'), false);
  assert.equal(topicMatches('+/+', '/finance'), true);
  assert.equal(topicMatches('#', '$SYS/x'), false);
  assert.equal(topicMatches('$SYS/#', '$SYS/x'), true);
});

test('generic topics: captures, device id template, MQTT filter; bad templates are config errors', () => {
  const g = compileGenericTopic({ topic: 'factory/{line}/{machine}/telemetry', deviceId: '{line}-{machine}' });
  assert.equal(g.filter, 'factory/+/+/telemetry');
  assert.deepEqual(g.match('factory/L2/press7/telemetry'), { deviceId: 'L2-press7', vars: { line: 'L2', machine: 'press7' } });
  assert.equal(g.match('factory/L2/press7/status'), undefined);
  assert.equal(g.match('factory/L2/telemetry'), undefined);
  assert.deepEqual(matchGenericTopic([g], 'factory/a/b/telemetry')?.deviceId, 'a-b');
  assert.throws(() => compileGenericTopic({ topic: 'factory/{line}', deviceId: '{machine}' }), /does not capture/);
  assert.throws(() => compileGenericTopic({ topic: 'devices/{deviceId}' }), /reserved/);
  assert.throws(() => compileGenericTopic({ topic: 'a/+/b' }), /wildcards/);
});

test('PUBLISH encoding matches MQTT 3.1.1 §3.3 byte for byte', () => {
  // 0x32 = PUBLISH, QoS 1; remaining length 9 = 2 (topic length) + 3 ('a/b') + 2 (packet id) + 2 ('hi').
  assert.deepEqual([...encodePublish('a/b', Buffer.from('hi'), 1, 10)], [0x32, 9, 0, 3, 0x61, 0x2f, 0x62, 0, 10, 0x68, 0x69]);
  assert.deepEqual([...encodePublish('t', Buffer.alloc(0), 0)], [0x30, 3, 0, 1, 0x74]);
  // Remaining length 203 = 2 + 1 + 200 → two bytes: 203 - 128 = 75 | 0x80 = 0xCB, then 1 (§2.2.3).
  assert.deepEqual([...encodePublish('t', Buffer.alloc(200), 0).subarray(0, 3)], [0x30, 0xcb, 0x01]);
  assert.throws(() => encodePublish('t', Buffer.alloc(0), 1));
});

test('user names: IoT Hub device, module, DPS and generic', () => {
  assert.deepEqual(parseUsername('127.0.0.1:8883/press-1/?api-version=2021-04-12&DeviceClientType=x&model-id=dtmi%3Acom%3Ax%3B1'), {
    kind: 'iothub',
    host: '127.0.0.1:8883',
    deviceId: 'press-1',
    modelId: 'dtmi:com:x;1',
  });
  assert.deepEqual(parseUsername('hub/press-1/api-version=2016-11-14'), { kind: 'iothub', host: 'hub', deviceId: 'press-1' });
  assert.deepEqual(parseUsername('hub/d/m/?api-version=2021-04-12'), { kind: 'iothub', host: 'hub', deviceId: 'd', moduleId: 'm' });
  assert.deepEqual(parseUsername('0ne0001/registrations/reg-1/api-version=2019-03-31&ClientVersion=x'), { kind: 'dps', idScope: '0ne0001', registrationId: 'reg-1' });
  assert.deepEqual(parseUsername('press-1'), { kind: 'generic' });
  assert.deepEqual(parseUsername(undefined), { kind: 'generic' });
});

test('host aliases: configured names plus the dialled address and TLS server name', () => {
  const h = hostAliases(['Hub.Example.com'], { address: '::ffff:127.0.0.1', port: 8883, servername: 'plant.local' });
  for (const n of ['hub.example.com', '127.0.0.1', '127.0.0.1:8883', 'localhost', 'localhost:8883', 'plant.local', 'plant.local:8883']) assert.ok(h.has(n), n);
  assert.equal(h.has('other.example.com'), false);
  assert.deepEqual(splitDeviceResource('h:1/devices/d-1'), { host: 'h:1', deviceId: 'd-1' });
  assert.deepEqual(splitDeviceResource('h/devices/d/modules/m'), { host: 'h', deviceId: 'd', moduleId: 'm' });
  assert.equal(splitDeviceResource('h/registrations/d'), undefined);
});
