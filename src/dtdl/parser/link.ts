/**
 * Assigning resolved references to members, with the checks that need the referenced element: partition
 * boundaries (DTDL v3 §"Partitions and referenceability"), the class and DTDL version the member demands,
 * the parent a unit must have, and the key a dictionary-like member needs.
 */
import { parseDtmi } from '../dtmi.js';
import { termOrUri } from '../jsonld/context.js';
import { CLASSES, supplementalLineage } from '../metamodel/index.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ElementRecord, RefRecord, WorkingModel } from './model.js';

export type AliasResolver = (id: string) => string;

function refLoc(ref: RefRecord) {
  return {
    path: ref.source?.node.path,
    line: ref.source?.line,
    documentIndex: ref.documentIndex,
    sourceDtmi: ref.sourceDtmi,
  };
}

export function linkReferences(model: WorkingModel, diags: Diagnostics | undefined, alias: AliasResolver): void {
  for (const ref of model.refs) {
    if (diags) diags.scope = ref.modelId ? { modelId: ref.modelId } : {};
    const target = alias(ref.refId);
    const el = model.get(target);
    const from = model.get(ref.fromId);
    if (!el || !from) continue;
    if (diags) {
      const where = refLoc(ref);
      if (!el.isPartition) {
        const sourcePartition = from.isPartition || from.definedIn === undefined ? from.id : from.definedIn;
        const targetPartition = el.definedIn;
        if (targetPartition !== undefined && targetPartition !== sourcePartition) {
          diags.notify('crossPartitionReference', { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, value: targetPartition, ...where });
        }
      }
      if (ref.expectedKinds && !ref.expectedKinds.includes(el.kind)) {
        diags.notify('badType', { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, value: el.kind, ...where });
        continue;
      }
      if (ref.allowedVersions && !ref.allowedVersions.includes(el.version)) {
        diags.notify('disallowedVersionReference', { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, value: String(el.version), ...where });
      }
      if (ref.childOf !== undefined && el.parentId !== ref.childOf) {
        diags.notify('wrongParent', { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, restriction: ref.childOf, value: el.parentId ? `child of ${el.parentId}` : 'top-level element', ...where });
      }
      if (ref.keyProp !== undefined && typeof el.literals.get(ref.keyProp) !== 'string' && !(parseDtmi(target)?.fragment ?? '')) {
        diags.notify('missingDictKeyPropertyValue', { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, value: ref.keyProp, ...where });
      }
    }
    if (ref.supplemental) continue;
    const list = from.objects.get(ref.prop) ?? [];
    if (!list.includes(target)) list.push(target);
    from.objects.set(ref.prop, list);
  }
}

/** Whether an element has a type: its material class (any version) or a co-type or co-type ancestor. */
export function hasType(el: ElementRecord, typeId: string): boolean {
  const m = /^dtmi:dtdl:class:([A-Za-z]+);\d+$/.exec(typeId);
  if (m) return CLASSES[el.kind]?.lineage.includes(m[1] as string) ?? false;
  return el.supplementalTypes.some((t) => supplementalLineage(t).some((s) => s.id === typeId));
}

export function checkValueConstraints(model: WorkingModel, diags: Diagnostics, alias: AliasResolver): void {
  for (const c of model.constraints) {
    const target = alias(c.elementId);
    const el = model.get(target);
    if (!el) continue;
    const from = model.get(c.parentId);
    diags.scope = from?.modelId ? { modelId: from.modelId } : {};
    const src = from?.sources.get(c.prop);
    const where = { path: src?.node.path, line: src?.line, documentIndex: from?.documentIndex, sourceDtmi: from?.sourceDtmi };
    if (c.requiredTypes && !c.requiredTypes.some((t) => hasType(el, t))) {
      diags.notify('notRequiredType', { primaryId: c.parentId, property: c.prop, secondaryId: c.elementId, type: c.requiredTypesString, ...where });
    }
    if (c.requiredValues && !c.requiredValues.includes(target) && !c.requiredValues.includes(c.elementId)) {
      diags.notify(c.valueCode ?? 'notRequiredValue', { primaryId: c.parentId, property: termOrUri(c.prop), secondaryId: c.elementId, restriction: c.requiredValuesString, ...where });
    }
  }
}
