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
import { parseModels, validateJsonText, type DtdlElement, type ModelGraph, type ParseResult } from '../src/dtdl/index.js';

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
  PrimaryID?: string | null;
}
interface ExpectedElement {
  id: string;
  type: string;
  properties?: Record<string, unknown>;
  supplementalTypes?: string[];
  supplementalProperties?: Record<string, unknown>;
  undefinedTypes?: string[];
}
interface Case {
  valid: boolean;
  input: unknown[];
  options?: string[];
  quirks?: string[];
  maxDtdlVersion?: number;
  resolution?: ResolutionStep[];
  instances?: { subject: string; submit: string; conforms?: boolean; throws?: boolean }[];
  expect?: { parsingErrors?: ExpectedError[]; unresolvedIdentifiers?: string[]; elements?: ExpectedElement[] };
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

interface Verdict {
  ok: boolean;
  why: string;
  /** Stricter reading (the reference harness's): error PrimaryIDs and object-model expectations too. */
  strictOk?: boolean;
  strictWhy?: string;
}

async function runCase(c: Case): Promise<Verdict> {
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
    const problem = checkElements(c.expect?.elements ?? [], result.graph);
    return { ok: true, why: '', strictOk: problem === undefined, strictWhy: problem ?? '' };
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
    const unmatched = result.errors.filter(
      (e) => !exp.parsingErrors!.some((x) => x.ValidationID.endsWith(`:${e.code}`) && (!('PrimaryID' in x) || (x.PrimaryID ?? undefined) === e.primaryId)),
    );
    if (unmatched.length > 0) return { ok: true, why: '', strictOk: false, strictWhy: `PrimaryID differs: ${unmatched.map((e) => `${e.code}(${e.primaryId ?? 'none'})`).join(', ')}` };
  }
  return { ok: true, why: '' };
}

/** Object-model expectations (README §1.4), for the properties the graph exposes; others are skipped. */
function checkElements(expected: readonly ExpectedElement[], graph: ModelGraph): string | undefined {
  for (const x of expected) {
    const el = graph.elements.get(x.id);
    if (!el) return `element ${x.id} missing`;
    if (el.kind !== x.type) return `element ${x.id} is ${el.kind}, expected ${x.type}`;
    for (const [key, want] of Object.entries(x.properties ?? {})) {
      const got = actualProperty(el, key);
      if (got === SKIP) continue;
      if (!sameJson(got, want)) return `element ${x.id} property ${key}: ${JSON.stringify(got)} ≠ expected ${JSON.stringify(want)}`;
    }
    if (x.supplementalTypes && !sameJson([...el.supplementalTypes].sort(), [...x.supplementalTypes].sort())) return `element ${x.id} supplementalTypes ${JSON.stringify(el.supplementalTypes)}`;
    for (const [key, want] of Object.entries(x.supplementalProperties ?? {})) {
      const v = el.extensionProperties[key];
      const got = Array.isArray(v) && v.length === 1 ? v[0] : v;
      if (!sameJson(got, want)) return `element ${x.id} extension property ${key}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`;
    }
    if (x.undefinedTypes && !sameJson([...el.undefinedTypes].sort(), [...x.undefinedTypes].sort())) return `element ${x.id} undefinedTypes ${JSON.stringify(el.undefinedTypes)}`;
  }
  return undefined;
}

const SKIP = Symbol('skip');
function actualProperty(el: DtdlElement, key: string): unknown {
  const r = el as unknown as Record<string, unknown>;
  const idOf = (v: unknown) => (v && typeof v === 'object' && 'id' in v ? (v as { id: string }).id : v);
  const dict = (m: unknown) => (m instanceof Map ? Object.fromEntries([...m].map(([k, v]) => [k, idOf(v)])) : m);
  switch (key) {
    case 'name':
    case 'writable':
    case 'comment':
    case 'enumValue':
    case 'minMultiplicity':
    case 'maxMultiplicity':
    case 'target':
    case 'extends':
      return r[key] ?? null;
    case 'displayName':
    case 'description':
      return r[key];
    case 'languageMajorVersion':
      return el.dtdlVersion;
    case 'schema':
    case 'elementSchema':
    case 'valueSchema':
    case 'mapKey':
    case 'mapValue':
    case 'request':
    case 'response':
      return idOf(r[key]) ?? null;
    case 'fields':
    case 'enumValues':
    case 'schemas':
      return (r[key] as unknown[] | undefined)?.map(idOf);
    case 'contents':
    case 'telemetries':
    case 'commands':
    case 'relationships':
    case 'components':
      return dict(r[key]);
    case 'properties':
      return el.kind === 'Relationship' ? el.properties.map((p) => p.id) : dict(r[key]);
    default:
      return SKIP;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].map((x) => JSON.stringify(x)).sort().join() === [...b].map((x) => JSON.stringify(x)).sort().join();
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.join() === kb.join() && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return (a ?? null) === (b ?? null);
}

const totals = new Map<string, { pass: number; total: number; strict: number }>();
const failures: string[] = [];
const strictFailures: string[] = [];
for (const e of entries) {
  const group = versionGroup(e);
  const t = totals.get(group) ?? { pass: 0, total: 0, strict: 0 };
  totals.set(group, t);
  t.total++;
  let r: Verdict;
  try {
    r = await runCase(loadCase(e));
  } catch (err) {
    r = { ok: false, why: `parser threw: ${(err as Error).stack ?? String(err)}` };
  }
  const name = `${group} ${e.file}${e.case !== undefined ? `#${e.case}` : ''}`;
  if (r.ok && r.strictOk !== false) t.strict++;
  else if (r.ok) strictFailures.push(`${name}: ${r.strictWhy}`);
  if (r.ok) t.pass++;
  else failures.push(`${group} ${e.file}${e.case !== undefined ? `#${e.case}` : ''}: ${r.why}`);
}

for (const [group, t] of [...totals].sort()) {
  const pct = ((100 * t.pass) / t.total).toFixed(1);
  console.log(`${group}: ${pct}% (${t.pass}/${t.total})${group === 'v4' ? '  [v4: best effort, not a target]' : ''}`);
}
console.log('stricter reading (reported PrimaryIDs as expected; object-model expectations met):');
for (const [group, t] of [...totals].sort()) console.log(`  ${group}: ${((100 * t.strict) / t.total).toFixed(1)}% (${t.strict}/${t.total})`);
if (verbose) for (const f of failures) console.log(f);
if (verbose) for (const f of strictFailures) console.log(`strict: ${f}`);
if (failuresFile) writeFileSync(failuresFile, [...failures, ...strictFailures.map((f) => `strict: ${f}`)].join('\n') + '\n');
