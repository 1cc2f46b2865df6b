/**
 * Checks on the values of an element's plural members once references are linked: uniqueness of `name`
 * (and `enumValue`) among siblings, value-count limits (DTDL v2: contents 300, extends 2, enumValues 100,
 * fields 30, Relationship properties 300), and Enum values matching the Enum's valueSchema.
 */
import type { Diagnostics } from '../diagnostics.js';
import { DESCENDANT_CONTROLS, propertyRules, supplementalLineage } from '../metamodel/index.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';

const literalKey = (v: unknown) => `${typeof v}:${String(v)}`;

export function checkMembers(model: WorkingModel, rec: ElementRecord, diags: Diagnostics): void {
  for (const rule of propertyRules(rec.kind, rec.version)) {
    if (rule.literal || rule.identifier) continue;
    const ids = rec.objects.get(rule.name);
    if (!ids) continue;
    const src = rec.sources.get(rule.name);
    const where = { path: src?.node.path ?? rec.elt.node.path, line: src?.line ?? rec.elt.node.line, documentIndex: rec.documentIndex, sourceDtmi: rec.sourceDtmi };
    for (const key of rule.uniqueProperties ?? []) {
      const seen = new Map<string, string>();
      for (const id of ids) {
        const child = model.get(id);
        if (!child || !child.literals.has(key)) continue;
        const k = literalKey(child.literals.get(key));
        const first = seen.get(k);
        if (first !== undefined && first !== id) {
          diags.notify('nonUniquePropertyValue', { primaryId: rec.id, property: rule.name, auxProperty: key, value: String(child.literals.get(key)), secondaryId: id, ...where });
        } else seen.set(k, id);
      }
    }
    checkUniqueExtensionValues(model, rec, rule.name, ids, diags, where);
    // DTDL v2: "max 300 Contents in set, including those imported via extends" (DTDL.v2.md §Interface).
    const count = rec.kind === 'Interface' && rule.name === 'contents' ? contentsWithInherited(model, rec) : ids.length;
    if (rule.plural && rule.maxCount !== undefined && count > rule.maxCount) {
      diags.notify('objectCountAboveMax', { primaryId: rec.id, property: rule.name, count1: count, count2: rule.maxCount, ...where });
    }
  }
  checkDatatypeConformance(model, rec, diags);
}

/** Extension members declared unique (e.g. MQTT `index`) must differ among the values of one member. */
function checkUniqueExtensionValues(model: WorkingModel, rec: ElementRecord, prop: string, ids: readonly string[], diags: Diagnostics, where: object): void {
  const seen = new Map<string, string>();
  for (const id of ids) {
    const child = model.get(id);
    if (!child) continue;
    for (const t of child.supplementalTypes) {
      for (const st of supplementalLineage(t)) {
        for (const p of st.properties) {
          if (!p.uniqueValue || !child.supplemental.has(p.id)) continue;
          const key = `${p.id}|${literalKey(child.supplemental.get(p.id))}`;
          if (seen.has(key) && seen.get(key) !== id) {
            diags.notify('nonUniquePropertyValue', { primaryId: rec.id, property: prop, auxProperty: p.name, value: String(child.supplemental.get(p.id)), secondaryId: id, ...where });
          } else seen.set(key, id);
        }
      }
    }
  }
}

/** DTDL v3 §EnumValue: enumValue is an integer or a string as the parent Enum's valueSchema says. */
function checkDatatypeConformance(model: WorkingModel, rec: ElementRecord, diags: Diagnostics): void {
  for (const control of DESCENDANT_CONTROLS) {
    if (control.version !== rec.version || control.rootClass !== rec.kind || !control.datatypeProperty) continue;
    const schemaId = rec.objects.get(control.datatypeProperty)?.[0];
    const schema = schemaId ? model.get(schemaId) : undefined;
    if (!schema) continue;
    for (const prop of ['enumValues']) {
      for (const id of rec.objects.get(prop) ?? []) {
        const child = model.get(id);
        if (!child) continue;
        for (const lit of control.properties) {
          if (!child.literals.has(lit)) continue;
          const value = child.literals.get(lit);
          const type = child.literals.get(`${lit}#type`);
          const ok = conforms(schema.kind, value, type);
          if (!ok) {
            const src = child.sources.get(lit);
            diags.notify('nonConformantDatatype', {
              primaryId: child.id,
              property: lit,
              value: String(value),
              secondaryId: rec.id,
              path: src?.node.path,
              line: src?.line,
              documentIndex: child.documentIndex,
              sourceDtmi: child.sourceDtmi,
            });
          }
        }
      }
    }
  }
}

function conforms(schemaKind: string, value: unknown, type: unknown): boolean {
  switch (schemaKind) {
    case 'Integer':
      return type === 'integer';
    case 'String':
      return type === 'string';
    case 'Boolean':
      return type === 'boolean';
    case 'Double':
    case 'Float':
    case 'Long':
      return typeof value === 'number';
    default:
      return true;
  }
}

function contentsWithInherited(model: WorkingModel, rec: ElementRecord): number {
  const ids = new Set<string>();
  const seen = new Set<string>();
  const queue = [rec.id];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const r = model.get(id);
    if (!r) continue;
    for (const c of r.objects.get('contents') ?? []) ids.add(c);
    queue.push(...(r.objects.get('extends') ?? []));
  }
  return ids.size;
}
