import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModels, type ModelGraph } from '../index.js';

const V3 = 'dtmi:dtdl:context;3';
const QT = 'dtmi:dtdl:extension:quantitativeTypes;1';

// A small plant model: Asset ← Machine ← Pump (diamond: Pump also extends Monitored ← Asset).
const docs = [
  {
    '@context': V3,
    '@id': 'dtmi:plant:Asset;1',
    '@type': 'Interface',
    displayName: { en: 'Asset', de: 'Anlage' },
    contents: [
      { '@type': 'Property', name: 'serial', schema: 'string' },
      { '@type': 'Relationship', name: 'locatedIn', target: 'dtmi:plant:Area;1', maxMultiplicity: 1, properties: [{ '@type': 'Property', name: 'since', schema: 'date' }] },
    ],
  },
  {
    '@context': V3,
    '@id': 'dtmi:plant:Monitored;1',
    '@type': 'Interface',
    extends: 'dtmi:plant:Asset;1',
    contents: [{ '@type': 'Telemetry', name: 'status', schema: 'dtmi:plant:Monitored:Status;1' }],
    schemas: [
      {
        '@id': 'dtmi:plant:Monitored:Status;1',
        '@type': 'Enum',
        valueSchema: 'string',
        enumValues: [
          { name: 'running', enumValue: 'RUN' },
          { name: 'stopped', enumValue: 'STOP' },
        ],
      },
    ],
  },
  {
    '@context': [V3, QT],
    '@id': 'dtmi:plant:Machine;1',
    '@type': 'Interface',
    extends: 'dtmi:plant:Asset;1',
    contents: [
      { '@type': ['Property', 'Temperature'], name: 'setpoint', schema: 'double', unit: 'degreeCelsius', writable: true },
      { '@type': 'Command', name: 'reset', request: { name: 'hard', schema: 'boolean' }, response: { name: 'ok', schema: 'boolean' } },
      { '@type': 'Component', name: 'motor', schema: 'dtmi:plant:Motor;1' },
    ],
  },
  { '@context': V3, '@id': 'dtmi:plant:Motor;1', '@type': 'Interface', contents: [{ '@type': 'Telemetry', name: 'rpm', schema: 'integer' }] },
  {
    '@context': V3,
    '@id': 'dtmi:plant:Pump;1',
    '@type': 'Interface',
    extends: ['dtmi:plant:Machine;1', 'dtmi:plant:Monitored;1'],
    contents: [
      {
        '@type': 'Property',
        name: 'curve',
        schema: {
          '@type': 'Map',
          mapKey: { name: 'rpm', schema: 'string' },
          mapValue: { name: 'flow', schema: { '@type': 'Object', fields: [{ name: 'litres', schema: 'double' }, { name: 'at', schema: { '@type': 'Array', elementSchema: 'dateTime' } }] } },
        },
      },
    ],
  },
];

async function graph(): Promise<ModelGraph> {
  const r = await parseModels(docs);
  if (!r.ok) assert.fail(JSON.stringify(r.errors ?? r.unresolved));
  return r.graph;
}

test('interfaces carry inherited contents, ancestors and descendants', async () => {
  const g = await graph();
  const pump = g.interfaces.get('dtmi:plant:Pump;1')!;
  assert.deepEqual(pump.extends, ['dtmi:plant:Machine;1', 'dtmi:plant:Monitored;1']);
  assert.deepEqual([...pump.ancestors].sort(), ['dtmi:plant:Asset;1', 'dtmi:plant:Machine;1', 'dtmi:plant:Monitored;1']);
  // own: curve; Machine: setpoint, reset, motor; Monitored: status; Asset (once, via the diamond): serial, locatedIn
  assert.deepEqual([...pump.contents.keys()].sort(), ['curve', 'locatedIn', 'motor', 'reset', 'serial', 'setpoint', 'status']);
  assert.deepEqual([...pump.properties.keys()].sort(), ['curve', 'serial', 'setpoint']);
  assert.deepEqual([...pump.telemetries.keys()], ['status']);
  assert.deepEqual([...pump.components.keys()], ['motor']);
  assert.equal(pump.contents.get('serial')!.definedIn, 'dtmi:plant:Asset;1');
  const asset = g.interfaces.get('dtmi:plant:Asset;1')!;
  assert.deepEqual([...asset.descendants].sort(), ['dtmi:plant:Machine;1', 'dtmi:plant:Monitored;1', 'dtmi:plant:Pump;1']);
  assert.deepEqual(asset.displayName, { en: 'Asset', de: 'Anlage' });
  assert.deepEqual(g.roots, docs.map((d) => d['@id']));
});

