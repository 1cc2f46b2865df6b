/**
 * Sibling constraints of extension co-types within an Interface's contents (own and inherited):
 * Annotation v1/v2 — a ValueAnnotation `annotates` a Property or Telemetry by name, never another
 * annotation; Overriding v1/v2 — an Override `overrides` an extension property the annotated sibling
 * has (e.g. QuantitativeTypes `unit`), no two Overrides override the same property of the same sibling,
 * and the Override's schema is the unit type (enum) the overridden value belongs to.
 */
import type { Diagnostics } from '../diagnostics.js';
import { termOrUri } from '../jsonld/context.js';
import { supplementalLineage } from '../metamodel/index.js';
import { hasType } from '../parser/link.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';
import { resolveAlias } from '../parser/standard.js';
import type { InterfaceChecks } from './interfaces.js';

const at = (rec: ElementRecord) => ({ path: rec.elt.node.path, line: rec.elt.node.line, documentIndex: rec.documentIndex, sourceDtmi: rec.sourceDtmi });
const firstString = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);

export function checkSiblings(model: WorkingModel, rec: ElementRecord, diags: Diagnostics, interfaces: InterfaceChecks): void {
  if (rec.kind !== 'Interface') return;
  const contents = interfaces
    .flattenedContents(rec)
    .map((id) => model.get(id))
    .filter((x): x is ElementRecord => x !== undefined);
  if (!contents.some((c) => c.supplementalTypes.some((t) => supplementalLineage(t).some((s) => s.siblings.length > 0 || s.constraints.some((k) => k.siblingKey))))) return;
  const byName = new Map<string, ElementRecord>();
  for (const c of contents) {
    const name = c.literals.get('name');
    if (typeof name === 'string' && !byName.has(name)) byName.set(name, c);
  }
  const references = new Set<string>();
  for (const el of contents) {
    for (const t of el.supplementalTypes) {
      for (const st of supplementalLineage(t)) {
        for (const s of st.siblings) {
          const keyref = firstString(el.supplemental.get(s.keyref));
          const sib = keyref !== undefined ? byName.get(keyref) : undefined;
          if (!sib) continue;
          const f = { primaryId: el.id, property: termOrUri(s.keyref), auxProperty: s.key, value: keyref, secondaryId: sib.id, ...at(el) };
          if (s.requiredTypes && !s.requiredTypes.some((rt) => hasType(sib, rt))) diags.notify('notSiblingRequiredType', { ...f, type: s.requiredTypesString });
          if (s.disallowedType && hasType(sib, s.disallowedType)) diags.notify('disallowedType', { ...f, type: termOrUri(s.disallowedType) });
          if (s.supplementalProperty) {
            const overridden = firstString(el.supplemental.get(s.supplementalProperty));
            if (overridden === undefined) continue;
            if (/^dtmi:dtdl:property:[A-Za-z]+;\d+$/.test(overridden)) {
              diags.notify('matchingPropertyNotSupplemental', { ...f, restriction: termOrUri(overridden), transformation: termOrUri(s.supplementalProperty) });
            } else if (!sib.supplemental.has(overridden)) {
              diags.notify('noMatchingSupplementalProperty', { ...f, restriction: termOrUri(overridden) });
            }
            if (s.uniqueReference) {
              const key = `${sib.id}|${overridden}`;
              if (references.has(key)) diags.notify('multipleReference', { primaryId: rec.id, property: 'contents', value: `'${keyref}' and '${termOrUri(overridden)}'`, ...at(rec) });
              references.add(key);
            }
          }
        }
        for (const c of st.constraints) {
          if (!c.siblingKeyref || !c.siblingParentOf) continue;
          const keyref = firstString(el.supplemental.get(c.siblingKeyref));
          const sib = keyref !== undefined ? byName.get(keyref) : undefined;
          const overridden = firstString(el.supplemental.get(c.siblingParentOf));
          if (!sib || overridden === undefined) continue;
          const valueId = firstString(sib.supplemental.get(overridden));
          if (valueId === undefined) continue;
          const parent = model.get(resolveAlias(valueId))?.parentId;
          const schema = el.objects.get(c.property)?.[0];
          if (parent !== undefined && schema !== undefined && resolveAlias(schema) !== parent) {
            diags.notify('siblingPropertyMismatch', { primaryId: el.id, property: c.property, value: termOrUri(schema), restriction: termOrUri(parent), secondaryId: sib.id, ...at(el) });
          }
        }
      }
    }
  }
}
