import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../observability/index.js';
import { startPlatform, type RunningPlatform } from './index.js';
import { call } from './testing/http.js';

const data = mkdtempSync(join(tmpdir(), 'tw-demo-'));
const args = ['--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--mqtt-ws-port', '0', '--mqtt-wss-port', '0', '--no-pdm-bootstrap', '--demo-history-days', '0.05', '--data', data];
const env = { TWINWORKS_ADMIN_PASSWORD: 'admin-password' };
let platform: RunningPlatform | undefined;
after(async () => platform?.stop());

test('the default start creates the demo plant: 3 lines × 4 machines in flow order, queryable over the ADT API', async () => {
  platform = await startPlatform({ config: loadConfig(args, env).config, env, logger: silentLogger() });
  const base = `http://127.0.0.1:${platform.ports.http}`;
  const token = (await platform.auth.login('admin', 'admin-password')).access_token;
  const query = async (q: string) => {
    const res = await call(`${base}/query?api-version=2023-10-31`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { query: q } });
    assert.equal(res.status, 200, res.body);
    return res.json<{ value: Array<Record<string, unknown>> }>().value;
  };
  const machines = await query("SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL('dtmi:twinworks:plant:Machine;1')");
  assert.equal(machines.length, 12);
  for (const line of ['LINE-1', 'LINE-2', 'LINE-3']) {
    for (const kind of ['CNC', 'ROBOT', 'CONVEYOR', 'QC']) assert.ok(machines.some((m) => m['$dtId'] === `${line}-${kind}`), `${line}-${kind} exists`);
  }
  // Material flow: CNC → robot → conveyor → quality station, as `feeds` relationships.
  const flow = await query("SELECT B.$dtId FROM DIGITALTWINS A JOIN B RELATED A.feeds WHERE A.$dtId = 'LINE-2-CNC'");
  assert.deepEqual(flow.map((r) => r['$dtId']), ['LINE-2-ROBOT']);
});

test('the embedded simulator provisions through DPS; telemetry reaches the twins and the history; a command stops a machine', async () => {
  assert.ok(platform, 'started by the previous test');
  const p = platform;
  const base = `http://127.0.0.1:${p.ports.http}`;
  const admin = { authorization: `Bearer ${(await p.auth.login('admin', 'admin-password')).access_token}` };
  const get = async <T>(path: string) => {
    const res = await call(`${base}${path}`, { headers: admin });
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    return res.json<T>();
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  // Twelve machines registered themselves through the enrollment group and are connected.
  const devices = await until('12 connected devices', async () => {
    const list = await get<{ value: Array<{ deviceId: string; connectionState?: string }> }>('/api/hub/devices');
    const connected = list.value.filter((d) => d.connectionState === 'Connected');
    return connected.length === 12 ? connected : undefined;
  });
  assert.ok(devices.some((d) => d.deviceId === 'LINE-2-CNC'));

  // Their telemetry is history under the twin's name: numbers and the machine state as text.
  const series = await until('LINE-1-CNC history', async () => {
    const s = await get<{ value: Array<{ series: string; signal: string; kind: string }> }>('/api/timeseries/series?twin=LINE-1-CNC');
    return s.value.some((x) => x.signal === 'temperature') && s.value.some((x) => x.signal === 'state') ? s.value : undefined;
  });
  assert.equal(series.find((x) => x.signal === 'state')?.kind, 'text');
  const values = await until('LINE-1-CNC temperature points', async () => {
    const temps = await get<{ value: Array<{ points: Array<{ value: number }> }> }>(`/api/timeseries/points?series=LINE-1-CNC/temperature&from=now-1h`);
    const v = (temps.value[0]?.points ?? []).map((x) => x.value);
    return v.length > 0 ? v : undefined;
  });
  assert.ok(values.length > 0 && values.every((v) => v > 5 && v < 150), `plausible spindle temperatures in °C: ${values.slice(0, 5).join(', ')}`);
  // The demo backfilled 0.05 days (72 minutes) of history before going live: source times reach back.
  const backfilled = await until('backfilled history', async () => {
    const old = await get<{ value: Array<{ points: unknown[] }> }>(`/api/timeseries/points?series=LINE-2-QC/goodCount&from=now-80m&to=now-60m`);
    return (old.value[0]?.points.length ?? 0) >= 5 ? old.value[0]!.points.length : undefined;
  });
  assert.ok(backfilled <= 21, `one sample a minute while backfilling, got ${backfilled} in 20 minutes`);

  // An emergency stop through the twin's command reaches the machine, which reports it back as its state.
  const stop = await call(`${base}/api/twins/LINE-3-ROBOT/commands/emergencyStop`, { method: 'POST', headers: admin, body: {} });
  assert.equal(stop.status, 200, stop.body);
  assert.equal(stop.json<{ status: number }>().status, 200);
  const twin = await until('LINE-3-ROBOT down', async () => {
    const t = await get<{ state?: string; stateReason?: string }>('/digitaltwins/LINE-3-ROBOT?api-version=2023-10-31');
    return t.state === 'down' && t.stateReason === 'emergencyStop' ? t : undefined;
  }, 30_000);
  assert.equal(twin.state, 'down');

  // A command the model does not declare is refused before reaching the device; so is a viewer.
  const unknown = await call(`${base}/api/twins/LINE-3-ROBOT/commands/selfDestruct`, { method: 'POST', headers: admin, body: {} });
  assert.equal(unknown.status, 400, unknown.body);
  await p.auth.users.create({ username: 'vic', password: 'viewer-pass-1', roles: ['viewer'] });
  const viewer = { authorization: `Bearer ${(await p.auth.login('vic', 'viewer-pass-1')).access_token}` };
  const refused = await call(`${base}/api/twins/LINE-3-ROBOT/commands/reset`, { method: 'POST', headers: viewer, body: {} });
  assert.equal(refused.status, 403, refused.body);
});
