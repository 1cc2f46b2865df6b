/**
 * A quick sample of the DTDLParser specification cases (every 20th v2/v3 case, ~670 cases): the verdict
 * (valid / invalid) must match. The full run is `npm run conformance:dtdl`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModels } from './index.js';

const corpus = process.env.TWINWORKS_DTDL_CORPUS;
const index = corpus ? join(corpus, 'parser-cases', 'index.jsonl') : undefined;
const skip = !index || !existsSync(index) ? 'set TWINWORKS_DTDL_CORPUS to the DTDL corpus folder (../shared/dtdl) to run' : false;

interface Entry {
  file: string;
  case?: number;
  fileSuffixVersion?: number;
}
interface Case {
  valid: boolean;
  input: unknown[];
  options?: string[];
}

test('specification cases sample', { skip }, async () => {
  const entries = readFileSync(index as string, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"file":"specification/'))
    .map((l) => JSON.parse(l) as Entry)
    .filter((e) => e.fileSuffixVersion === 2 || e.fileSuffixVersion === 3)
    .filter((_, i) => i % 20 === 0);
  assert.ok(entries.length > 500);
  const mismatches: string[] = [];
  for (const e of entries) {
    const data = JSON.parse(readFileSync(join(corpus as string, 'parser-cases', e.file), 'utf8').replace(/^\uFEFF/, '')) as Case[];
    const c = data[e.case ?? 0]!;
    const options = c.options ?? [];
    const r = await parseModels(
      c.input.map((x) => (x === null ? '' : JSON.stringify(x, null, 2))),
      { allowUndefinedExtensions: options.includes('AllowUndefinedExtensions') ? true : options.includes('DisallowUndefinedExtensions') ? false : undefined },
    );
    if (r.ok !== c.valid) mismatches.push(`${e.file}#${e.case ?? 0}`);
  }
  assert.deepEqual(mismatches, []);
});
