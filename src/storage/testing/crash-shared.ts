/**
 * What the crash child writes and what the parent checks after the kill: both sides derive the
 * expected data from the round number, so the check never trusts the store it is checking.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StorageAdapter, TimePoint } from '../port.js';

/** Upper bound on rounds; the parent kills the child long before. */
export const CRASH_MAX_ROUNDS = 100_000;
export const POINTS_PER_ROUND = 50;
const T0 = Date.UTC(2024, 5, 1);

export function crashBody(i: number): unknown {
  return { i, name: `doc ${i} "quoted" 😀`, filler: 'z'.repeat(200 + (i % 300)), list: [i, i / 3, { even: i % 2 === 0 }] };
}

export function crashPoints(i: number): TimePoint[] {
  return Array.from({ length: POINTS_PER_ROUND }, (_, k) => ({
    series: 'crash/temp',
    time: new Date(T0 + (i * POINTS_PER_ROUND + k) * 1000),
    arrival: new Date(T0 + (i * POINTS_PER_ROUND + k) * 1000 + 7),
    value: i + k / 100,
  }));
}

export interface CrashRun {
  /** Highest round whose document write was acknowledged (-1: none). */
  readonly lastDoc: number;
  /** Highest round whose points append was acknowledged (-1: none). */
  readonly lastPoints: number;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs crash-child.ts with `args`, waits for `killAfter` acknowledged documents, then SIGKILLs it.
 * Rejects if the child exits by itself or takes longer than `timeoutMs` to get there.
 */
export async function runAndKill(args: readonly string[], killAfter: number, timeoutMs = 60_000): Promise<CrashRun> {
  const script = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let lastDoc = -1;
  let lastPoints = -1;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  for await (const line of createInterface({ input: child.stdout })) {
    const [what, n] = line.split(' ');
    if (what === 'doc') lastDoc = Number(n);
    if (what === 'points') lastPoints = Number(n);
    if (lastDoc + 1 >= killAfter) {
      child.kill('SIGKILL');
      break;
    }
  }
  const signal = await exited;
  clearTimeout(timer);
  assert.equal(signal, 'SIGKILL', `child should have been killed mid-stream; stderr: ${stderr}`);
  assert.ok(lastDoc + 1 >= killAfter, `child acknowledged only ${lastDoc + 1} writes before the timeout; stderr: ${stderr}`);
  return { lastDoc, lastPoints, signal };
}

/** Every acknowledged write is there and intact; whatever else is there is intact too. */
export async function verifyAfterCrash(s: StorageAdapter, run: CrashRun): Promise<{ docs: number; points: number }> {
  const docs = await s.list('twins', { prefix: 'doc-', limit: 100_000 });
  const rounds = new Set<number>();
  for (const d of docs) {
    const i = Number(d.id.slice('doc-'.length));
    assert.equal(d.version, 1, d.id);
    assert.deepEqual(d.body, crashBody(i), `${d.id} is intact`);
    rounds.add(i);
  }
  for (let i = 0; i <= run.lastDoc; i++) assert.ok(rounds.has(i), `acknowledged doc-${i} survived`);
  // The child writes sequentially, so at most the one in-flight write beyond the last ack may exist.
  assert.ok(rounds.size <= run.lastDoc + 2, `${rounds.size} docs for ${run.lastDoc + 1} acks`);
  const progress = await s.get('settings', 'progress');
  assert.ok(progress !== undefined);
  const last = (progress.body as { last: number }).last;
  assert.ok(last >= run.lastDoc && last <= run.lastDoc + 1, `progress ${last} vs last ack ${run.lastDoc}`);
  assert.equal(progress.version, last + 1); // one put per round, starting at version 1 for round 0

  const points = await s.readPoints({ series: 'crash/temp', from: new Date(T0), to: new Date(T0 + 1e12), limit: 1_000_000 });
  const expected = new Map<number, TimePoint>();
  for (let i = 0; i <= run.lastPoints + 1; i++) for (const p of crashPoints(i)) expected.set(p.time.getTime(), p);
  for (const p of points) {
    const want = expected.get(p.time.getTime());
    assert.ok(want, `unexpected point at ${p.time.toISOString()}`);
    assert.deepEqual([p.arrival.getTime(), p.value], [want.arrival.getTime(), want.value]);
  }
  const acked = (run.lastPoints + 1) * POINTS_PER_ROUND;
  // All-or-nothing appends: the acknowledged rounds, plus possibly one whole in-flight round.
  assert.ok(points.length === acked || points.length === acked + POINTS_PER_ROUND, `${points.length} points for ${acked} acknowledged`);
  return { docs: rounds.size, points: points.length };
}
