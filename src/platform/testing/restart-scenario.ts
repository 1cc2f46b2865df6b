import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnPlatform, kill } from './child.js';
import { call } from './http.js';

const ARGS = ['--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--mqtt-ws-port', '0', '--mqtt-wss-port', '0', '--no-pdm-bootstrap', '--no-simulator'];
const ENV = { TWINWORKS_ADMIN_PASSWORD: 'admin-password', TWINWORKS_LOG_LEVEL: 'info' };

/**
 * Starts `twinworks start` as a child process, makes acknowledged writes over HTTP, SIGKILLs it,
 * starts it again on the same store and checks every acknowledged write is there.
 */
export async function killAndRestartScenario(extraArgs: readonly string[]): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'tw-restart-'));
  const args = [...ARGS, '--data', data, ...extraArgs];
  const first = await spawnPlatform(args, ENV);
  const base = `http://127.0.0.1:${first.ports.http}`;
  const admin = (await call(`${base}/api/auth/token`, { method: 'POST', body: { username: 'admin', password: 'admin-password' } })).json<{ access_token: string }>().access_token;
  const auth = { authorization: `Bearer ${admin}` };

  // Acknowledged writes: users created (201) and an API key issued (201), the last one right before the kill.
  const usernames = Array.from({ length: 5 }, (_, i) => `operator${i}`);
  for (const username of usernames) {
    const res = await call(`${base}/api/users`, { method: 'POST', headers: auth, body: { username, password: `pass-${username}`, roles: ['operator'] } });
    assert.equal(res.status, 201, res.body);
  }
  const keyRes = await call(`${base}/api/auth/api-keys`, { method: 'POST', headers: auth, body: { name: 'survivor' } });
  assert.equal(keyRes.status, 201);
  const { key } = keyRes.json<{ key: string }>();
  await kill(first.process, 'SIGKILL');

  const second = await spawnPlatform(args, ENV);
  try {
    const base2 = `http://127.0.0.1:${second.ports.http}`;
    for (const username of usernames) {
      const res = await call(`${base2}/api/auth/token`, { method: 'POST', body: { username, password: `pass-${username}` } });
      assert.equal(res.status, 200, `${username} should still sign in after the restart: ${res.body}`);
    }
    const me = await call(`${base2}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(me.status, 200);
    // The old token still verifies: the signing key is durable too.
    assert.equal((await call(`${base2}/api/auth/me`, { headers: auth })).status, 200);
    // No second admin password was generated: the first start's accounts are intact.
    assert.doesNotMatch(second.stderr(), /generated password/);
  } finally {
    await kill(second.process, 'SIGTERM');
  }
}
