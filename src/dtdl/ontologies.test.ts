/**
 * Real-world ontologies (../shared/dtdl/ontologies, path from TWINWORKS_DTDL_CORPUS) must load without
 * errors, all files of a folder parsed together. The inherited-contents check is computed independently
 * here from the raw JSON (names through the transitive `extends` closure).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModels } from './index.js';

const corpus = process.env.TWINWORKS_DTDL_CORPUS;
const base = corpus ? join(corpus, 'ontologies') : undefined;
const skip = !base || !existsSync(base) ? 'set TWINWORKS_DTDL_CORPUS to the DTDL corpus folder (../shared/dtdl) to run' : false;

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (n.endsWith('.json')) out.push(p);
  }
  return out;
}

type Raw = { '@id': string; extends?: string | string[]; contents?: { name?: string }[] | { name?: string } };

/** Content names of an Interface and everything it extends, from the raw documents. */
function inheritedNames(byId: Map<string, Raw>, id: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (seen.has(cur)) continue;
    seen.add(cur);
    const raw = byId.get(cur);
    if (!raw) continue;
    const contents = Array.isArray(raw.contents) ? raw.contents : raw.contents ? [raw.contents] : [];
    for (const c of contents) if (typeof c.name === 'string') names.add(c.name);
    const ext = raw.extends === undefined ? [] : Array.isArray(raw.extends) ? raw.extends : [raw.extends];
    stack.push(...ext.filter((e): e is string => typeof e === 'string'));
  }
  return names;
}

const folders = base && existsSync(base) ? readdirSync(base).filter((f) => statSync(join(base, f)).isDirectory()) : [];

test('ontology folders are present', { skip }, () => {
  assert.ok(folders.length >= 5, `found ${folders.join(', ')}`);
});

for (const folder of folders) {
  test(`ontology ${folder} loads with no error`, { skip }, async () => {
    const texts = files(join(base as string, folder)).map((f) => readFileSync(f, 'utf8'));
    const r = await parseModels(texts);
    if (!r.ok) assert.fail(`${folder}: ${r.unresolved ? `unresolved ${r.unresolved.join(', ')}` : JSON.stringify(r.errors.slice(0, 5), null, 1)}`);
    const raws = texts.map((t) => JSON.parse(t.replace(/^\uFEFF/, '')) as Raw);
    assert.equal(r.graph.interfaces.size, raws.length);
    const byId = new Map(raws.map((x) => [x['@id'], x]));
    // The Interface with the most inherited contents is the strongest check of flattening.
    let best = raws[0]!['@id'];
    let bestNames = inheritedNames(byId, best);
    for (const x of raws) {
      const n = inheritedNames(byId, x['@id']);
      if (n.size > bestNames.size) {
        best = x['@id'];
        bestNames = n;
      }
    }
    const info = r.graph.interfaces.get(best)!;
    assert.deepEqual([...info.contents.keys()].sort(), [...bestNames].sort(), best);
    for (const a of info.ancestors) assert.ok(r.graph.interfaces.get(a)!.descendants.includes(best));
  });
}
