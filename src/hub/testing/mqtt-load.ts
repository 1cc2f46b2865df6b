/**
 * Load generator for bench/ingest.ts, run as a child process (IPC). It must cost little next to the
 * broker it measures, so it speaks MQTT 3.1.1 over raw sockets with pre-encoded packets instead of
 * running an MQTT client library per device (mqtt.js cost ~40 µs of CPU per message, as much as the
 * broker itself):
 * - CONNECT (§3.1) with client id = user name = device id and the device key as password;
 * - QoS 1 PUBLISH (§3.3) of a fixed-width JSON body whose numbers are written into a template
 *   (JSON allows whitespace before a number, so fields are right-aligned and space-padded);
 * - PUBACK (§3.4) parsing; every publish a device sends in one turn goes out in one socket write.
 *
 * Reports acknowledged counts, PUBACK latencies, the send time of each message (for publish → twin
 * updated) and its own CPU time over the measured window.
 */
import { connect as netConnect, type Socket } from 'node:net';

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

/** Packet identifiers cycle through 1..SLOTS, so a device never has more than SLOTS in flight. */
const SLOTS = 1024;
const MAX_INFLIGHT_OPEN = 200;

/** MQTT 3.1.1 §2.2.3 Remaining Length. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

export function encodeConnect(clientId: string, username: string, password: string | undefined, keepaliveS: number): Buffer {
  // §3.1.2: protocol name "MQTT", level 4, flags: user name, password, clean session.
  const flags = 0x80 | (password !== undefined ? 0x40 : 0) | 0x02;
  const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, keepaliveS >> 8, keepaliveS & 0xff]);
  const payload = Buffer.concat([utf8Field(clientId), utf8Field(username), ...(password !== undefined ? [utf8Field(password)] : [])]);
  return Buffer.concat([Buffer.from([0x10, ...varint(variable.length + payload.length)]), variable, payload]);
}

// The body: 5 fields like the simulator's machines. Offsets of the variable parts are found once.
const BODY = '{"temperature":20.0,"pressure":1.00,"running":true,"seq":          ,"sentAt":             }';
const SEQ_END = BODY.indexOf(',"sentAt"');
const SENT_END = BODY.length - 1;
const TEMP_AT = BODY.indexOf('20.0');
const PRES_AT = BODY.indexOf('1.00');

/** Writes `v` right-aligned ending before `end` (digits only; the template holds spaces before it). */
function writeDigits(buf: Buffer, end: number, v: number): void {
  let i = end - 1;
  do {
    buf[i--] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
}

/** One device's pre-encoded PUBLISH: fixed header, topic, then packet id and body are filled per message. */
export class PublishTemplate {
  readonly bytes: Buffer;
  private readonly pidAt: number;
  private readonly bodyAt: number;

  constructor(topic: string) {
    const t = utf8Field(topic);
    const body = Buffer.from(BODY);
    // §3.3.1: type 3, QoS 1 → 0x32; remaining length = topic + packet id + payload.
    const head = Buffer.from([0x32, ...varint(t.length + 2 + body.length)]);
    this.bytes = Buffer.concat([head, t, Buffer.alloc(2), body]);
    this.pidAt = head.length + t.length;
    this.bodyAt = this.pidAt + 2;
  }

  /** Writes message `seq` with packet id `pid` at `offset` of `out` (which must have room for `bytes.length`). */
  fill(out: Buffer, offset: number, pid: number, seq: number, sentAt: number): void {
    this.bytes.copy(out, offset);
    out[offset + this.pidAt] = pid >> 8;
    out[offset + this.pidAt + 1] = pid & 0xff;
    const b = offset + this.bodyAt;
    const t = seq % 50; // temperature 20.0 … 24.9
    out[b + TEMP_AT + 1] = 0x30 + Math.floor(t / 10);
    out[b + TEMP_AT + 3] = 0x30 + (t % 10);
    out[b + PRES_AT + 3] = 0x30 + (seq % 7); // pressure 1.00 … 1.06
    writeDigits(out, b + SEQ_END, seq);
    writeDigits(out, b + SENT_END, sentAt);
  }
}

/**
 * Splits a byte stream into MQTT packets and reports each PUBACK's packet identifier (§3.4); other
 * packets (none expected: the devices subscribe to nothing) are skipped.
 */
export class AckReader {
  private rest: Buffer | undefined;
  constructor(private readonly onAck: (pid: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let i = 0;
    while (i < buf.length) {
      let len = 0;
      let mul = 1;
      let j = i + 1;
      let complete = false;
      for (; j < buf.length && j < i + 5; j++) {
        const b = buf[j] as number;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          j++;
          break;
        }
      }
      if (!complete || j + len > buf.length) break;
      if ((buf[i] as number) >> 4 === 4 && len === 2) this.onAck(((buf[j] as number) << 8) | (buf[j + 1] as number));
      i = j + len;
    }
    this.rest = i < buf.length ? buf.subarray(i) : undefined;
  }
}

interface Device {
  readonly id: string;
  readonly socket: Socket;
  readonly template: PublishTemplate;
  seq: number;
  inflight: number;
  /** Send time (performance.now) and seq by packet identifier. */
  readonly sentPerf: Float64Array;
  readonly sentSeq: Float64Array;
  onAck?: (pid: number) => void;
}

let devices: Device[] = [];

function send(msg: unknown): void {
  process.send!(msg);
}

async function connectOne(url: URL, d: { id: string; key?: string }): Promise<Device> {
  const socket = netConnect({ host: url.hostname, port: Number(url.port || 1883), noDelay: true });
  const device: Device = { id: d.id, socket, template: new PublishTemplate(`devices/${d.id}/messages/events/`), seq: 0, inflight: 0, sentPerf: new Float64Array(SLOTS + 1), sentSeq: new Float64Array(SLOTS + 1) };
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write(encodeConnect(d.id, d.id, d.key, 120)));
    socket.once('data', (chunk: Buffer) => {
      // CONNACK §3.2: 0x20 0x02 flags return-code.
      if (chunk[0] !== 0x20 || chunk[3] !== 0) return reject(new Error(`device ${d.id}: CONNACK ${chunk.subarray(0, 4).toString('hex')}`));
      socket.off('error', reject);
      resolve();
    });
  });
  const reader = new AckReader((pid) => device.onAck?.(pid));
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => undefined);
  return device;
}

