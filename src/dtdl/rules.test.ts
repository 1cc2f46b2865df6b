/**
 * Rule families of DTDL v2/v3, one small hand-written model per rule. Expected error codes come from the
 * normative spec sentences (DTDL.Specification.v2.md / v3.md) and the reference error catalogue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModels, type ParseOptions } from './index.js';

const V2 = 'dtmi:dtdl:context;2';
const V3 = 'dtmi:dtdl:context;3';
const QT = 'dtmi:dtdl:extension:quantitativeTypes;1';

function iface(ctx: unknown, contents: unknown[] = [], extra: Record<string, unknown> = {}, id = 'dtmi:test:a;1') {
  return { '@context': ctx, '@id': id, '@type': 'Interface', contents, ...extra };
}

async function codes(docs: unknown[], options: ParseOptions = {}): Promise<string[]> {
  const r = await parseModels(docs, options);
  if (r.ok) return [];
  if (r.unresolved) return [`unresolved:${r.unresolved.join(',')}`];
  return [...new Set(r.errors.map((e) => e.code))].sort();
}

const prop = (name: string, schema: unknown, extra: Record<string, unknown> = {}) => ({ '@type': 'Property', name, schema, ...extra });

interface Case {
  readonly name: string;
  readonly docs: unknown[];
  /** Expected codes (sorted); [] = valid. */
  readonly want: string[];
  readonly options?: ParseOptions;
}

