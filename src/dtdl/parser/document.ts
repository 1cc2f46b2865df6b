/**
 * One JSON document of a model: its root is an object or an array of objects, each a top-level element
 * that MUST be an Interface with a DTDL context (DTDL v3 §"Partitions and referenceability").
 */
import { parseJson } from '../json/parser.js';
import { JsonSyntaxError } from '../json/lexer.js';
import { readValueCollection, type LdElement } from '../jsonld/ld.js';
import { toPlain } from '../json/ast.js';
import type { ActiveContext } from '../jsonld/context.js';
import { classDtmi, versionRules } from '../metamodel/index.js';
import { tryParseElement, type ParseEnv } from './element.js';

export function parseDocument(env: ParseEnv, text: string, root: ActiveContext): void {
  let node;
  try {
    node = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) env.diags.quit('invalidJson', { line: e.line, value: e.message });
    throw e;
  }
  const values = readValueCollection(node, env.diags);
  // Only texts over the smallest partition limit can hold an oversized Interface.
  const mayBeTooLarge = Buffer.byteLength(text) > SMALLEST_PARTITION_LIMIT;
  for (const v of values) {
    if (v.kind !== 'element') env.diags.quit('notJsonObject', { path: v.node.path, line: v.node.line });
    parseTopLevel(env, v.element, root);
    if (mayBeTooLarge) checkPartitionSize(env, v.element);
  }
}

const SMALLEST_PARTITION_LIMIT = Math.min(...[2, 3, 4].map((v) => versionRules(v)?.partitionMaxBytes ?? Infinity));

/**
 * DTDL v3 §"Limits and exclusions": the JSON text of each Interface is limited to 1 MiB, nested Interfaces
 * excluded. Measured on the compact serialisation with nested Interfaces replaced by their identifiers.
 */
function checkPartitionSize(env: ParseEnv, elt: LdElement): void {
  const id = elt.id;
  const rec = id ? env.model.get(id) : undefined;
  const max = rec ? versionRules(rec.version)?.partitionMaxBytes : undefined;
  if (!rec || max === undefined || rec.kind !== 'Interface') return;
  const outline = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => outline(x, false));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const types = Array.isArray(o['@type']) ? o['@type'] : [o['@type']];
      if (!top && typeof o['@id'] === 'string' && types.includes('Interface')) return o['@id'];
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, outline(x, false)]));
    }
    return v;
  };
  const size = Buffer.byteLength(JSON.stringify(outline(toPlain(elt.node), true)));
  if (size > max) env.diags.notify('partitionTooLarge', { primaryId: rec.id, count1: size, count2: max, path: elt.node.path, line: elt.node.line });
}

function isRootable(types: readonly (string | null)[] | undefined, version: number): boolean {
  const rootable = versionRules(version)?.rootable ?? ['Interface'];
  return (types ?? []).some((t) => t !== null && rootable.some((c) => t === c || t === classDtmi(c, version)));
}

export function parseTopLevel(env: ParseEnv, elt: LdElement, root: ActiveContext): void {
  const { diags } = env;
  const loc = { path: elt.node.path, line: elt.node.line };
  env.modelId = elt.id;
  diags.scope = { ...diags.scope, modelId: elt.id };
  const ctx = root.child(elt, diags);
  if (elt.graph) diags.quit('topLevelGraphDisallowed', loc);
  if (elt.id === undefined) diags.quit('missingTopLevelId', loc);
  if (!env.standard && !isRootable(elt.types, ctx.version)) diags.quit('typeNotRootable', { ...loc, value: elt.id, type: 'Interface' });
  if (ctx.restrictKeywords) {
    if (elt.language !== undefined) diags.quit('topLevelKeywordDisallowed', { ...loc, value: '@language' });
    if (elt.value !== undefined) diags.quit('topLevelKeywordDisallowed', { ...loc, value: '@value' });
    for (const k of elt.keywords) diags.quit('topLevelKeywordDisallowed', { ...loc, value: k });
  }
  const id = tryParseElement(env, {
    elt,
    ctx,
    parentId: undefined,
    definedIn: undefined,
    propName: undefined,
    source: undefined,
    dtmiSeg: undefined,
    keyProp: undefined,
    idRequired: true,
    typeRequired: true,
    allowedVersions: undefined,
    expectedClass: 'Entity',
    constraints: undefined,
  });
  if (id !== undefined) env.model.roots.push(id);
}
