/**
 * Hierarchy limits (DTDL v2/v3 §"Limits and exclusions", digest `descendantControls`):
 *  - complex schemas nest at most 5 `elementSchema`/`schema` levels and never include themselves;
 *  - a Component's Interface contains no Component (narrow: `schema` then `contents`);
 *  - in DTDL v2 a Property's schema hierarchy contains no Array (so no geospatial schema either).
 */
import type { Diagnostics } from '../diagnostics.js';
import { DESCENDANT_CONTROLS, isKindOf, type DescendantControl } from '../metamodel/index.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';

/** Members that lead from one schema element to the next without adding a nesting level. */
const ENTAILMENTS: ReadonlySet<string> = new Set(['fields', 'mapKey', 'mapValue', 'enumValues', 'valueSchema']);

/** Guard against pathological fan-out (wide schemas nested deeply). */
const STEP_BUDGET = 200_000;

interface DepthState {
  readonly model: WorkingModel;
  readonly limit: number;
  readonly props: readonly string[];
  readonly allowSelf: boolean;
  readonly diags: Diagnostics;
  tooDeep: string[];
  steps: number;
}

/** Returns true when within the limit (the reference parser's CheckDepthOfElementSchemaOrSchema). */
function depthOk(s: DepthState, rec: ElementRecord, depth: number): boolean {
  if (++s.steps > STEP_BUDGET) return true;
  const visit = (childId: string, nextDepth: number): boolean | undefined => {
    const child = s.model.get(childId);
    if (!child) return undefined;
    if (depthOk(s, child, nextDepth)) return undefined;
    if (s.tooDeep.includes(rec.id)) {
      if (!s.allowSelf) s.diags.notify('recursiveStructureWide', { primaryId: rec.id, property: s.props.map((p) => `'${p}'`).join(' or '), ...at(rec) });
      s.tooDeep = [];
      return true;
    }
    s.tooDeep.push(rec.id);
    return false;
  };
  for (const [prop, ids] of rec.objects) {
    const counts = s.props.includes(prop);
    if (!counts && !ENTAILMENTS.has(prop)) continue;
    for (const id of ids) {
      if (counts && depth === s.limit) {
        s.tooDeep.push(rec.id);
        return false;
      }
      const r = visit(id, counts ? depth + 1 : depth);
      if (r !== undefined) return r;
    }
  }
  return true;
}

const at = (rec: ElementRecord) => ({ path: rec.elt.node.path, line: rec.elt.node.line, documentIndex: rec.documentIndex, sourceDtmi: rec.sourceDtmi });

function controlsFor(rec: ElementRecord): DescendantControl[] {
  return DESCENDANT_CONTROLS.filter((c) => c.version === rec.version && isKindOf(rec.kind, c.rootClass));
}

export function checkDescendants(model: WorkingModel, rec: ElementRecord, diags: Diagnostics): void {
  for (const c of controlsFor(rec)) {
    if (c.rootClass === 'Interface') continue; // extends / contents hierarchies: ./extends.ts
    if (c.maxDepth !== undefined && !c.narrow && c.rootClass === 'ComplexSchema') {
      const s: DepthState = { model, limit: c.maxDepth, props: c.properties, allowSelf: c.allowSelf, diags, tooDeep: [], steps: 0 };
      if (!depthOk(s, rec, 0)) {
        diags.notify('excessiveDepthWide', { primaryId: rec.id, secondaryId: s.tooDeep[0], count2: c.maxDepth, ...at(rec) });
      }
    }
    if (c.excludeType) {
      const found = c.narrow ? findNarrow(model, rec, c.properties, c.excludeType) : findWide(model, rec, c.properties, c.excludeType);
      if (found) {
        diags.notify('excludedType', { primaryId: rec.id, secondaryId: found.id, restriction: c.excludeType, property: c.properties.map((p) => `'${p}'`).join(' or '), type: c.rootClass, ...at(rec) });
      }
    }
  }
}

/** Any element of `kind` reachable through the given members only. */
function findNarrow(model: WorkingModel, root: ElementRecord, props: readonly string[], kind: string): ElementRecord | undefined {
  const seen = new Set<string>([root.id]);
  const queue = [root];
  while (queue.length > 0) {
    const rec = queue.shift() as ElementRecord;
    for (const p of props) {
      for (const id of p === 'contents' && rec.kind === 'Interface' ? withInherited(model, rec) : (rec.objects.get(p) ?? [])) {
        const child = model.get(id);
        if (!child) continue;
        if (child.kind === kind) return child;
        if (!seen.has(id)) {
          seen.add(id);
          queue.push(child);
        }
      }
    }
  }
  return undefined;
}

/** Any element of `kind` reachable through the given members and the schema-bearing members between them. */
function findWide(model: WorkingModel, root: ElementRecord, props: readonly string[], kind: string): ElementRecord | undefined {
  const seen = new Set<string>([root.id]);
  const queue = [root];
  while (queue.length > 0) {
    const rec = queue.shift() as ElementRecord;
    for (const [p, ids] of rec.objects) {
      if (!props.includes(p) && !ENTAILMENTS.has(p) && p !== 'elementSchema') continue;
      for (const id of ids) {
        const child = model.get(id);
        if (!child) continue;
        if (child.kind === kind) return child;
        if (!seen.has(id)) {
          seen.add(id);
          queue.push(child);
        }
      }
    }
  }
  return undefined;
}

/** Contents of an Interface including those inherited through `extends` (cycle-safe). */
function withInherited(model: WorkingModel, rec: ElementRecord): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const queue = [rec.id];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const r = model.get(id);
    if (!r) continue;
    out.push(...(r.objects.get('contents') ?? []));
    queue.push(...(r.objects.get('extends') ?? []));
  }
  return out;
}
