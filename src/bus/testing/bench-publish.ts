/**
 * Micro-benchmark for in-process publishing: CPU time (process.cpuUsage) per 100 000 `twin.updated`
 * events published with publishMany in groups of 100 (as the twin pipeline does after a group
 * commit), with no subscriber, so the figure is the publish path alone. CPU time rather than wall
 * time because the development machine is shared and loaded; the median of the repeats is reported.
 *
 *   nice -n 10 node --import tsx src/bus/testing/bench-publish.ts [repeats]
 */
import type { PublishItem } from '../port.js';
import { frozenJson } from '../delivery.js';
import { createInProcessBus } from '../inprocess/bus.js';
import { isolatePayload } from '../payload.js';

const REPEATS = Number(process.argv[2] ?? 7);
const GROUP = 100;
const EVENTS = 100_000;

/** A twin.updated as the twin pipeline makes it for one telemetry message (three properties). */
function event(i: number): PublishItem {
  const time = new Date(Date.UTC(2026, 10, 22) + i).toISOString();
  const twinId = `cnc-${i % 500}`;
  return {
    name: 'twin.updated',
    key: twinId,
    payload: {
      twinId,
      modelId: 'dtmi:twinworks:plant:Cnc;1',
      etag: `W/"${i.toString(16).padStart(8, '0')}-bbbb-cccc-dddd-000000000001"`,
      time,
      patch: [
        { op: 'replace', path: '/speed', value: i * 0.5 },
        { op: 'replace', path: '/state', value: 'Running' },
        { op: 'replace', path: '/$metadata/speed/lastUpdateTime', value: time },
      ],
    },
  };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

type Mode = { label: string; transfer: boolean };
const modes: Mode[] = [
  { label: 'publishMany (copy)', transfer: false },
  { label: 'publishMany (transfer: true)', transfer: true },
];
const results = new Map<string, number[]>(modes.map((m) => [m.label, []]));
for (let r = 0; r < REPEATS + 1; r++) {
  for (const mode of modes) {
    const groups: PublishItem[][] = [];
    for (let g = 0; g < EVENTS; g += GROUP) groups.push(Array.from({ length: GROUP }, (_, k) => ({ ...event(g + k), ...(mode.transfer ? { transfer: true } : {}) }) as PublishItem));
    const bus = createInProcessBus();
    const c0 = process.cpuUsage();
    for (const items of groups) await bus.publishMany(items);
    const ms = cpuMs(process.cpuUsage(c0));
    await bus.close();
    if (r > 0) results.get(mode.label)?.push(ms);
  }
}
// The payload step alone: the JSON round trip + deep freeze used before, and payload.ts.
const isolation = new Map<string, number[]>([['frozenJson (before)', []], ['isolatePayload copy', []], ['isolatePayload transfer', []]]);
for (let r = 0; r < REPEATS + 1; r++) {
  for (const label of isolation.keys()) {
    const payloads = Array.from({ length: EVENTS }, (_, i) => event(i).payload);
    const c0 = process.cpuUsage();
    for (const p of payloads) {
      if (label === 'frozenJson (before)') frozenJson('twin.updated', p);
      else isolatePayload('twin.updated', p, label === 'isolatePayload transfer');
    }
    const ms = cpuMs(process.cpuUsage(c0));
    if (r > 0) isolation.get(label)?.push(ms);
  }
}
for (const [label, xs] of isolation) results.set(label, xs);
console.log(`CPU per ${EVENTS} twin.updated events, publishMany in groups of ${GROUP}, no subscriber (${REPEATS} repeats)`);
for (const [label, xs] of results) console.log(`${label.padEnd(32)} median ${median(xs).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)} ms`);
