/**
 * Load generator for bench/ingest.ts, run as a child process (IPC): connects its share of the
 * simulated devices with plain MQTT 3.1.1, then publishes JSON telemetry at QoS 1 with a fixed
 * number of messages in flight per device, and reports acknowledged counts, PUBACK latencies and
 * its own CPU time.
 */
import mqtt, { type MqttClient } from 'mqtt';

interface ConnectCmd {
  cmd: 'connect';
  url: string;
  devices: Array<{ id: string; key?: string }>;
}
interface RunCmd {
  cmd: 'run';
  warmupMs: number;
  measureMs: number;
  /** closed: `window` messages in flight per device, next one on each ack. open: `ratePerDevice` msg/s each, whatever the acks. */
  mode: 'closed' | 'open';
  window: number;
  ratePerDevice: number;
}

let clients: Array<{ id: string; c: MqttClient }> = [];

function send(msg: unknown): void {
  process.send!(msg);
}

async function connectAll(cmd: ConnectCmd): Promise<void> {
  const batch = 50;
  for (let i = 0; i < cmd.devices.length; i += batch) {
    const part = cmd.devices.slice(i, i + batch);
    const connected = await Promise.all(
      part.map((d) =>
        mqtt.connectAsync(cmd.url, { clientId: d.id, username: d.id, ...(d.key ? { password: d.key } : {}), reconnectPeriod: 0, keepalive: 120, protocolVersion: 4 }).then((c) => ({ id: d.id, c })),
      ),
    );
    clients.push(...connected);
  }
}

/** Send times (epoch ms) by device, indexed by seq - 1, for the publish → twin updated latency. */
let sentAt: Record<string, number[]> = {};

function body(n: number, id?: string): string {
  const now = Date.now();
  if (id) (sentAt[id] ??= [])[n - 1] = now;
  return JSON.stringify({ temperature: 20 + (n % 50) / 10, pressure: 1 + (n % 7) / 100, running: true, seq: n, sentAt: now });
}

/** Fixed offered rate: a 5 ms tick sends every message that is due, without waiting for acks. */
async function runOpen(cmd: RunCmd): Promise<void> {
  const start = performance.now();
  const measureFrom = start + cmd.warmupMs;
  const end = measureFrom + cmd.measureMs;
  let cpuAtMeasure: NodeJS.CpuUsage | undefined;
  let acked = 0;
  let failed = 0;
  let offered = 0;
  let skipped = 0;
  const latencies: number[] = [];
  const state = clients.map(({ id, c }, i) => ({ id, c, topic: `devices/${id}/messages/events/`, seq: 0, inflight: 0, phase: (i * 7919) % 1000 }));
  const maxInflight = 200;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= end) return resolve();
      if (!cpuAtMeasure && now >= measureFrom) cpuAtMeasure = process.cpuUsage();
      for (const d of state) {
        const due = Math.floor(((now - start + d.phase) / 1000) * cmd.ratePerDevice);
        while (d.seq < due) {
          const n = ++d.seq;
          const measured = now >= measureFrom;
          if (measured) offered++;
          if (d.inflight >= maxInflight || !d.c.connected) {
            if (measured) skipped++;
            continue;
          }
          d.inflight++;
          const t0 = performance.now();
          d.c.publishAsync(d.topic, body(n, d.id), { qos: 1 }).then(
            () => {
              d.inflight--;
              const t1 = performance.now();
              if (t0 >= measureFrom && t0 <= end) {
                acked++;
                if (latencies.length < 300_000) latencies.push(t1 - t0);
              }
            },
            () => {
              d.inflight--;
              failed++;
            },
          );
        }
      }
      setTimeout(tick, 5);
    };
    tick();
  });
  // Give messages sent near the end time to be acknowledged (they count when sent in the window).
  const drainUntil = performance.now() + 2000;
  while (state.some((d) => d.inflight > 0) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpuAtMeasure);
  send({ done: true, acked, failed, offered, skipped, latencies, cpuMs: (cpu.user + cpu.system) / 1000, sentAt });
  sentAt = {};
}

async function run(cmd: RunCmd): Promise<void> {
  if (cmd.mode === 'open') return runOpen(cmd);
  const start = performance.now();
  const measureFrom = start + cmd.warmupMs;
  const end = measureFrom + cmd.measureMs;
  const cpu0 = process.cpuUsage();
  let cpuAtMeasure: NodeJS.CpuUsage | undefined;
  let acked = 0;
  let failed = 0;
  const latencies: number[] = [];
  await Promise.all(
    clients.map(async ({ id, c }) => {
      let seq = 0;
      const topic = `devices/${id}/messages/events/`;
      const lane = async () => {
        while (performance.now() < end && c.connected) {
          const n = ++seq;
          const t0 = performance.now();
          try {
            await c.publishAsync(topic, body(n, id), { qos: 1 });
          } catch {
            failed++;
            continue;
          }
          const t1 = performance.now();
          if (t0 >= measureFrom && t1 <= end) {
            acked++;
            if (latencies.length < 200_000) latencies.push(t1 - t0);
          }
          if (!cpuAtMeasure && t1 >= measureFrom) cpuAtMeasure = process.cpuUsage();
        }
      };
      await Promise.all(Array.from({ length: cmd.window }, lane));
    }),
  );
  const cpu = process.cpuUsage(cpuAtMeasure ?? cpu0);
  send({ done: true, acked, failed, latencies, cpuMs: (cpu.user + cpu.system) / 1000, sentAt });
  sentAt = {};
}

process.on('message', (m: ConnectCmd | RunCmd | { cmd: 'close' }) => {
  if (m.cmd === 'connect') {
    connectAll(m).then(
      () => send({ connected: clients.length }),
      (err: Error) => send({ error: err.message }),
    );
  } else if (m.cmd === 'run') {
    void run(m);
  } else {
    for (const { c } of clients) c.end(true);
    clients = [];
    setTimeout(() => process.exit(0), 50);
  }
});
