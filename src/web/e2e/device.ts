/**
 * Test device: registers a device in the platform's hub and connects it over MQTT with the IoT Hub
 * device protocol (user name `{host}/{deviceId}/?api-version=…`, SAS token as password), answering
 * direct methods (`$iothub/methods/POST/{name}/?$rid={rid}` → `$iothub/methods/res/{status}/?$rid={rid}`)
 * with what the test decides, and recording every call. It stands for a machine, so the browser
 * tests can follow a command from the button to the device and the device's answer back.
 */
import { connect, type MqttClient } from 'mqtt';
import { signSasToken } from '../../hub/index.js';
import type { Harness } from './harness.js';

export interface MethodCall {
  readonly name: string;
  readonly payload: unknown;
}

export interface TestDevice {
  readonly calls: MethodCall[];
  /** One telemetry message (`devices/{id}/messages/events/`, QoS 1): resolves on the hub's PUBACK. */
  send(values: Record<string, number | string>): Promise<void>;
  close(): Promise<void>;
}

type Answer = (call: MethodCall) => { status: number; payload: unknown };
const refuseAll: Answer = () => ({ status: 501, payload: { error: 'no methods here' } });

export async function connectTestDevice(h: Harness, deviceId: string, answer: Answer = refuseAll): Promise<TestDevice> {
  const admin = await h.token('admin', 'admin-password');
  // Linked to the twin of the same id, so its telemetry is that twin's history (src/hub: device.twinId).
  const created = await h.call('POST', '/api/hub/devices', { token: admin, body: { deviceId, twinId: deviceId } });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating device ${deviceId}: ${created.status} ${created.body}`);
  const keys = await h.call('GET', `/api/hub/devices/${encodeURIComponent(deviceId)}/keys`, { token: admin });
  const conn = (JSON.parse(keys.body) as { connectionString?: string }).connectionString;
  if (!conn) throw new Error(`no connection string for ${deviceId}: ${keys.body}`);
  const parts = Object.fromEntries(conn.split(';').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const host = parts['HostName']!;
  const password = signSasToken(`${host}/devices/${deviceId}`, parts['SharedAccessKey']!, Math.floor(Date.now() / 1000) + 3600);
  const client: MqttClient = connect(`mqtt://127.0.0.1:${h.platform.ports.mqtt}`, { clientId: deviceId, username: `${host}/${deviceId}/?api-version=2021-04-12`, password, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const calls: MethodCall[] = [];
  client.on('message', (topic, message) => {
    const m = /^\$iothub\/methods\/POST\/([^/]+)\/\?\$rid=(.+)$/.exec(topic);
    if (!m) return;
    let payload: unknown = null;
    try {
      payload = message.length ? JSON.parse(message.toString('utf8')) : null;
    } catch {
      payload = message.toString('utf8');
    }
    const call = { name: decodeURIComponent(m[1]!), payload };
    calls.push(call);
    const res = answer(call);
    client.publish(`$iothub/methods/res/${res.status}/?$rid=${m[2]}`, JSON.stringify(res.payload));
  });
  await client.subscribeAsync('$iothub/methods/POST/#', { qos: 0 });
  return {
    calls,
    send: async (values) => void (await client.publishAsync(`devices/${deviceId}/messages/events/`, JSON.stringify(values), { qos: 1 })),
    close: () => client.endAsync(),
  };
}
