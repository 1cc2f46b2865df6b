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
const args = ['--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--mqtt-ws-port', '0', '--mqtt-wss-port', '0', '--data', data];
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
