import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load.js';
import { TwinworksError } from '../shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-config-'));

test('defaults apply when nothing is given', () => {
  const { config, sources } = loadConfig([], {});
  assert.equal(config.httpPort, 8080);
  assert.equal(config.httpsPort, 8443);
  assert.equal(config.mqttPort, 1883);
  assert.equal(config.data, './data');
  assert.equal(config.simulator, true);
  assert.equal(config.database, undefined);
  assert.equal(sources.httpPort, 'default');
});

test('flags beat environment, environment beats the file', () => {
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'httpPort: 9001\nmqttPort: 9002\nhttpsPort: 9003\n');
  const { config, sources } = loadConfig(['--config', file, '--http-port', '9100'], { TWINWORKS_HTTP_PORT: '9200', TWINWORKS_MQTT_PORT: '9201' });
  assert.equal(config.httpPort, 9100);
  assert.equal(sources.httpPort, 'flag');
  assert.equal(config.mqttPort, 9201);
  assert.equal(sources.mqttPort, 'env');
  assert.equal(config.httpsPort, 9003);
  assert.equal(sources.httpsPort, 'file');
});

test('JSON config files work too, and --no-simulator turns the simulator off', () => {
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ bus: 'nats://127.0.0.1:4222', simulator: true }));
  const { config } = loadConfig([`--config=${file}`, '--no-simulator'], {});
  assert.equal(config.bus, 'nats://127.0.0.1:4222');
  assert.equal(config.simulator, false);
});

function expectConfigError(fn: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TwinworksError);
    assert.equal(err.code, code);
    for (const f of fragments) assert.ok(err.message.includes(f), `message "${err.message}" should mention ${f}`);
    return true;
  });
}

test('a bad value names the key, the value, its source and what is allowed', () => {
  expectConfigError(() => loadConfig(['--http-port', 'eighty'], {}), 'config.invalid_value', 'httpPort', '"eighty"', '--http-port', '0 to 65535');
  expectConfigError(() => loadConfig([], { TWINWORKS_MQTT_PORT: '70000' }), 'config.invalid_value', 'mqttPort', 'TWINWORKS_MQTT_PORT', '70000');
  expectConfigError(() => loadConfig(['--bus', 'kafka://x'], {}), 'config.invalid_value', 'bus', 'nats://');
  expectConfigError(() => loadConfig(['--database', 'mysql://x'], {}), 'config.invalid_value', 'database', 'postgres://');
});

test('unknown flags and file keys are refused by name', () => {
  expectConfigError(() => loadConfig(['--htp-port', '1'], {}), 'config.unknown_flag', '--htp-port');
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'htpPort: 1\n');
  expectConfigError(() => loadConfig(['--config', file], {}), 'config.unknown_key', "'htpPort'", file);
});

test('an unreadable or malformed file is a clear error', () => {
  expectConfigError(() => loadConfig(['--config', join(dir, 'missing.yaml')], {}), 'config.unreadable_file', 'missing.yaml');
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{ "httpPort": ');
  expectConfigError(() => loadConfig(['--config', file], {}), 'config.unreadable_file', 'not valid JSON');
});

test('a TLS certificate needs its key', () => {
  expectConfigError(() => loadConfig(['--tls-cert', '/tmp/c.pem'], {}), 'config.invalid_value', '--tls-key');
});
