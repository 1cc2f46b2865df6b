/**
 * DTDL conformance: runs every model case of the DTDLParser test corpus (parser-cases/{specification,
 * generated,doc-examples,solecisms}) through src/dtdl and prints the share of matching verdicts per DTDL
 * version. A case matches when valid/invalid agrees and, for invalid cases with `expect.parsingErrors`,
 * every reported error code is among the expected ones (and unresolved-identifier sets agree for
 * incomplete cases); valid cases with `instances` must also agree on every instance verdict.
 *
 *   npm run conformance:dtdl [-- --verbose] [-- --failures out.txt] [-- --filter Name]
 * Corpus: $TWINWORKS_DTDL_CORPUS, default ../shared/dtdl next to the project.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModels, validateJsonText, type ParseResult } from '../src/dtdl/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.TWINWORKS_DTDL_CORPUS ?? resolve(root, '../shared/dtdl');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const failuresFile = args.includes('--failures') ? args[args.indexOf('--failures') + 1] : undefined;
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;

if (!existsSync(join(corpus, 'parser-cases', 'index.jsonl'))) {
  console.error(`DTDL corpus not found at ${corpus}: set TWINWORKS_DTDL_CORPUS to the folder holding parser-cases/.`);
  process.exit(2);
}

interface IndexEntry {
  file: string;
  case?: number;
  fileSuffixVersion?: number;
  dtdlVersions?: number[];
}
interface ResolutionStep {
  request: string[];
  response: unknown[] | null;
}
interface ExpectedError {
  ValidationID: string;
}
interface Case {
  valid: boolean;
  input: unknown[];
  options?: string[];
  quirks?: string[];
  maxDtdlVersion?: number;
  resolution?: ResolutionStep[];
  instances?: { subject: string; submit: string; conforms?: boolean; throws?: boolean }[];
  expect?: { parsingErrors?: ExpectedError[]; unresolvedIdentifiers?: string[] };
}

const SUITES = ['specification', 'generated', 'doc-examples', 'solecisms'];
const entries = readFileSync(join(corpus, 'parser-cases', 'index.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as IndexEntry)
  .filter((e) => SUITES.includes(e.file.split('/')[0] as string))
  .filter((e) => !filter || e.file.includes(filter));

const fileCache = new Map<string, Case[]>();
function loadCase(e: IndexEntry): Case {
  let cases = fileCache.get(e.file);
  if (!cases) {
    const data = JSON.parse(readFileSync(join(corpus, 'parser-cases', e.file), 'utf8').replace(/^\uFEFF/, '')) as Case | Case[];
    cases = Array.isArray(data) ? data : [data];
    fileCache.clear();
    fileCache.set(e.file, cases);
  }
  return cases[e.case ?? 0] as Case;
}

function versionGroup(e: IndexEntry): string {
  const suite = e.file.split('/')[0];
  if (suite === 'doc-examples' && e.dtdlVersions && e.dtdlVersions.length > 0) return `v${Math.max(...e.dtdlVersions)}`;
  return `v${e.fileSuffixVersion ?? '?'}`;
}

/** The harness's document text: JSON.stringify(x, null, 2); null → empty text. */
const asText = (x: unknown): string => (x === null ? '' : JSON.stringify(x, null, 2));

