/**
 * One JSON document of a model: its root is an object or an array of objects, each a top-level element
 * that MUST be an Interface with a DTDL context (DTDL v3 §"Partitions and referenceability").
 */
import { parseJson } from '../json/parser.js';
import { JsonSyntaxError } from '../json/lexer.js';
import { readValueCollection, type LdElement } from '../jsonld/ld.js';
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
  for (const v of values) {
    if (v.kind !== 'element') env.diags.quit('notJsonObject', { path: v.node.path, line: v.node.line });
    parseTopLevel(env, v.element, root);
  }
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
