/** Lookups over the generated metamodel tables. */
import { CLASSES, MATERIAL_TYPE_NAMES, VERSION_RULES, DESCENDANT_CONTROLS, PARTITION_CLASSES } from '../generated/classes.js';
import { SUPPLEMENTAL_TYPES } from '../generated/supplemental.js';
import type { ClassRule, PropertyRule, SupplementalTypeRule, VersionRules } from './types.js';

export type { ClassRule, PropertyRule, SupplementalTypeRule, SupplementalPropertyRule, VersionRules, DescendantControl } from './types.js';
export { CLASSES, DESCENDANT_CONTROLS, SUPPLEMENTAL_TYPES };

const materialNames = new Set(MATERIAL_TYPE_NAMES);
export const isMaterialTypeName = (t: string): boolean => materialNames.has(t);

export function classRule(name: string): ClassRule | undefined {
  return CLASSES[name];
}

export function versionRules(version: number): VersionRules | undefined {
  return VERSION_RULES[String(version)];
}

/** Concrete classes usable where `cls` is expected, in a DTDL version. */
export function concreteKinds(cls: string, version: number): readonly string[] {
  return CLASSES[cls]?.concrete[String(version)] ?? [];
}

/** Concrete classes a model may define inline where `cls` is expected (standard-only classes excluded). */
export function definableKinds(cls: string, version: number): readonly string[] {
  const elemental = CLASSES[cls]?.elemental[String(version)] ?? [];
  return concreteKinds(cls, version).filter((k) => !elemental.includes(k));
}

/** Extension material kinds (Unit, LatentType, …) usable where `cls` is expected. */
export function extensibleKinds(cls: string, version: number): readonly string[] {
  return CLASSES[cls]?.extensible[String(version)] ?? [];
}

const propCache = new Map<string, readonly PropertyRule[]>();
export function propertyRules(cls: string, version: number): readonly PropertyRule[] {
  const key = `${cls};${version}`;
  let r = propCache.get(key);
  if (!r) {
    r = CLASSES[cls]?.properties[String(version)] ?? [];
    propCache.set(key, r);
  }
  return r;
}

export function isPartitionClass(kind: string): boolean {
  return PARTITION_CLASSES.includes(kind);
}

/** True when `kind` is `cls` or one of its subclasses. */
export function isKindOf(kind: string, cls: string): boolean {
  return CLASSES[kind]?.lineage.includes(cls) ?? false;
}

export function supplementalType(id: string): SupplementalTypeRule | undefined {
  return SUPPLEMENTAL_TYPES[id];
}

/** A supplemental type and its supplemental ancestors, nearest first. */
export function supplementalLineage(id: string): SupplementalTypeRule[] {
  const out: SupplementalTypeRule[] = [];
  for (let t = SUPPLEMENTAL_TYPES[id]; t; t = t.parent ? SUPPLEMENTAL_TYPES[t.parent] : undefined) {
    out.push(t);
    if (out.length > 32) break;
  }
  return out;
}

/** DTMI form of a DTDL class name, e.g. `dtmi:dtdl:class:Property;3`. */
export const classDtmi = (name: string, version: number): string => `dtmi:dtdl:class:${name};${version}`;
/** DTMI form of a DTDL property name, e.g. `dtmi:dtdl:property:schema;3`. */
export const propertyDtmi = (name: string, version: number): string => `dtmi:dtdl:property:${name};${version}`;
