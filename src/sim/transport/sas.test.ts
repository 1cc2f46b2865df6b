import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveDeviceKey, deviceSasToken, dpsSasToken } from './sas.js';
import { genericTopic, iothubTopics, parseDesiredPatch, parseDpsResponse, parseMethodRequest, parseTwinResponse } from './topics.js';

// Expected values computed independently with openssl:
//   printf '%s\n%s' "$SR" 1767225600 | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key hex> -binary | base64
const DEVICE_KEY = Buffer.from('twinworks-device-key-0123456789ab').toString('base64');

test('IoT Hub device SAS token: url-encoded resource, signature over "sr\\nse"', () => {
  assert.equal(
    deviceSasToken('hub.twinworks.local', 'LINE-1-CNC', DEVICE_KEY, 1767225600),
    'SharedAccessSignature sr=hub.twinworks.local%2Fdevices%2FLINE-1-CNC&sig=35wKOpLo%2FZVajQlnruLS1nGk12vzaQodJzyqGE%2FVVMU%3D&se=1767225600',
  );
});

test('DPS group enrollment: derived device key and registration token with skn=registration', () => {
  const groupKey = Buffer.from('enrollment-group-primary-key-0001').toString('base64');
  const deviceKey = deriveDeviceKey(groupKey, 'LINE-2-ROBOT');
  assert.equal(deviceKey, 'E2BWUahssMaZ21JubUTvnJGI1wQe0un7eXEHiiCJWAw=');
  assert.equal(
    dpsSasToken('0ne00000001', 'LINE-2-ROBOT', deviceKey, 1767225600),
    `SharedAccessSignature sr=0ne00000001%2Fregistrations%2FLINE-2-ROBOT&sig=${encodeURIComponent('wxp+wNvLqFLLxk3jntByDf6/IlmJUPZszZRy2X3mvf0=')}&se=1767225600&skn=registration`,
  );
});

test('topic names and parsers of the device protocol', () => {
  assert.equal(iothubTopics.username('hub', 'D1'), 'hub/D1/?api-version=2021-04-12');
  assert.equal(iothubTopics.telemetry('D1', { '$.ct': 'application/json', '$.ce': 'utf-8' }), 'devices/D1/messages/events/%24.ct=application%2Fjson&%24.ce=utf-8');
  assert.deepEqual(parseMethodRequest('$iothub/methods/POST/setSpeed/?$rid=7'), { name: 'setSpeed', rid: '7' });
  assert.equal(parseMethodRequest('$iothub/methods/POST/setSpeed/'), undefined);
  assert.deepEqual(parseTwinResponse('$iothub/twin/res/204/?$rid=3&$version=12'), { status: 204, rid: '3', version: 12 });
  assert.deepEqual(parseTwinResponse('$iothub/twin/res/200/?$rid=1'), { status: 200, rid: '1' });
  assert.deepEqual(parseDesiredPatch('$iothub/twin/PATCH/properties/desired/?$version=5'), { version: 5 });
  assert.deepEqual(parseDpsResponse('$dps/registrations/res/202/?$rid=1&retry-after=3'), { status: 202, rid: '1', retryAfterS: 3 });
  assert.equal(genericTopic('factory/{line}/{machine}/telemetry', 'LINE-1-CNC-2', 'LINE-1'), 'factory/LINE-1/CNC-2/telemetry');
});
