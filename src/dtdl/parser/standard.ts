/**
 * Standard elements (primitive and geospatial schemas, command types, units and unit enums): written in
 * DTDL in the metamodel digest and parsed once, with reserved identifiers allowed. A model refers to them
 * by term or DTMI; referenced ones are copied into the model with everything they contain.
 */
import { STANDARD_ELEMENTS, ALIASES } from '../generated/standard-elements.js';
import { Diagnostics, QuitSignal } from '../diagnostics.js';
import { ActiveContext } from '../jsonld/context.js';
import { readElement } from '../jsonld/ld.js';
import { parseJson } from '../json/parser.js';
import type { ElementRecord } from './model.js';
import { WorkingModel } from './model.js';
import { parseTopLevel } from './document.js';
import { linkReferences } from './link.js';

interface StandardTable {
  readonly model: WorkingModel;
  readonly aliases: ReadonlyMap<string, string>;
  /** Elements to copy along with each standard element (itself, its descendants and what they refer to). */
  readonly closures: Map<string, string[]>;
}

let table: StandardTable | undefined;

function build(): StandardTable {
  const model = new WorkingModel();
  const diags = new Diagnostics();
  const root = ActiveContext.root({ undefinedExtensions: 'always' });
  const env = { model, diags, allowReservedIds: true, tolerateSolecisms: false, standard: true, globalize: true, documentIndex: undefined, sourceDtmi: undefined, modelId: undefined };
  for (const doc of STANDARD_ELEMENTS) {
    const node = parseJson(JSON.stringify(doc));
    if (node.kind !== 'object') continue;
    try {
      parseTopLevel(env, readElement(node, diags), root);
    } catch (e) {
      if (!(e instanceof QuitSignal)) throw e;
    }
  }
  const aliases = new Map<string, string>();
  for (const rec of model.elements.values()) {
    for (const [prop, target] of Object.entries(ALIASES)) {
      void prop;
      const v = rec.supplemental.get(target);
      if (Array.isArray(v) && typeof v[0] === 'string') aliases.set(rec.id, v[0]);
    }
  }
  linkReferences(model, undefined, (id) => aliases.get(id) ?? id);
  return { model, aliases, closures: new Map() };
}

function standard(): StandardTable {
  table ??= build();
  return table;
}

export function resolveAlias(id: string): string {
  return standard().aliases.get(id) ?? id;
}

export function isStandardElement(id: string): boolean {
  return standard().model.elements.has(id);
}

function closure(t: StandardTable, id: string): string[] {
  let c = t.closures.get(id);
  if (c) return c;
  const out = new Set<string>();
  const visit = (x: string) => {
    if (out.has(x)) return;
    const rec = t.model.get(x);
    if (!rec) return;
    out.add(x);
    const target = t.aliases.get(x);
    if (target) visit(target);
    for (const ids of rec.objects.values()) ids.forEach(visit);
    for (const v of rec.supplemental.values()) if (Array.isArray(v)) v.forEach((s) => typeof s === 'string' && visit(s));
    for (const child of t.model.elements.values()) if (child.parentId === x) visit(child.id);
  };
  visit(id);
  c = [...out];
  t.closures.set(id, c);
  return c;
}

/** Adds a standard element (and what it needs) to a model; false when the id is not standard. */
export function tryAddStandardElement(model: WorkingModel, id: string): boolean {
  const t = standard();
  if (!t.model.elements.has(id)) return false;
  for (const x of closure(t, id)) {
    if (!model.elements.has(x)) model.elements.set(x, t.model.get(x) as ElementRecord);
  }
  return true;
}