const cases: Case[] = [
  // Documents and contexts (§"DTDL element", §Context)
  { name: 'root must be an object or array of objects', docs: ['"hello"'], want: ['notJsonObject'] },
  { name: 'array root of Interfaces', docs: [[iface(V3), iface(V3, [], {}, 'dtmi:test:b;1')]], want: [] },
  { name: 'top-level @context is required', docs: [{ '@id': 'dtmi:test:a;1', '@type': 'Interface' }], want: ['missingContext'] },
  { name: 'a top-level context must start with the DTDL context', docs: [iface([QT, V3])], want: ['missingDtdlContext'] },
  { name: 'DTDL context must come before extension contexts', docs: [iface(V3, [{ '@context': [QT, V3], ...prop('p', 'double') }])], want: ['dtdlContextFollowsAffiliate'] },
  { name: 'context needs a version', docs: [iface([V3, 'dtmi:dtdl:extension:quantitativeTypes'])], want: ['missingContextVersion'] },
  { name: 'local term definitions are not allowed', docs: [iface([V3, { foo: 'dtmi:x:y;1' }])], want: ['disallowedLocalContext'] },
  { name: 'unknown extension: rejected by default in v3', docs: [iface([V3, 'dtmi:x:unknown;1'])], want: ['unresolvableContextSpecifier'] },
  { name: 'unknown extension: tolerated by default in v2', docs: [iface([V2, 'dtmi:x:unknown;1'])], want: [] },
  { name: 'unknown extension: allowed on request in v3', docs: [iface([V3, 'dtmi:x:unknown;1'])], want: [], options: { allowUndefinedExtensions: true } },
  { name: 'maxDtdlVersion rejects newer models', docs: [iface(V3)], want: ['disallowedContextVersion'], options: { maxDtdlVersion: 2 } },
  // Top-level elements
  { name: 'top-level element must be an Interface', docs: [{ '@context': V3, '@id': 'dtmi:test:a;1', '@type': 'Property', name: 'p', schema: 'double' }], want: ['typeNotRootable'] },
  { name: 'top-level Interface needs @id', docs: [{ '@context': V3, '@type': 'Interface' }], want: ['missingTopLevelId'] },
  // DTMI (§Digital Twin Model Identifier)
  { name: 'v2 ids need a version', docs: [iface(V2, [], {}, 'dtmi:test:a')], want: ['invalidId'] },
  { name: 'v3 ids may omit the version or have a minor version', docs: [iface(V3, [], {}, 'dtmi:test:a'), iface(V3, [], {}, 'dtmi:test:b;1.2')], want: [] },
  { name: 'reserved prefixes', docs: [iface(V3, [], {}, 'dtmi:dtdl:mine;1')], want: ['reservedId'] },
  { name: 'Interface ids are at most 128 characters', docs: [iface(V3, [], {}, `dtmi:test:${'a'.repeat(120)};1`)], want: ['idTooLongForType'] },
  { name: 'ids are unique in the model', docs: [iface(V3), iface(V3)], want: ['duplicateDefinition'] },
  // @type
  { name: 'one material type', docs: [iface(V3, [{ '@type': ['Property', 'Telemetry'], name: 'p', schema: 'double' }])], want: ['multipleMaterialTypes'] },
  { name: 'contents must be Content', docs: [iface(V3, [{ '@type': 'Enum', name: 'p' }])], want: ['badType'] },
  { name: 'undefined co-type: fine in v2, rejected in v3', docs: [iface(V2, [{ '@type': ['Property', 'Custom'], name: 'p', schema: 'double', custom: 1 }])], want: [] },
  { name: 'undefined co-type in v3', docs: [iface(V3, [{ '@type': ['Property', 'Custom'], name: 'p', schema: 'double' }])], want: ['typeUndefinedTerm'] },
  // Members
  { name: 'name pattern', docs: [iface(V3, [prop('1bad', 'double')])], want: ['stringInvalid'] },
  { name: 'v2 names are at most 64 characters', docs: [iface(V2, [prop(`n${'x'.repeat(64)}`, 'double')])], want: ['stringTooLong'] },
  { name: 'v3 names may have 512 characters', docs: [iface(V3, [prop(`n${'x'.repeat(64)}`, 'double')])], want: [] },
  { name: 'names unique among contents', docs: [iface(V3, [prop('p', 'double'), { '@type': 'Telemetry', name: 'p', schema: 'double' }])], want: ['nonUniquePropertyValue'] },
  { name: 'Property schema required', docs: [iface(V3, [{ '@type': 'Property', name: 'p' }])], want: ['missingObjectProperty'] },
  { name: 'Command name required', docs: [iface(V3, [{ '@id': 'dtmi:test:c;1', '@type': 'Command' }])], want: ['missingLiteralProperty'] },
  { name: 'unknown member in v3', docs: [iface(V3, [prop('p', 'double', { colour: 'red' })])], want: ['propertyUndefinedTerm'] },
  { name: 'unknown member in v2 without undefined co-type', docs: [iface(V2, [prop('p', 'double', { colour: 'red' })])], want: ['noTypeThatAllows'] },
  { name: 'writable is a boolean', docs: [iface(V3, [prop('p', 'double', { writable: 'yes' })])], want: ['booleanNotBoolean'] },
  { name: 'member as term and as DTMI', docs: [iface(V3, [prop('p', 'double', { 'dtmi:dtdl:property:name;3': 'q' })])], want: ['duplicatePropertyName'] },
  { name: 'keywords other than @context/@id/@type in v3', docs: [iface(V3, [prop('p', 'double', { '@language': 'en' })])], want: ['keywordDisallowed'] },
  { name: 'comments are at most 512 characters', docs: [iface(V3, [], { comment: 'c'.repeat(513) })], want: ['stringTooLong'] },
  // Representational literals and localizable strings
  { name: 'value objects for literals', docs: [iface(V3, [prop('p', 'double', { writable: { '@value': true, '@type': 'xsd:boolean' } })])], want: [] },
  { name: 'value objects hold only @value/@type', docs: [iface(V3, [prop('p', 'double', { writable: { '@value': true, extra: 1 } })])], want: ['valueObjectInvalidProp'] },
  { name: 'language maps', docs: [iface(V3, [], { displayName: { en: 'Pump', 'de-DE': 'Pumpe' }, description: 'plain' })], want: [] },
  { name: 'language codes', docs: [iface(V3, [], { displayName: { English: 'Pump' } })], want: ['langStringInvalidCode'] },
  { name: 'v2 displayName is at most 64 characters', docs: [iface(V2, [], { displayName: 'd'.repeat(65) })], want: ['langStringValueTooLong'] },
  // Relationship
  { name: 'minMultiplicity must be 0', docs: [iface(V3, [{ '@type': 'Relationship', name: 'r', minMultiplicity: 1 }])], want: ['valueNotExact'] },
  { name: 'maxMultiplicity at least 1', docs: [iface(V3, [{ '@type': 'Relationship', name: 'r', maxMultiplicity: 0 }])], want: ['valueBelowMin'] },
  { name: 'v2 maxMultiplicity at most 500', docs: [iface(V2, [{ '@type': 'Relationship', name: 'r', maxMultiplicity: 501 }])], want: ['valueAboveRange'] },
  { name: 'relationship target is a DTMI (need not exist)', docs: [iface(V3, [{ '@type': 'Relationship', name: 'r', target: 'dtmi:elsewhere:x;1' }])], want: [] },
  { name: 'relationship target must be a DTMI', docs: [iface(V3, [{ '@type': 'Relationship', name: 'r', target: 'not a dtmi' }])], want: ['identifierNotDtmi'] },
  { name: 'relationship property names unique', docs: [iface(V3, [{ '@type': 'Relationship', name: 'r', properties: [prop('a', 'double'), prop('a', 'string')] }])], want: ['nonUniquePropertyValue'] },
];

