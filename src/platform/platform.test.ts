import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../observability/index.js';
import { startPlatform, type RunningPlatform } from './index.js';
import { call } from './testing/http.js';

const data = mkdtempSync(join(tmpdir(), 'tw-platform-'));
const ephemeral = ['--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--mqtt-ws-port', '0', '--mqtt-wss-port', '0', '--no-pdm-bootstrap', '--no-simulator', '--data', data];
const env = { TWINWORKS_ADMIN_PASSWORD: 'admin-password' };
let platform: RunningPlatform;

after(async () => platform?.stop());

test('starts on the embedded defaults: DuckDB store, in-process bus, HTTP, HTTPS, MQTT, MQTTS', async () => {
  platform = await startPlatform({ config: loadConfig(ephemeral, env).config, env, logger: silentLogger() });
  assert.equal(platform.store.kind, 'duckdb');
  assert.equal(platform.bus.kind, 'inprocess');
  for (const p of [platform.ports.http, platform.ports.https, platform.ports.mqtt, platform.ports.mqtts]) assert.ok(typeof p === 'number' && p > 0);

  const health = await call(`http://127.0.0.1:${platform.ports.http}/readyz`);
  assert.equal(health.status, 200);
  // HTTPS with the generated certificate, verified against a trusted copy, by IP and by name.
  for (const host of ['127.0.0.1', 'localhost']) {
    const res = await call(`https://${host}:${platform.ports.https}/healthz`, { ca: platform.certificate });
    assert.equal(res.status, 200);
  }
  const token = await call(`https://127.0.0.1:${platform.ports.https}/api/auth/token`, { method: 'POST', body: { username: 'admin', password: 'admin-password' }, ca: platform.certificate });
  assert.equal(token.status, 200);
  const me = await call(`http://127.0.0.1:${platform.ports.http}/api/auth/me`, { headers: { authorization: `Bearer ${token.json().access_token}` } });
  assert.deepEqual(me.json(), { username: 'admin', roles: ['admin'], via: 'token' });
});

test('MQTT refuses anonymous and wrong credentials, accepts platform credentials over plain and TLS', async () => {
  const url = `mqtt://127.0.0.1:${platform.ports.mqtt}`;
  await assert.rejects(connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000 }), /Not authorized|not authorized/i);
  await assert.rejects(connectAsync(url, { username: 'admin', password: 'wrong', reconnectPeriod: 0, connectTimeout: 3000 }), /Not authorized|not authorized/i);

  const sub: MqttClient = await connectAsync(`mqtts://localhost:${platform.ports.mqtts}`, { username: 'admin', password: 'admin-password', ca: platform.certificate, reconnectPeriod: 0 });
  const pub: MqttClient = await connectAsync(url, { username: 'admin', password: 'admin-password', reconnectPeriod: 0 });
  try {
    await sub.subscribeAsync('factory/test/#', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.on('message', (_t, payload) => resolve(payload.toString())));
    await pub.publishAsync('factory/test/temp', JSON.stringify({ temperature: 71.5 }), { qos: 1 });
    assert.deepEqual(JSON.parse(await got), { temperature: 71.5 });
  } finally {
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  }
  const metrics = await call(`http://127.0.0.1:${platform.ports.http}/metrics`, {
    headers: { authorization: `Bearer ${(await platform.auth.login('admin', 'admin-password')).access_token}` },
  });
  // Both refused connections are counted by the device hub with their reason.
  const refused = [...metrics.body.matchAll(/^twinworks_hub_refused_total\{([^}]*)\} (\d+)/gm)].filter((m) => m[1]!.includes('kind="connect"'));
  assert.equal(refused.reduce((n, m) => n + Number(m[2]), 0), 2, metrics.body.split('\n').filter((l) => l.includes('refused')).join('\n'));
});

test('a port in use stops the start with a message naming the flag', async () => {
  const busy = [...ephemeral.filter((_, i, a) => a[i - 1] !== '--http-port' && a[i] !== '--http-port' && a[i - 1] !== '--data' && a[i] !== '--data')];
  const config = loadConfig([...busy, '--http-port', String(platform.ports.http), '--data', mkdtempSync(join(tmpdir(), 'tw-platform-'))], env).config;
  await assert.rejects(startPlatform({ config, env, logger: silentLogger() }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'listen.port_in_use');
    assert.match(err.message, new RegExp(`HTTP port ${platform.ports.http} is already in use; choose another with --http-port`));
    return true;
  });
});