async function connectAll(cmd: ConnectCmd): Promise<void> {
  const url = new URL(cmd.url);
  const batch = 50;
  for (let i = 0; i < cmd.devices.length; i += batch) devices.push(...(await Promise.all(cmd.devices.slice(i, i + batch).map((d) => connectOne(url, d)))));
}

/** Send times (epoch ms) by device, indexed by seq - 1, for the publish → twin updated latency. */
let sentAt: Record<string, number[]> = {};

/** Sends `n` messages for one device in one write. */
function publish(d: Device, n: number, perf: number, epochMs: number, record: boolean): void {
  const size = d.template.bytes.length;
  const out = Buffer.allocUnsafe(size * n);
  const sends = record ? (sentAt[d.id] ??= []) : undefined;
  for (let k = 0; k < n; k++) {
    const seq = ++d.seq;
    const pid = ((seq - 1) % SLOTS) + 1;
    d.template.fill(out, k * size, pid, seq, epochMs);
    d.sentPerf[pid] = perf;
    d.sentSeq[pid] = seq;
    if (sends) sends[seq - 1] = epochMs;
  }
  d.inflight += n;
  d.socket.write(out);
}

async function run(cmd: RunCmd): Promise<void> {
  const start = performance.now();
  const measureFrom = start + cmd.warmupMs;
  const end = measureFrom + cmd.measureMs;
  let cpuAtMeasure: NodeJS.CpuUsage | undefined;
  let acked = 0;
  let offered = 0;
  let skipped = 0;
  const latencies: number[] = [];
  const closed = cmd.mode === 'closed';
  // Acks that arrive in one I/O turn are answered together: one write per device per turn.
  const owed = new Map<Device, number>();
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const now = performance.now();
    if (now >= end) return owed.clear();
    const epoch = Date.now();
    for (const [d, n] of owed) publish(d, n, now, epoch, true);
    owed.clear();
  };
  for (const d of devices) {
    d.onAck = (pid) => {
      d.inflight--;
      const t0 = d.sentPerf[pid] as number;
      const t1 = performance.now();
      // Closed loop: sent and acknowledged inside the window. Open loop: acknowledged inside it (what
      // the hub delivers at that offered rate; when it cannot keep up, the latencies show the backlog).
      if (closed ? t0 >= measureFrom && t1 <= end : t1 >= measureFrom && t1 <= end) {
        acked++;
        if (latencies.length < 400_000) latencies.push(t1 - t0);
      }
      if (!cpuAtMeasure && t1 >= measureFrom) cpuAtMeasure = process.cpuUsage();
      if (closed && t1 < end) {
        owed.set(d, (owed.get(d) ?? 0) + 1);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }
    };
  }

  if (closed) {
    const epoch = Date.now();
    for (const d of devices) publish(d, cmd.window, start, epoch, true);
    while (performance.now() < end) await new Promise((r) => setTimeout(r, 50));
  } else {
    // Open loop: a 5 ms tick sends every message that is due, without waiting for acks.
    const phase = devices.map((_, i) => (i * 7919) % 1000);
    const sentDue = devices.map(() => 0);
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (now >= end) return resolve();
        if (!cpuAtMeasure && now >= measureFrom) cpuAtMeasure = process.cpuUsage();
        const epoch = Date.now();
        const measured = now >= measureFrom;
        devices.forEach((d, i) => {
          const due = Math.floor(((now - start + (phase[i] as number)) / 1000) * cmd.ratePerDevice);
          let n = due - (sentDue[i] as number);
          if (n <= 0) return;
          sentDue[i] = due;
          if (measured) offered += n;
          const room = MAX_INFLIGHT_OPEN - d.inflight;
          if (n > room) {
            if (measured) skipped += n - Math.max(0, room);
            n = Math.max(0, room);
          }
          if (n > 0 && !d.socket.destroyed) publish(d, n, now, epoch, true);
        });
        setTimeout(tick, 5);
      };
      tick();
    });
  }
  // Messages sent before the end count when acknowledged within a short drain.
  const drainUntil = performance.now() + 2000;
  while (devices.some((d) => d.inflight > 0) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpuAtMeasure);
  const failed = devices.reduce((n, d) => n + Math.max(0, d.inflight), 0);
  send({ done: true, acked, failed, offered, skipped, latencies, cpuMs: (cpu.user + cpu.system) / 1000, sentAt });
  sentAt = {};
  for (const d of devices) d.inflight = 0;
}

// Only as a forked child (the codec above is also imported by tests).
if (process.send) process.on('message', (m: ConnectCmd | RunCmd | { cmd: 'close' }) => {
  if (m.cmd === 'connect') {
    connectAll(m).then(
      () => send({ connected: devices.length }),
      (err: Error) => send({ error: err.message }),
    );
  } else if (m.cmd === 'run') {
    void run(m);
  } else {
    // DISCONNECT §3.14, then close.
    for (const d of devices) d.socket.end(Buffer.from([0xe0, 0x00]));
    devices = [];
    setTimeout(() => process.exit(0), 50);
  }
});
