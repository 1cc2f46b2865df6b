import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutPlant, machineKind, MACHINE_SPACING, LINE_SPACING, type ModelInfo, type TwinLike } from '../../../web/src/lib/plant.js';

const P = 'dtmi:twinworks:plant:';
const models = new Map<string, ModelInfo>(
  [
    ['Equipment', []],
    ['WorkCell', ['Equipment']],
    ['Machine', ['WorkCell']],
    ['Cnc', ['Machine']],
    ['Robot', ['Machine']],
    ['Conveyor', ['Machine']],
    ['QualityStation', ['Machine']],
    ['ProductionLine', ['Equipment']],
    ['FancyCnc', ['Cnc']],
  ].map(([id, ext]) => [`${P}${id as string};1`, { id: `${P}${id as string};1`, extends: (ext as string[]).map((e) => `${P}${e};1`) }]),
);
const twin = (id: string, model: string, props: Record<string, unknown> = {}): TwinLike => ({ $dtId: id, $metadata: { $model: `${P}${model};1` }, ...props });
const rel = (s: string, name: string, t: string) => ({ $sourceId: s, $relationshipName: name, $targetId: t });

test('machine kinds follow the model ancestry; non-machines have none', () => {
  assert.equal(machineKind(`${P}FancyCnc;1`, models), 'cnc');
  assert.equal(machineKind(`${P}Machine;1`, models), 'machine');
  assert.equal(machineKind(`${P}ProductionLine;1`, models), undefined);
  assert.equal(machineKind('dtmi:other:Thing;1', models), undefined);
});

test('lines become rows by lineNumber, machines sit in flow order, centred on the origin', () => {
  const twins = [
    twin('L2', 'ProductionLine', { lineNumber: 2 }),
    twin('L1', 'ProductionLine', { lineNumber: 1, name: 'Line one' }),
    twin('L1-QC', 'QualityStation', { position: 4 }),
    twin('L1-CNC', 'Cnc', { position: 1 }),
    twin('L1-ROBOT', 'Robot', { position: 2 }),
    twin('L1-CONV', 'Conveyor', { position: 3 }),
    // no positions on line 2: order comes from `feeds`
    twin('L2-B', 'Robot'),
    twin('L2-A', 'FancyCnc'),
  ];
  const rels = [...['L1-QC', 'L1-CNC', 'L1-ROBOT', 'L1-CONV'].map((m) => rel('L1', 'contains', m)), rel('L2', 'contains', 'L2-B'), rel('L2', 'contains', 'L2-A'), rel('L2-A', 'feeds', 'L2-B')];
  const layout = layoutPlant(twins, rels, models);
  assert.deepEqual(
    layout.lines.map((l) => [l.id, l.name, l.machineIds]),
    [
      ['L1', 'Line one', ['L1-CNC', 'L1-ROBOT', 'L1-CONV', 'L1-QC']],
      ['L2', 'L2', ['L2-A', 'L2-B']],
    ],
  );
  // 4 machines across: x = i·4 − 6; two rows 7 apart: z = ∓3.5
  const at = Object.fromEntries(layout.machines.map((m) => [m.id, [m.x, m.z, m.kind]]));
  assert.deepEqual(at['L1-CNC'], [-6, -3.5, 'cnc']);
  assert.deepEqual(at['L1-QC'], [6, -3.5, 'quality']);
  assert.deepEqual(at['L2-A'], [-6, 3.5, 'cnc']);
  assert.deepEqual(at['L2-B'], [-2, 3.5, 'robot']);
  assert.equal(layout.halfWidth, 6 + MACHINE_SPACING);
  assert.equal(layout.halfDepth, 3.5 + LINE_SPACING / 2);
});

test('machines in no line share a last row; tags pin a machine in place', () => {
  const layout = layoutPlant(
    [twin('L1', 'ProductionLine', { lineNumber: 1 }), twin('A', 'Cnc', { position: 1 }), twin('LOOSE', 'Robot'), twin('PINNED', 'Conveyor', { tags: { layoutX: '20', layoutZ: '-9' } })],
    [rel('L1', 'contains', 'A')],
    models,
  );
  assert.deepEqual(
    layout.lines.map((l) => l.machineIds),
    [['A']],
  );
  const byId = Object.fromEntries(layout.machines.map((m) => [m.id, m]));
  assert.equal(byId['LOOSE']!.lineId, undefined);
  assert.equal(byId['LOOSE']!.z, 3.5, 'second of two rows');
  assert.deepEqual([byId['PINNED']!.x, byId['PINNED']!.z], [20, -9]);
});

test('a feeds cycle does not hang the layout', () => {
  const layout = layoutPlant([twin('A', 'Cnc'), twin('B', 'Robot')], [rel('A', 'feeds', 'B'), rel('B', 'feeds', 'A')], models);
  assert.equal(layout.machines.length, 2);
});