const enumSchema = (valueSchema: string, values: unknown[]) => ({ '@id': 'dtmi:test:e;1', '@type': 'Enum', valueSchema, enumValues: values });
const arrays = (n: number): unknown => (n === 0 ? 'double' : { '@type': 'Array', elementSchema: arrays(n - 1) });

cases.push(
  // Schemas
  { name: 'Enum valueSchema is integer or string', docs: [iface(V3, [], { schemas: [enumSchema('double', [{ name: 'a', enumValue: 1 }])] })], want: ['incorrectPropertyValue'] },
  { name: 'enumValue matches valueSchema', docs: [iface(V3, [], { schemas: [enumSchema('integer', [{ name: 'a', enumValue: 'x' }])] })], want: ['nonConformantDatatype'] },
  { name: 'enumValues unique', docs: [iface(V3, [], { schemas: [enumSchema('integer', [{ name: 'a', enumValue: 1 }, { name: 'b', enumValue: 1 }])] })], want: ['nonUniquePropertyValue'] },
  { name: 'v2 Enum needs values', docs: [iface(V2, [], { schemas: [enumSchema('integer', [])] })], want: ['objectCountBelowMin'] },
  { name: 'v3 Enum may be empty', docs: [iface(V3, [], { schemas: [enumSchema('integer', [])] })], want: [] },
  { name: 'v2 Object needs fields', docs: [iface(V2, [prop('p', { '@type': 'Object', fields: [] })])], want: ['objectCountBelowMin'] },
  { name: 'map keys are strings', docs: [iface(V3, [prop('p', { '@type': 'Map', mapKey: { name: 'k', schema: 'integer' }, mapValue: { name: 'v', schema: 'double' } })])], want: ['badType'] },
  { name: 'v2 Property schema has no Array', docs: [iface(V2, [prop('p', { '@type': 'Array', elementSchema: 'double' })])], want: ['excludedType'] },
  { name: 'v2 Property schema has no geospatial schema', docs: [iface(V2, [prop('p', 'point')])], want: ['excludedType'] },
  { name: 'v3 Property schema may be an Array', docs: [iface(V3, [prop('p', { '@type': 'Array', elementSchema: 'double' })])], want: [] },
  { name: 'complex schemas nest 5 levels', docs: [iface(V3, [{ '@type': 'Telemetry', name: 't', schema: arrays(5) }])], want: [] },
  { name: 'complex schemas nest at most 5 levels', docs: [iface(V3, [{ '@type': 'Telemetry', name: 't', schema: arrays(6) }])], want: ['excessiveDepthWide'] },
  { name: 'schema must not include itself', docs: [iface(V3, [], { schemas: [{ '@id': 'dtmi:test:s;1', '@type': 'Array', elementSchema: 'dtmi:test:s;1' }] })], want: ['recursiveStructureWide'] },
  { name: 'inline primitive schemas are not definable', docs: [iface(V3, [prop('p', { '@id': 'dtmi:test:d;1', '@type': 'Double' })])], want: ['badType', 'objectCountBelowMin'] },
  { name: 'schemas in Interface schemas need @id', docs: [iface(V3, [], { schemas: [{ '@type': 'Object', fields: [] }] })], want: ['missingRequiredId'] },
  { name: 'schemas are not shared across Interfaces', docs: [iface(V3, [], { schemas: [enumSchema('integer', [])] }), iface(V3, [prop('p', 'dtmi:test:e;1')], {}, 'dtmi:test:b;1')], want: ['crossPartitionReference'] },
  { name: 'inline definition of only @id', docs: [iface(V3, [prop('p', { '@id': 'dtmi:test:s;1' })])], want: ['idReference', 'objectCountBelowMin'] },
  // Extends
  { name: 'extends resolves within the model', docs: [iface(V3, [], { extends: 'dtmi:test:b;1' }), iface(V3, [prop('q', 'double')], {}, 'dtmi:test:b;1')], want: [] },
  { name: 'no self extension', docs: [iface(V3, [], { extends: 'dtmi:test:a;1' })], want: ['recursiveStructureNarrow'] },
  { name: 'names unique across extends', docs: [iface(V3, [prop('p', 'double')], { extends: 'dtmi:test:b;1' }), iface(V3, [prop('p', 'string')], {}, 'dtmi:test:b;1')], want: ['nonUniqueImportedPropertyValue'] },
  { name: 'v2 extends has at most 2 values', docs: [iface(V2, [], { extends: ['dtmi:test:b;1', 'dtmi:test:c;1', 'dtmi:test:d;1'] }), iface(V2, [], {}, 'dtmi:test:b;1'), iface(V2, [], {}, 'dtmi:test:c;1'), iface(V2, [], {}, 'dtmi:test:d;1')], want: ['objectCountAboveMax'] },
  { name: 'extends must name an Interface', docs: [iface(V3, [], { extends: 'double' })], want: ['badType'] },
  // Components
  { name: 'component schema is an Interface', docs: [iface(V3, [{ '@type': 'Component', name: 'c', schema: 'double' }])], want: ['badType'] },
  {
    name: 'no Component inside a Component',
    docs: [iface(V3, [{ '@type': 'Component', name: 'c', schema: 'dtmi:test:b;1' }]), iface(V3, [{ '@type': 'Component', name: 'd', schema: 'dtmi:test:c;1' }], {}, 'dtmi:test:b;1'), iface(V3, [], {}, 'dtmi:test:c;1')],
    want: ['excludedType'],
  },
  // Semantic types and units (v2 native; v3 through QuantitativeTypes)
  { name: 'v2 semantic type with unit', docs: [iface(V2, [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'kelvin' }])], want: [] },
  { name: 'v2 unit of the wrong unit type', docs: [iface(V2, [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'metre' }])], want: ['notRequiredType'] },
  { name: 'v2 semantic type needs a numeric schema', docs: [iface(V2, [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'string', unit: 'kelvin' }])], want: ['notRequiredType'] },
  { name: 'v2 semantic type needs a unit', docs: [iface(V2, [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double' }])], want: ['missingSupplementalObjectProperty'] },
  { name: 'v3 semantic types need the QuantitativeTypes context', docs: [iface(V3, [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'kelvin' }])], want: ['typeUndefinedTerm'] },
  { name: 'v3 with QuantitativeTypes', docs: [iface([V3, QT], [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'degreeCelsius' }])], want: [] },
  { name: 'v3 unit of another unit type', docs: [iface([V3, QT], [{ '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'metre' }])], want: ['wrongParent'] },
  { name: 'semantic types do not co-type Relationships in v3', docs: [iface([V3, QT], [{ '@type': ['Relationship', 'Temperature'], name: 'r', unit: 'kelvin' }])], want: ['invalidCotype'] },
  // Limits
  {
    name: 'v2 contents are at most 300, inherited ones included',
    docs: [
      iface(V2, Array.from({ length: 200 }, (_, i) => prop(`a${i}`, 'double')), { extends: 'dtmi:test:b;1' }),
      iface(V2, Array.from({ length: 101 }, (_, i) => prop(`b${i}`, 'double')), {}, 'dtmi:test:b;1'),
    ],
    want: ['objectCountAboveMax'],
  },
  { name: 'v3 has no 300-contents limit', docs: [iface(V3, Array.from({ length: 301 }, (_, i) => prop(`a${i}`, 'double')))], want: [] },
  { name: 'v3 Interface text is at most 1 MiB', docs: [iface(V3, Array.from({ length: 2100 }, (_, i) => prop(`a${i}`, 'double', { description: 'd'.repeat(500) })))], want: ['partitionTooLarge'] },
  // Resolution
  { name: 'unresolved dependency without a resolver', docs: [iface(V3, [], { extends: 'dtmi:test:missing;1' })], want: ['unresolved:dtmi:test:missing;1'] },
);

for (const c of cases) {
  test(`${c.want.length === 0 ? 'accepts' : 'rejects'}: ${c.name}`, async () => {
    assert.deepEqual(await codes(c.docs, c.options), c.want);
  });
}

test('errors name the model, the JSON path, the rule and the section', async () => {
  const r = await parseModels([JSON.stringify(iface(V3, [prop('p', 'double'), prop('1bad', 'double')]), null, 2)]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  const e = r.errors[0]!;
  assert.equal(e.code, 'stringInvalid');
  assert.equal(e.modelId, 'dtmi:test:a;1');
  assert.equal(e.documentIndex, 0);
  assert.equal(e.path, '$.contents[1].name');
  assert.ok(e.line && e.line > 1);
  assert.match(e.rule ?? '', /regular expression/);
  assert.equal(e.section, 'DTDL element');
  assert.match(e.message, /1bad/);
});

test('the resolver is asked for missing dependencies, possibly repeatedly', async () => {
  const store: Record<string, unknown> = {
    'dtmi:test:b;1': iface(V3, [prop('fromB', 'double')], { extends: 'dtmi:test:c;1' }, 'dtmi:test:b;1'),
    'dtmi:test:c;1': iface(V3, [prop('fromC', 'double')], {}, 'dtmi:test:c;1'),
  };
  const asked: string[][] = [];
  const r = await parseModels([iface(V3, [], { extends: 'dtmi:test:b;1' })], {
    resolver: async (ids) => {
      asked.push(ids);
      return ids.map((id) => store[id]);
    },
  });
  assert.deepEqual(asked, [['dtmi:test:b;1'], ['dtmi:test:c;1']]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual([...r.graph.interfaces.get('dtmi:test:a;1')!.contents.keys()], ['fromB', 'fromC']);
});

test('a resolver that cannot help leaves the model incomplete', async () => {
  const r = await parseModels([iface(V3, [{ '@type': 'Component', name: 'c', schema: 'dtmi:test:x;1' }])], { resolver: () => undefined });
  assert.deepEqual(r.ok ? [] : r.unresolved, ['dtmi:test:x;1']);
});

test('discouraged but legal usage gives warnings, not errors', async () => {
  const r = await parseModels([iface(V3, [{ '@type': 'Command', 'dtmi:dtdl:property:name;3': 'go', commandType: 'synchronous' }])]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.warnings.map((w) => w.code).sort(), ['deprecatedCommandType', 'memberNameAsDtmi']);
  assert.equal(r.graph.interfaces.get('dtmi:test:a;1')!.commands.get('go')!.commandType, 'synchronous');
});

test('documents JSON cannot represent are errors, not exceptions', async () => {
  const cyclic: Record<string, unknown> = { '@context': V3 };
  cyclic.self = cyclic;
  assert.deepEqual(await codes([cyclic]), ['invalidJson']);
  assert.deepEqual(await codes(['{"@context": ']), ['invalidJson']);
});
