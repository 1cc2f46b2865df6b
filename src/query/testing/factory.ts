/**
 * A small hand-built factory for tests, so every expected result can be worked out on paper:
 *
 *   factory-1 -contains-> line-1, line-2, line-3
 *   line-N    -contains-> m-N-1 .. m-N-4
 *   m-N-1 -feeds-> m-N-2 -feeds-> m-N-3 -feeds-> m-N-4   (every line)
 *   m-1-4 -feeds-> m-2-1                                 (line 1 hands over to line 2)
 *   m-3-4 -feeds-> m-3-1                                 (line 3 is a loop)
 *
 * Models: Factory, Line, Machine; CncMachine and Press extend Machine; FiveAxisCnc extends CncMachine.
 * factory-1: name 'Plant A', site {city 'Lyon'}. line-N: name 'Line N', shift 'day' (line-3: 'night'),
 * active true (line-3: false); line-1 also has Group 'BravoTeam' (a reserved word as property name).
 * feeds m-N-k -> m-N-(k+1): conveyor 'belt' (k = 2: 'robot'), lengthM 5k; m-1-4 -> m-2-1: 'agv', 120;
 * m-3-4 -> m-3-1: 'belt', 2.
 * Machines (i = 0..11 in table order): tags ['critical', 1] when i is even, else ['spare'];
 * maintenance {intervalDays 30/40/50/60 by position in the line, lastService null}.
 *
 *   twin   model        oee   status   serial
 *   m-1-1  CncMachine   0.80  running  S-100
 *   m-1-2  CncMachine   0.70  running  S-101
 *   m-1-3  Press        0.90  idle     S-102
 *   m-1-4  Machine      0.60  down     S-103
 *   m-2-1  FiveAxisCnc  0.50  running  S-200
 *   m-2-2  Press        0.65  down     S-201
 *   m-2-3  Press        0.85  running  S-202
 *   m-2-4  Machine      0.40  idle     S-203
 *   m-3-1  CncMachine   0.95  running  S-300
 *   m-3-2  Machine      0.70  running  S-301
 *   m-3-3  FiveAxisCnc  0.55  idle     S-302
 *   m-3-4  Press        (none) down    S-303
 */
import type { RelationshipDocument, TwinDocument } from '../port.js';
import { MemoryGraph, type MemoryGraphOptions } from './memory-graph.js';

export const M = {
  factory: 'dtmi:twinworks:Factory;1',
  line: 'dtmi:twinworks:Line;1',
  machine: 'dtmi:twinworks:Machine;1',
  cnc: 'dtmi:twinworks:CncMachine;1',
  press: 'dtmi:twinworks:Press;1',
  fiveAxis: 'dtmi:twinworks:FiveAxisCnc;1',
} as const;

const T0 = '2024-05-01T08:00:00Z';

function twin(id: string, model: string, props: Record<string, unknown>): TwinDocument {
  const metadata: Record<string, unknown> = { $model: model };
  for (const k of Object.keys(props)) metadata[k] = { lastUpdateTime: T0 };
  return { $dtId: id, $etag: `W/"${id}-1"`, $metadata: metadata as TwinDocument['$metadata'], ...props };
}

function rel(source: string, name: string, target: string, props: Record<string, unknown> = {}): RelationshipDocument {
  return {
    $relationshipId: `${source}-${name}-${target}`,
    $sourceId: source,
    $targetId: target,
    $relationshipName: name,
    $etag: `W/"${source}-${name}-${target}"`,
    ...props,
  };
}

const MACHINES: ReadonlyArray<[string, string, number | undefined, string]> = [
  ['m-1-1', M.cnc, 0.8, 'running'], ['m-1-2', M.cnc, 0.7, 'running'], ['m-1-3', M.press, 0.9, 'idle'], ['m-1-4', M.machine, 0.6, 'down'],
  ['m-2-1', M.fiveAxis, 0.5, 'running'], ['m-2-2', M.press, 0.65, 'down'], ['m-2-3', M.press, 0.85, 'running'], ['m-2-4', M.machine, 0.4, 'idle'],
  ['m-3-1', M.cnc, 0.95, 'running'], ['m-3-2', M.machine, 0.7, 'running'], ['m-3-3', M.fiveAxis, 0.55, 'idle'], ['m-3-4', M.press, undefined, 'down'],
];

export function buildFactory(options: MemoryGraphOptions = {}): MemoryGraph {
  const g = new MemoryGraph({
    autoIndexAfter: 0,
    ...options,
    models: [
      { id: M.factory }, { id: M.line }, { id: M.machine },
      { id: M.cnc, extends: [M.machine] }, { id: M.press, extends: [M.machine] }, { id: M.fiveAxis, extends: [M.cnc] },
    ],
  });
  g.upsertTwin(twin('factory-1', M.factory, { name: 'Plant A', site: { city: 'Lyon', $metadata: {} } }));
  for (const n of [1, 2, 3]) {
    const line: Record<string, unknown> = { name: `Line ${n}`, shift: n === 3 ? 'night' : 'day', active: n !== 3 };
    if (n === 1) line.Group = 'BravoTeam';
    g.upsertTwin(twin(`line-${n}`, M.line, line));
    g.upsertRelationship(rel('factory-1', 'contains', `line-${n}`));
  }
  MACHINES.forEach(([id, model, oee, status], i) => {
    const line = id.slice(2, 3);
    const props: Record<string, unknown> = {
      status,
      serial: `S-${line}0${i % 4}`,
      tags: i % 2 === 0 ? ['critical', 1] : ['spare'],
      maintenance: { $metadata: {}, intervalDays: 30 + (i % 4) * 10, lastService: null },
    };
    if (oee !== undefined) props.oee = oee;
    g.upsertTwin(twin(id, model, props));
    g.upsertRelationship(rel(`line-${line}`, 'contains', id));
  });
  for (const n of [1, 2, 3]) {
    for (const k of [1, 2, 3]) g.upsertRelationship(rel(`m-${n}-${k}`, 'feeds', `m-${n}-${k + 1}`, { conveyor: k === 2 ? 'robot' : 'belt', lengthM: k * 5 }));
  }
  g.upsertRelationship(rel('m-1-4', 'feeds', 'm-2-1', { conveyor: 'agv', lengthM: 120 }));
  g.upsertRelationship(rel('m-3-4', 'feeds', 'm-3-1', { conveyor: 'belt', lengthM: 2 }));
  return g;
}
