import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import { cnc, graphWithModels, M } from '../testing/fixtures.js';
import { parseEtag } from '../twin/etag.js';

async function setup() {
  const store = createMemoryStorage();
  await store.open();
  return { store, graph: await graphWithModels(store) };
}

const code = (c: string) => (err: unknown) => TwinsErrors.is(err) && err.code === `twins.${c}`;

test('create: a valid twin gets an etag, $metadata with model and per-property lastUpdateTime', async () => {
  const { graph } = await setup();
  const t = await graph.upsertTwin('cnc-1', cnc({ state: 'running', speed: 0.8, serialNumber: 'SN-1' }));
  assert.equal(t.$dtId, 'cnc-1');
  assert.match(t.$etag as string, /^W\/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/);
  assert.equal(parseEtag(t.$etag as string)?.version, 1);
  assert.equal(t.$metadata.$model, M.cnc);
  const meta = t.$metadata as Record<string, { lastUpdateTime: string }>;
  assert.equal(meta['speed']?.lastUpdateTime, t.$metadata['$lastUpdateTime']);
  assert.deepEqual(Object.keys(t).filter((k) => !k.startsWith('$')).sort(), ['serialNumber', 'speed', 'spindle', 'state']);
  // The component carries its own $metadata.
  assert.equal(typeof (t['spindle'] as { $metadata: object }).$metadata, 'object');
  assert.equal(graph.getTwin('cnc-1'), t);
});

test('create: wrong types, unknown names, telemetry names and missing components are all reported', async () => {
  const { graph } = await setup();
  await assert.rejects(graph.upsertTwin('x', cnc({ speed: 'fast' })), (err) => {
    assert.ok(code('validation_failed')(err));
    assert.match((err as Error).message, /\/speed/);
    return true;
  });
  await assert.rejects(graph.upsertTwin('x', cnc({ colour: 'red' })), /has no property 'colour'/);
  await assert.rejects(graph.upsertTwin('x', cnc({ temperature: 20 })), /'temperature' is a Telemetry/);
  await assert.rejects(graph.upsertTwin('x', { $metadata: { $model: M.cnc } }), /component 'spindle' must be present/);
  await assert.rejects(graph.upsertTwin('x', cnc({ state: 'Dancing' })), code('validation_failed'));
  await assert.rejects(graph.upsertTwin('x', cnc({ spindle: { $metadata: {}, maxRpm: 1.5 } })), /\/spindle\/maxRpm/);
  await assert.rejects(graph.upsertTwin('x', { $metadata: { $model: 'dtmi:nope:Thing;1' } }), code('validation_failed'));
  await assert.rejects(graph.upsertTwin('x', { speed: 1 }), /\$metadata\/\$model/);
  assert.equal(graph.index.twinCount(), 0);
});

test('create: If-None-Match * refuses to replace an existing twin', async () => {
  const { graph } = await setup();
  await graph.upsertTwin('a', { $metadata: { $model: M.crew }, members: 3 }, { ifNoneMatch: '*' });
  await assert.rejects(graph.upsertTwin('a', { $metadata: { $model: M.crew } }, { ifNoneMatch: '*' }), code('precondition_failed'));
  const replaced = await graph.upsertTwin('a', { $metadata: { $model: M.crew }, members: 4 });
  assert.equal(replaced['members'], 4);
  assert.equal(parseEtag(replaced.$etag as string)?.version, 2);
});

test('patch: add/replace/remove on properties, object fields, map entries and component properties', async () => {
  const { graph } = await setup();
  await graph.upsertTwin('site', { $metadata: { $model: M.site }, location: { city: 'Linz' }, tags: { a: '1' } });
  const s1 = await graph.patchTwin('site', [
    { op: 'add', path: '/location/country', value: 'AT' },
    { op: 'replace', path: '/location/city', value: 'Graz' },
    { op: 'add', path: '/tags/b', value: '2' },
    { op: 'remove', path: '/tags/a' },
    { op: 'add', path: '/timeZone', value: 'Europe/Vienna' },
  ]);
  assert.deepEqual(s1['location'], { city: 'Graz', country: 'AT' });
  assert.deepEqual(s1['tags'], { b: '2' });
  assert.equal(s1['timeZone'], 'Europe/Vienna');
  await graph.upsertTwin('c', cnc({ speed: 1 }));
  const c1 = await graph.patchTwin('c', [{ op: 'add', path: '/spindle/toolNumber', value: 7 }, { op: 'remove', path: '/speed' }]);
  assert.equal((c1['spindle'] as Record<string, unknown>)['toolNumber'], 7);
  assert.equal(c1['speed'], undefined);
  assert.equal((c1.$metadata as Record<string, unknown>)['speed'], undefined, 'a removed property loses its metadata');
  const compMeta = (c1['spindle'] as { $metadata: Record<string, { lastUpdateTime: string }> }).$metadata;
  assert.equal(compMeta['toolNumber']?.lastUpdateTime, c1.$metadata['$lastUpdateTime']);
});

