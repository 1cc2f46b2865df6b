import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModels, validateJsonText, validateValue, NotASchemaError, type ModelGraph, type Schema } from '../index.js';

const model = {
  '@context': 'dtmi:dtdl:context;3',
  '@id': 'dtmi:test:m;1',
  '@type': 'Interface',
  contents: [
    { '@type': 'Property', name: 'i', schema: 'integer' },
    { '@type': 'Property', name: 'l', schema: 'long' },
    { '@type': 'Property', name: 'f', schema: 'float' },
    { '@type': 'Property', name: 'd', schema: 'date' },
    { '@type': 'Property', name: 'dt', schema: 'dateTime' },
    { '@type': 'Property', name: 't', schema: 'time' },
    { '@type': 'Property', name: 'du', schema: 'duration' },
    { '@type': 'Property', name: 'e', schema: { '@type': 'Enum', valueSchema: 'integer', enumValues: [{ name: 'one', enumValue: 1 }] } },
    {
      '@type': 'Property',
      name: 'o',
      schema: { '@type': 'Object', fields: [{ name: 'x', schema: 'double' }, { name: 'tags', schema: { '@type': 'Map', mapKey: { name: 'k', schema: 'string' }, mapValue: { name: 'v', schema: 'boolean' } } }] },
    },
    { '@type': 'Property', name: 'a', schema: { '@type': 'Array', elementSchema: 'string' } },
  ],
};

let g: ModelGraph | undefined;
async function schemaOf(name: string): Promise<Schema> {
  if (!g) {
    const r = await parseModels([model]);
    if (!r.ok) assert.fail('model should parse');
    g = r.graph;
  }
  return g.interfaces.get('dtmi:test:m;1')!.properties.get(name)!.schema;
}

test('primitive schemas', async () => {
  const ok = async (n: string, v: unknown) => assert.deepEqual(validateValue(await schemaOf(n), v), [], `${n} ${JSON.stringify(v)}`);
  const bad = async (n: string, v: unknown) => assert.equal(validateValue(await schemaOf(n), v).length, 1, `${n} ${JSON.stringify(v)}`);
  await ok('i', 2147483647);
  await bad('i', 2147483648);
  await bad('i', 1.5);
  await bad('i', '1');
  await ok('l', 2 ** 53);
  await ok('f', 3.4e38);
  await bad('f', 3.5e38);
  await ok('d', '2024-02-29');
  await bad('d', '2023-02-29'); // not a leap year
  await bad('d', '0000-01-01');
  await ok('dt', '2024-05-01T12:30:00.5+02:00');
  await bad('dt', '2024-05-01 12:30:00Z');
  await bad('dt', '2024-05-01T24:00:00Z');
  await ok('t', '23:59:59Z');
  await bad('t', '23:59:60Z');
  await ok('du', 'P1DT2H');
  await bad('du', 'P');
  await bad('du', 'PT');
});

test('complex schemas report paths', async () => {
  assert.deepEqual(validateValue(await schemaOf('e'), 1), []);
  assert.equal(validateValue(await schemaOf('e'), 2).length, 1);
  assert.deepEqual(validateValue(await schemaOf('o'), { x: 1.5, tags: { a: true } }), []);
  const problems = validateValue(await schemaOf('o'), { x: 'no', y: 1, tags: { a: 'yes' } });
  assert.deepEqual(problems.map((p) => p.path).sort(), ['$.tags["a"]', '$.x', '$.y']);
  assert.deepEqual(validateValue(await schemaOf('a'), ['x', 'y']), []);
  assert.deepEqual(validateValue(await schemaOf('a'), ['x', 2]).map((p) => p.path), ['$[1]']);
});

test('JSON text is judged as written', async () => {
  assert.deepEqual(validateJsonText(await schemaOf('i'), '1'), []);
  assert.equal(validateJsonText(await schemaOf('i'), '1.0').length, 1);
  assert.equal(validateJsonText(await schemaOf('l'), '9223372036854775808').length, 1);
  assert.deepEqual(validateJsonText(await schemaOf('l'), '9223372036854775807'), []);
  assert.equal(validateJsonText(await schemaOf('i'), '{').length, 1);
});

test('only schemas validate values', async () => {
  await schemaOf('i');
  const iface = g!.interfaces.get('dtmi:test:m;1')!;
  assert.throws(() => validateValue(iface, {}), NotASchemaError);
});
