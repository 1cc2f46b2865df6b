/**
 * "A crash after the ack loses nothing": a hub process on a DuckDB file takes QoS 1 telemetry from
 * 20 devices as fast as they can send; it is killed with SIGKILL mid-load. Every message whose
 * PUBACK a device received must be in the store once the hub has started again.
 *
 * Twice: acknowledging after the store's commit (no write-ahead log), and after the write-ahead
 * log's fsync, with store appends slowed so that acknowledged messages are only in the log when the
 * process dies, and the restarted hub must replay them into the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { createDuckDbStorage } from '../storage/index.js';

const CHILD = fileURLToPath(new URL('./testing/hub-child.ts', import.meta.url));
const DEVICES = 20;
const WINDOW = 20; // QoS 1 messages in flight per device

function startChild(file: string, walDir: string | undefined, env: Record<string, string> = {}): { child: ChildProcess; ready: Promise<{ port: number; keys: Record<string, string> }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(DEVICES), '{}', ...(walDir ? [walDir] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<{ port: number; keys: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub child not ready; stderr:\n${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub child exited with ${code}; stderr:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { ready?: boolean; port: number; keys: Record<string, string> };
      if (m.ready) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
  return { child, ready };
}

/** Sends from every device with WINDOW messages in flight, SIGKILLs the child after `ms`; returns the acked seqs per device. */
async function loadAndKill(child: ChildProcess, port: number, keys: Record<string, string>, ms: number): Promise<Map<string, Set<number>>> {
  const acked = new Map<string, Set<number>>();
  let stop = false;
  const clients = Object.entries(keys).map(([deviceId, key]) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: deviceId, username: deviceId, password: key, reconnectPeriod: 0 });
    c.on('error', () => undefined);
    acked.set(deviceId, new Set());
    return { deviceId, c };
  });
  await Promise.all(clients.map(({ c }) => new Promise((r) => c.once('connect', r))));
  const senders = clients.map(async ({ deviceId, c }) => {
    let seq = 0;
    const inflight = new Set<Promise<void>>();
    while (!stop && c.connected) {
      const n = ++seq;
      const p = c
        .publishAsync(`devices/${deviceId}/messages/events/`, JSON.stringify({ seq: n }), { qos: 1 })
        .then(
          () => void acked.get(deviceId)!.add(n),
          () => undefined,
        )
        .finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= WINDOW) await Promise.race(inflight);
    }
  });
  // Let the load build up, then kill the hub without warning.
  await new Promise((r) => setTimeout(r, ms));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  stop = true;
  for (const { c } of clients) c.end(true);
  await Promise.race([Promise.all(senders), new Promise((r) => setTimeout(r, 2000))]);
  return acked;
}

/** Acknowledged messages missing from the store file, and how many messages it holds. */
async function audit(file: string, acked: Map<string, Set<number>>): Promise<{ missing: number; stored: number }> {
  const store = createDuckDbStorage({ file });
  await store.open();
  try {
    let missing = 0;
    let stored = 0;
    for (const [deviceId, seqs] of acked) {
      const points = await store.readPoints({ series: `devices/${deviceId}/seq`, from: new Date(0), to: new Date(Date.now() + 3_600_000), limit: 1_000_000 });
      const have = new Set(points.map((p) => p.value));
      stored += have.size;
      for (const s of seqs) if (!have.has(s)) missing++;
    }
    return { missing, stored };
  } finally {
    await store.close();
  }
}

for (const withWal of [false, true]) {
  const name = withWal ? 'with the write-ahead log (ack after its fsync)' : 'without the write-ahead log (ack after the store commit)';
  test(`SIGKILL under load ${name}: every acknowledged message is in the store after restart`, { timeout: 150_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'twinworks-kill-'));
    const file = join(dir, 'hub.duckdb');
    const walDir = withWal ? join(dir, 'wal') : undefined;
    const children: ChildProcess[] = [];
    try {
      // With the log, store appends are slowed (a stall like a checkpoint's) so that the store lags the
      // acknowledgements when the kill comes and the restart has something to replay.
      const first = startChild(file, walDir, withWal ? { HUB_CHILD_APPEND_DELAY_MS: '400' } : {});
      children.push(first.child);
      const { port, keys } = await first.ready;
      const acked = await loadAndKill(first.child, port, keys, 1500);
      const totalAcked = [...acked.values()].reduce((n, s) => n + s.size, 0);
      assert.ok(totalAcked > 100, `load too light to mean anything: ${totalAcked} acks`);

      // What the store file alone holds right after the crash (with the log, some may be only there).
      const beforeReplay = await audit(file, acked);
      if (!withWal) assert.equal(beforeReplay.missing, 0, `${beforeReplay.missing} of ${totalAcked} acknowledged messages were lost`);
      else assert.ok(beforeReplay.missing > 0, 'every acknowledged message was already in the store: the replay went untested');

      // Start again (the log is replayed before the hub listens), then stop cleanly.
      const second = startChild(file, walDir);
      children.push(second.child);
      await second.ready;
      const exited = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await exited;

      const { missing, stored } = await audit(file, acked);
      assert.equal(missing, 0, `${missing} of ${totalAcked} acknowledged messages were lost`);
      // Messages may be stored without their ack having arrived (the crash came in between); never the reverse.
      assert.ok(stored >= totalAcked);
      t.diagnostic(`acknowledged ${totalAcked}, stored ${stored}; acknowledged and only in the log at the crash: ${beforeReplay.missing}`);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