test('patch: type errors, unknown fields, read-only properties and RFC 6902 rules are refused and change nothing', async () => {
  const { graph } = await setup();
  const before = await graph.upsertTwin('c', cnc({ speed: 1, serialNumber: 'SN' }));
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/speed', value: 'x' }]), code('validation_failed'));
  await assert.rejects(graph.patchTwin('c', [{ op: 'add', path: '/nope', value: 1 }]), code('validation_failed'));
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/serialNumber', value: 'SN2' }]), /not writable/);
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/state', value: 'idle' }]), code('json_patch_invalid'), 'replace needs an existing value');
  await assert.rejects(graph.patchTwin('c', [{ op: 'remove', path: '/state' }]), code('json_patch_invalid'));
  await assert.rejects(graph.patchTwin('c', [{ op: 'move', from: '/speed', path: '/x' }]), code('json_patch_invalid'));
  await assert.rejects(graph.patchTwin('c', [{ op: 'remove', path: '/spindle' }]), /components cannot be removed/);
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/$dtId', value: 'd' }]), code('json_patch_invalid'));
  // All or nothing: the valid first op is not kept when the second fails.
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/speed', value: 2 }, { op: 'add', path: '/spindle/maxRpm', value: 'fast' }]), code('validation_failed'));
  assert.equal(graph.getTwin('c'), before);
  // A trusted writer (device ingestion) may change a read-only property.
  const t = await graph.patchTwin('c', [{ op: 'replace', path: '/serialNumber', value: 'SN2' }], {}, { trusted: true });
  assert.equal(t['serialNumber'], 'SN2');
});

test('patch: If-Match must name the current etag; each write moves the etag on', async () => {
  const { graph } = await setup();
  const t0 = await graph.upsertTwin('c', cnc({ speed: 1 }));
  const t1 = await graph.patchTwin('c', [{ op: 'replace', path: '/speed', value: 0.5 }], { ifMatch: t0.$etag as string });
  assert.notEqual(t1.$etag, t0.$etag);
  assert.equal(parseEtag(t1.$etag as string)?.version, 2);
  await assert.rejects(graph.patchTwin('c', [{ op: 'replace', path: '/speed', value: 0.1 }], { ifMatch: t0.$etag as string }), code('precondition_failed'));
  await graph.patchTwin('c', [{ op: 'replace', path: '/speed', value: 0.2 }], { ifMatch: '*' });
  assert.equal(graph.getTwin('c')['speed'], 0.2);
});

test('patch: sourceTime is kept with the value it came with; $model can change to a compatible model', async () => {
  const { graph } = await setup();
  await graph.upsertTwin('w', { $metadata: { $model: M.workCell }, position: 1 });
  const t = await graph.patchTwin('w', [
    { op: 'replace', path: '/position', value: 2 },
    { op: 'add', path: '/$metadata/position/sourceTime', value: '2026-01-01T00:00:00Z' },
  ]);
  assert.deepEqual((t.$metadata as Record<string, unknown>)['position'], { lastUpdateTime: t.$metadata['$lastUpdateTime'], sourceTime: '2026-01-01T00:00:00Z' });
  const moved = await graph.patchTwin('w', [{ op: 'replace', path: '/$metadata/$model', value: M.conveyor }, { op: 'add', path: '/lengthM', value: 12.5 }]);
  assert.equal(moved.$metadata.$model, M.conveyor);
  assert.equal(graph.index.countByModel([M.conveyor]), 1);
  assert.equal(graph.index.countByModel([M.workCell]), 0);
  await assert.rejects(graph.patchTwin('w', [{ op: 'replace', path: '/$metadata/$model', value: M.cnc }]), /component 'spindle'/);
});

test('concurrent patches of one twin apply in submission order, each on top of the previous', async () => {
  const { graph } = await setup();
  await graph.upsertTwin('c', cnc({ tags: {} }));
  const writes = Array.from({ length: 50 }, (_, i) => graph.patchTwin('c', [{ op: 'add', path: `/tags/k${i}`, value: String(i) }]));
  const results = await Promise.all(writes);
  const final = graph.getTwin('c');
  assert.equal(Object.keys(final['tags'] as object).length, 50);
  assert.equal(parseEtag(final.$etag as string)?.version, 51);
  assert.deepEqual(results.map((r) => parseEtag(r.$etag as string)?.version), Array.from({ length: 50 }, (_, i) => i + 2));
  assert.ok(graph.writeStats.largestBatch > 1, 'the patches were committed in shared batches');
});

test('models: decommissioned models take no new twins; delete refused while used or referenced', async () => {
  const { graph } = await setup();
  await graph.upsertTwin('crew', { $metadata: { $model: M.crew } });
  await graph.decommissionModel(M.crew);
  assert.equal(graph.getModel(M.crew).decommissioned, true);
  await assert.rejects(graph.upsertTwin('crew2', { $metadata: { $model: M.crew } }), code('model_decommissioned'));
  await assert.rejects(graph.deleteModel(M.crew), /referenced by .*Machine/);
  await assert.rejects(graph.deleteModel(M.spindle), code('model_in_use'));
  await assert.rejects(graph.updateModel(M.cnc, [{ op: 'replace', path: '/decommissioned', value: false }]), code('json_patch_invalid'));
  await assert.rejects(graph.deleteModel('dtmi:x:Y;1'), code('model_not_found'));
  await assert.rejects(graph.createModels([{ '@id': M.cnc, '@type': 'Interface', '@context': 'dtmi:dtdl:context;3' }]), code('model_already_exists'));
  await graph.deleteTwin('crew');
});

test('models: an invalid batch stores nothing; dependenciesFor lists a model with what it needs', async () => {
  const { graph } = await setup();
  const before = graph.models.size;
  const good = { '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:test:A;1', '@type': 'Interface', contents: [] };
  const bad = { '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:test:B;1', '@type': 'Interface', contents: [{ '@type': 'Property', name: 'x', schema: 'notAType' }] };
  await assert.rejects(graph.createModels([good, bad]), code('dtdl_parser_error'));
  assert.equal(graph.models.size, before);
  const deps = graph.listModels([M.robot]).map((r) => r.id).sort();
  assert.deepEqual(deps, [M.equipment, M.gripper, M.machine, M.robot, M.workCell].sort());
});