test('properties, relationships, commands and components are resolved', async () => {
  const g = await graph();
  const pump = g.interfaces.get('dtmi:plant:Pump;1')!;
  const setpoint = pump.properties.get('setpoint')!;
  assert.equal(setpoint.writable, true);
  assert.equal(setpoint.schema.kind, 'Double');
  assert.deepEqual(setpoint.semanticTypes, ['dtmi:dtdl:extension:quantitativeTypes:v1:class:Temperature']);
  assert.equal(setpoint.unit, 'degreeCelsius');
  assert.equal(pump.properties.get('serial')!.writable, false);
  const rel = pump.relationships.get('locatedIn')!;
  assert.equal(rel.target, 'dtmi:plant:Area;1');
  assert.equal(rel.maxMultiplicity, 1);
  assert.equal(rel.minMultiplicity, undefined);
  assert.deepEqual(rel.properties.map((p) => [p.name, p.schema.kind]), [['since', 'Date']]);
  const reset = pump.commands.get('reset')!;
  assert.equal(reset.request?.kind, 'CommandRequest');
  assert.equal(reset.request?.schema.kind, 'Boolean');
  assert.equal(reset.response?.name, 'ok');
  assert.equal(pump.components.get('motor')!.schema, 'dtmi:plant:Motor;1');
});

test('schema trees are resolved, with automatic identifiers', async () => {
  const g = await graph();
  const curve = g.interfaces.get('dtmi:plant:Pump;1')!.properties.get('curve')!;
  assert.equal(curve.schema.kind, 'Map');
  if (curve.schema.kind !== 'Map') return;
  assert.equal(curve.schema.id, 'dtmi:plant:Pump:_contents:__curve:_schema;1');
  const flow = curve.schema.mapValue.schema;
  assert.equal(flow.kind, 'Object');
  if (flow.kind !== 'Object') return;
  assert.deepEqual(flow.fields.map((f) => [f.name, f.schema.kind]), [['litres', 'Double'], ['at', 'Array']]);
  const status = g.interfaces.get('dtmi:plant:Pump;1')!.telemetries.get('status')!;
  assert.equal(status.schema.kind, 'Enum');
  if (status.schema.kind !== 'Enum') return;
  assert.deepEqual(status.schema.enumValues.map((v) => v.enumValue), ['RUN', 'STOP']);
  assert.equal(status.schema.valueSchema.kind, 'String');
  assert.equal(g.elements.get('dtmi:plant:Monitored:Status;1'), status.schema);
});

test('recursive schemas (allowed in DTDL v4) become cyclic schema objects', async () => {
  const r = await parseModels([
    {
      '@context': 'dtmi:dtdl:context;4',
      '@id': 'dtmi:test:tree;1',
      '@type': 'Interface',
      contents: [{ '@type': 'Property', name: 'tree', schema: 'dtmi:test:node;1' }],
      schemas: [{ '@id': 'dtmi:test:node;1', '@type': 'Array', elementSchema: 'dtmi:test:node;1' }],
    },
  ]);
  if (!r.ok) return assert.fail(JSON.stringify(r));
  const node = r.graph.interfaces.get('dtmi:test:tree;1')!.properties.get('tree')!.schema;
  assert.equal(node.kind, 'Array');
  if (node.kind !== 'Array') return;
  assert.equal(node.elementSchema, node);
  // The same model is invalid in DTDL v3, where a schema must not include itself.
  const v3 = await parseModels([{ '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:test:tree;1', '@type': 'Interface', schemas: [{ '@id': 'dtmi:test:node;1', '@type': 'Array', elementSchema: 'dtmi:test:node;1' }] }]);
  assert.deepEqual(v3.ok ? [] : [...new Set(v3.errors.map((e) => e.code))], ['recursiveStructureWide']);
});
