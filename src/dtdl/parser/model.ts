/**
 * Working model built while parsing: one record per DTDL element (keyed by DTMI), the deferred references
 * between them, and value constraints to check once references are resolved. Records are filled in by the
 * element parser and frozen into the public graph (../graph/) at the end.
 */
import type { LdElement, LdProperty } from '../jsonld/ld.js';
import type { ActiveContext } from '../jsonld/context.js';

export interface ElementRecord {
  readonly id: string;
  /** Material class (Interface, Property, …, or Unit / UnitAttribute / LatentType for extension kinds). */
  readonly kind: string;
  readonly version: number;
  /** Element in which this one is defined inline, and the member holding it. */
  readonly parentId: string | undefined;
  readonly propName: string | undefined;
  /** Partition (Interface) under which the element is defined; undefined for partitions at top level. */
  readonly definedIn: string | undefined;
  readonly isPartition: boolean;
  readonly elt: LdElement;
  readonly ctx: ActiveContext;
  readonly documentIndex: number | undefined;
  readonly sourceDtmi: string | undefined;
  /** The top-level Interface whose document defines the element. */
  readonly modelId: string | undefined;
  readonly standard: boolean;
  /** The extension type that created a Unit / UnitAttribute / LatentType element. */
  extensionType: string | undefined;
  supplementalTypes: string[];
  undefinedTypes: string[];
  /** Literal members by material property name (lang strings as language → text maps). */
  readonly literals: Map<string, unknown>;
  /** Element-valued members by property name → referenced ids, in source order (set after resolution). */
  readonly objects: Map<string, string[]>;
  /** Supplemental (extension) members by property DTMI: literals, or arrays of ids for element values. */
  readonly supplemental: Map<string, unknown>;
  /** Members kept verbatim because an undefined co-type allows them. */
  readonly undefinedProperties: Map<string, unknown>;
  /** The JSON member each property came from, for error locations. */
  readonly sources: Map<string, LdProperty>;
}

/** A deferred reference from one element's member to another element (by id). */
export interface RefRecord {
  readonly fromId: string;
  readonly prop: string;
  readonly refId: string;
  /** The string as written, for references written as strings (terms or DTMIs). */
  readonly refString: string | undefined;
  readonly source: LdProperty | undefined;
  /** Concrete kinds the referenced element must have (string references to material-class members). */
  readonly expectedKinds: readonly string[] | undefined;
  readonly allowedVersions: readonly number[] | undefined;
  /** Supplemental property whose value must be a child of this element (e.g. a unit of a unit enum). */
  readonly childOf: string | undefined;
  readonly keyProp: string | undefined;
  readonly supplemental: boolean;
  readonly documentIndex: number | undefined;
  readonly sourceDtmi: string | undefined;
  readonly modelId: string | undefined;
}

/** A constraint on the element a member refers to, checked after resolution. */
export interface ValueConstraint {
  readonly parentId: string;
  readonly prop: string;
  readonly elementId: string;
  readonly requiredTypes?: readonly string[];
  readonly requiredTypesString?: string;
  readonly requiredValues?: readonly string[];
  readonly requiredValuesString?: string;
  /** Error code for a value outside requiredValues (material members differ from extension members). */
  readonly valueCode?: 'incorrectPropertyValue' | 'notRequiredValue';
}

export class WorkingModel {
  readonly elements = new Map<string, ElementRecord>();
  readonly refs: RefRecord[] = [];
  readonly constraints: ValueConstraint[] = [];
  /** Top-level elements in parse order. */
  readonly roots: string[] = [];

  get(id: string): ElementRecord | undefined {
    return this.elements.get(id);
  }
}