async function runCase(c: Case): Promise<{ ok: boolean; why: string }> {
  const steps = c.resolution ?? [];
  let step = 0;
  let protocolError: string | undefined;
  const resolver = c.resolution
    ? (dtmis: string[]) => {
        const s = steps[step++];
        if (!s) {
          protocolError = `unexpected resolver call for ${dtmis.join(', ')}`;
          return undefined;
        }
        const want = [...s.request].sort().join(' ');
        const got = [...dtmis].sort().join(' ');
        if (want !== got) protocolError = `resolver asked for [${got}], expected [${want}]`;
        return s.response ? s.response.map(asText) : undefined;
      }
    : undefined;
  const options = c.options ?? [];
  const quirks = c.quirks ?? [];
  const result: ParseResult = await parseModels(c.input.map(asText), {
    resolver,
    allowUndefinedExtensions: options.includes('AllowUndefinedExtensions') ? true : options.includes('DisallowUndefinedExtensions') ? false : undefined,
    maxDtdlVersion: c.maxDtdlVersion,
    tolerateSolecismsInParse: quirks.includes('TolerateSolecismsInParse'),
    tolerateSolecismsInResolve: quirks.includes('TolerateSolecismsInResolve'),
  });
  if (protocolError) return { ok: false, why: protocolError };
  if (c.valid) {
    if (!result.ok) {
      const what = result.unresolved ? `unresolved ${result.unresolved.join(', ')}` : result.errors.map((e) => `${e.code}${e.primaryId ? `(${e.primaryId})` : ''}`).join(', ');
      return { ok: false, why: `expected valid, got invalid: ${what}` };
    }
    if (c.resolution && step < steps.length) return { ok: false, why: `resolver used ${step} of ${steps.length} steps` };
    for (const inst of c.instances ?? []) {
      const schema = result.graph.elements.get(inst.subject);
      let verdict: 'conforms' | 'fails' | 'throws';
      try {
        if (!schema) throw new Error('no such element');
        verdict = validateJsonText(schema, inst.submit).length === 0 ? 'conforms' : 'fails';
      } catch {
        verdict = 'throws';
      }
      const want = inst.throws ? 'throws' : inst.conforms ? 'conforms' : 'fails';
      if (verdict !== want) return { ok: false, why: `instance ${inst.submit} of ${inst.subject}: expected ${want}, got ${verdict}` };
    }
    return { ok: true, why: '' };
  }
  if (result.ok) return { ok: false, why: 'expected invalid, got valid' };
  const exp = c.expect;
  if (exp?.unresolvedIdentifiers) {
    const want = [...exp.unresolvedIdentifiers].sort().join(' ');
    const got = [...(result.unresolved ?? [])].sort().join(' ');
    if (want !== got) return { ok: false, why: `unresolved [${got}] but expected [${want}]${result.errors.length ? `; errors ${result.errors.map((e) => e.code).join(', ')}` : ''}` };
    return { ok: true, why: '' };
  }
  if (exp?.parsingErrors) {
    const allowed = new Set(exp.parsingErrors.map((e) => e.ValidationID.replace('dtmi:dtdl:parsingError:', '')));
    if (result.unresolved) return { ok: false, why: `incomplete (${result.unresolved.join(', ')}) but expected errors ${[...allowed].join(', ')}` };
    const extra = result.errors.filter((e) => !allowed.has(e.code));
    if (extra.length > 0) {
      return { ok: false, why: `reported ${[...new Set(extra.map((e) => e.code))].join(', ')}; expected one of ${[...allowed].join(', ')}` };
    }
  }
  return { ok: true, why: '' };
}

const totals = new Map<string, { pass: number; total: number }>();
const failures: string[] = [];
for (const e of entries) {
  const group = versionGroup(e);
  const t = totals.get(group) ?? { pass: 0, total: 0 };
  totals.set(group, t);
  t.total++;
  let r: { ok: boolean; why: string };
  try {
    r = await runCase(loadCase(e));
  } catch (err) {
    r = { ok: false, why: `parser threw: ${(err as Error).stack ?? String(err)}` };
  }
  if (r.ok) t.pass++;
  else failures.push(`${group} ${e.file}${e.case !== undefined ? `#${e.case}` : ''}: ${r.why}`);
}

for (const [group, t] of [...totals].sort()) {
  const pct = ((100 * t.pass) / t.total).toFixed(1);
  console.log(`${group}: ${pct}% (${t.pass}/${t.total})${group === 'v4' ? '  [v4: best effort, not a target]' : ''}`);
}
if (verbose) for (const f of failures) console.log(f);
if (failuresFile) writeFileSync(failuresFile, failures.join('\n') + '\n');
