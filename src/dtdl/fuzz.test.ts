/**
 * Fuzzing: random JSON and mutated valid models (seeded, bounded) must always produce a result — never an
 * exception, never a hang. The per-case time budget is only a failure guard, not a speed assertion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModels } from './index.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['@context', '@id', '@type', '@value', '@language', '@graph', 'contents', 'extends', 'schemas', 'schema', 'name', 'displayName', 'description', 'comment', 'writable', 'elementSchema', 'enumValues', 'enumValue', 'valueSchema', 'fields', 'mapKey', 'mapValue', 'request', 'response', 'target', 'properties', 'minMultiplicity', 'maxMultiplicity', 'unit', 'annotates', 'overrides', 'en', 'x:y'];
const STRINGS = ['dtmi:dtdl:context;2', 'dtmi:dtdl:context;3', 'dtmi:dtdl:context;4', 'dtmi:dtdl:extension:quantitativeTypes;1', 'dtmi:dtdl:extension:annotation;1', 'dtmi:dtdl:extension:overriding;1', 'Interface', 'Property', 'Telemetry', 'Command', 'Relationship', 'Component', 'Array', 'Enum', 'Map', 'Object', 'Field', 'EnumValue', 'MapKey', 'MapValue', 'CommandRequest', 'Temperature', 'ValueAnnotation', 'Override', 'double', 'string', 'integer', 'point', 'kelvin', 'degreeCelsius', 'dtmi:test:a;1', 'dtmi:test:b;1', 'dtmi:test:a', 'dtmi:dtdl:class:Property;3', 'dtmi:x', 'http://x/y', 'a', '', '1bad', 'en-US'];

function randomJson(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 5 || k < 0.3) {
    const p = r();
    if (p < 0.5) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (p < 0.7) return Math.floor(r() * 2000) - 1000 + (r() < 0.2 ? 0.5 : 0);
    if (p < 0.85) return r() < 0.5;
    return null;
  }
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[KEYS[Math.floor(r() * KEYS.length)]!] = randomJson(r, depth + 1);
  return o;
}

const seeds: unknown[][] = [
  [
    {
      '@context': ['dtmi:dtdl:context;3', 'dtmi:dtdl:extension:quantitativeTypes;1', 'dtmi:dtdl:extension:annotation;1', 'dtmi:dtdl:extension:overriding;1'],
      '@id': 'dtmi:test:a;1',
      '@type': 'Interface',
      extends: 'dtmi:test:b;1',
      displayName: { en: 'A' },
      contents: [
        { '@type': ['Telemetry', 'Temperature'], name: 't', schema: 'double', unit: 'kelvin' },
        { '@type': ['Property', 'ValueAnnotation', 'Override'], name: 'tu', annotates: 't', overrides: 'unit', schema: 'TemperatureUnit', writable: true },
        { '@type': 'Command', name: 'c', request: { name: 'r', schema: { '@type': 'Array', elementSchema: 'string' } } },
        { '@type': 'Relationship', name: 'rel', target: 'dtmi:test:b;1', properties: [{ '@type': 'Property', name: 'p', schema: 'date' }] },
        { '@type': 'Component', name: 'comp', schema: 'dtmi:test:b;1' },
      ],
      schemas: [{ '@id': 'dtmi:test:e;1', '@type': 'Enum', valueSchema: 'integer', enumValues: [{ name: 'one', enumValue: 1 }] }],
    },
    {
      '@context': 'dtmi:dtdl:context;2',
      '@id': 'dtmi:test:b;1',
      '@type': 'Interface',
      contents: [
        { '@type': 'Property', name: 'm', schema: { '@type': 'Map', mapKey: { name: 'k', schema: 'string' }, mapValue: { name: 'v', schema: { '@type': 'Object', fields: [{ name: 'f', schema: 'long' }] } } } },
        { '@type': ['Telemetry', 'Velocity'], name: 'speed', schema: 'float', unit: 'metrePerSecond' },
      ],
    },
  ],
];

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Applies one random structural mutation somewhere in the value. */
function mutate(r: () => number, root: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (nodes.push({ parent: v as Record<string, unknown>, key: k }), walk(x));
  };
  walk(root);
  if (nodes.length === 0) return randomJson(r, 0);
  const { parent, key } = nodes[Math.floor(r() * nodes.length)]!;
  const get = () => (parent as Record<string | number, unknown>)[key];
  const set = (v: unknown) => ((parent as Record<string | number, unknown>)[key] = v);
  const op = Math.floor(r() * 7);
  switch (op) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 1:
      set(randomJson(r, 3));
      break;
    case 2:
      set([get(), get()]);
      break;
    case 3:
      set(STRINGS[Math.floor(r() * STRINGS.length)]);
      break;
    case 4: {
      const v = get();
      if (v && typeof v === 'object') set(clone(root) ?? v);
      break;
    }
    case 5:
      if (!Array.isArray(parent)) parent[KEYS[Math.floor(r() * KEYS.length)]!] = clone(get());
      break;
    default:
      set(typeof get() === 'string' ? `${get() as string}x` : { '@id': 'dtmi:test:a;1' });
  }
  return root;
}

const BUDGET_MS = 5000;

async function survives(docs: unknown[], r: () => number, label: string): Promise<void> {
  const options = {
    allowUndefinedExtensions: r() < 0.3 ? true : r() < 0.5 ? false : undefined,
    resolver: r() < 0.5 ? (ids: string[]) => (r() < 0.5 ? ids.map(() => randomJson(r, 0)) : undefined) : undefined,
  };
  const t0 = Date.now();
  let result;
  try {
    result = await parseModels(docs, options);
  } catch (e) {
    assert.fail(`${label}: parser threw ${(e as Error).stack}\ninput: ${JSON.stringify(docs).slice(0, 2000)}`);
  }
  assert.equal(typeof result.ok, 'boolean');
  assert.ok(Date.now() - t0 < BUDGET_MS, `${label}: parse took ${Date.now() - t0} ms`);
}

test('random JSON never crashes the parser', async () => {
  const r = prng(20240521);
  for (let i = 0; i < 1000; i++) {
    const docs = Array.from({ length: 1 + Math.floor(r() * 2) }, () => (r() < 0.1 ? JSON.stringify(randomJson(r, 0)).slice(0, Math.floor(r() * 50)) : randomJson(r, 0)));
    await survives(docs, r, `random #${i}`);
  }
});

test('mutated valid models never crash the parser', async () => {
  const r = prng(7);
  const base = await parseModels(seeds[0]!);
  assert.ok(base.ok, 'the seed model is valid');
  for (let i = 0; i < 1000; i++) {
    let docs = clone(seeds[0]!) as unknown[];
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) docs = mutate(r, docs) as unknown[];
    await survives(Array.isArray(docs) ? docs : [docs], r, `mutation #${i}`);
  }
});
