/**
 * JSON-LD view of a JSON syntax tree, as DTDL uses JSON-LD (DTDL v3 §"JSON-LD"): keyword members
 * (`@context`, `@id`, `@type`, `@value`, `@language`, `@graph`, other `@…`) are separated from ordinary
 * members, and every member value becomes a flat collection (nested arrays are flattened, as JSON-LD does).
 */
import type { JsonNode, JsonObject } from '../json/ast.js';
import type { Diagnostics } from '../diagnostics.js';

export type LdValue =
  | { readonly kind: 'null'; readonly node: JsonNode }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly node: JsonNode }
  | { readonly kind: 'number'; readonly value: number; readonly node: JsonNode }
  | { readonly kind: 'string'; readonly value: string; readonly node: JsonNode }
  | { readonly kind: 'element'; readonly element: LdElement; readonly node: JsonNode };

export interface LdProperty {
  readonly name: string;
  readonly values: readonly LdValue[];
  /** True when written as a JSON array. */
  readonly plural: boolean;
  readonly node: JsonNode;
  readonly line: number;
}

export type LdContextComponent =
  | { readonly local: false; readonly id: string; readonly node: JsonNode }
  | { readonly local: true; readonly terms: ReadonlyMap<string, string | null>; readonly node: JsonNode };

export interface LdElement {
  readonly node: JsonObject;
  /** Count of all JSON members, keywords included. */
  readonly propertyCount: number;
  readonly context?: readonly LdContextComponent[];
  /** '' when `@id` is present but not a string. */
  readonly id?: string;
  /** null entries stand for non-string array items. */
  readonly types?: readonly (string | null)[];
  readonly value?: LdValue;
  /** '' when `@language` is present but not a string. */
  readonly language?: string;
  readonly graph?: readonly LdElement[];
  /** Other keywords (`@foo`). */
  readonly keywords: readonly string[];
  readonly properties: readonly LdProperty[];
}

export function readValueCollection(node: JsonNode, diags: Diagnostics): LdValue[] {
  const out: LdValue[] = [];
  const walk = (n: JsonNode) => {
    if (n.kind === 'array') n.items.forEach(walk);
    else out.push(readValue(n, diags));
  };
  walk(node);
  return out;
}

function readValue(node: JsonNode, diags: Diagnostics): LdValue {
  switch (node.kind) {
    case 'null':
      return { kind: 'null', node };
    case 'boolean':
      return { kind: 'boolean', value: node.value, node };
    case 'number':
      return { kind: 'number', value: node.value, node };
    case 'string':
      return { kind: 'string', value: node.value, node };
    case 'object':
      return { kind: 'element', element: readElement(node, diags), node };
    case 'array':
      // Arrays are flattened by readValueCollection; a lone nested array cannot reach here.
      return { kind: 'null', node };
  }
}

function repeated(diags: Diagnostics, keyword: string, node: JsonNode): never {
  const name = keyword.slice(1);
  const code = `repeated${name[0]!.toUpperCase()}${name.slice(1)}Property`;
  return diags.quit(code, { path: node.path, line: node.line, property: keyword });
}

export function readElement(node: JsonObject, diags: Diagnostics): LdElement {
  let context: LdContextComponent[] | undefined;
  let id: string | undefined;
  let types: (string | null)[] | undefined;
  let value: LdValue | undefined;
  let language: string | undefined;
  let graph: LdElement[] | undefined;
  const keywords: string[] = [];
  const properties: LdProperty[] = [];
  const seen = new Set<string>();

  for (const m of node.members) {
    const v = m.value;
    if (m.key.startsWith('@')) {
      if (seen.has(m.key)) {
        if (['@graph', '@context', '@id', '@type', '@value', '@language'].includes(m.key)) repeated(diags, m.key, v);
      }
      seen.add(m.key);
      switch (m.key) {
        case '@graph':
          graph = readGraph(v, diags);
          break;
        case '@context':
          context = v.kind === 'array' ? v.items.map((i) => readContextComponent(i, diags)) : [readContextComponent(v, diags)];
          break;
        case '@id':
          id = v.kind === 'string' ? v.value : '';
          break;
        case '@type':
          types = v.kind === 'string' ? [v.value] : v.kind === 'array' ? v.items.map((i) => (i.kind === 'string' ? i.value : null)) : [];
          break;
        case '@value':
          value = v.kind === 'array' ? { kind: 'null', node: v } : readValue(v, diags);
          break;
        case '@language':
          language = v.kind === 'string' ? v.value : '';
          break;
        default:
          keywords.push(m.key);
      }
    } else {
      properties.push({ name: m.key, values: readValueCollection(v, diags), plural: v.kind === 'array', node: v, line: m.keyLine });
    }
  }

  const el: { -readonly [K in keyof LdElement]: LdElement[K] } = { node, propertyCount: node.members.length, keywords, properties };
  if (context) el.context = context;
  if (id !== undefined) el.id = id;
  if (types) el.types = types;
  if (value) el.value = value;
  if (language !== undefined) el.language = language;
  if (graph) el.graph = graph;
  return el;
}

function readGraph(v: JsonNode, diags: Diagnostics): LdElement[] {
  if (v.kind === 'object') return [readElement(v, diags)];
  if (v.kind === 'array') {
    return v.items.map((i) => (i.kind === 'object' ? readElement(i, diags) : diags.quit('graphNotObject', { path: i.path, line: i.line })));
  }
  return diags.quit('graphNotObject', { path: v.path, line: v.line });
}

function readContextComponent(v: JsonNode, diags: Diagnostics): LdContextComponent {
  if (v.kind === 'string') return { local: false, id: v.value, node: v };
  if (v.kind !== 'object') return diags.quit('invalidContext', { path: v.path, line: v.line });
  const terms = new Map<string, string | null>();
  for (const m of v.members) {
    if (terms.has(m.key)) diags.quit('duplicateTermInContextObject', { path: m.value.path, line: m.keyLine, value: m.key });
    const d = m.value;
    if (d.kind === 'null') terms.set(m.key, null);
    else if (d.kind === 'string') terms.set(m.key, d.value);
    else if (d.kind === 'object') {
      const idm = d.members.find((x) => x.key === '@id');
      if (!idm) diags.quit('termDefinitionMissingIdProperty', { path: d.path, line: d.line, value: m.key });
      if (idm.value.kind !== 'string') diags.quit('termDefinitionIdPropertyNotString', { path: idm.value.path, line: idm.value.line, value: m.key });
      terms.set(m.key, idm.value.value);
    } else diags.quit('termDefinitionNotStringOrObject', { path: d.path, line: d.line, value: m.key });
  }
  return { local: true, terms, node: v };
}
