/**
 * Shapes of the metamodel tables in `../generated/`. The tables are derived from the DTDL metamodel
 * digest (`dtdl_digest.json`, MIT, DTDLParser) by `scripts/gen-dtdl-tables.ts`; this file holds only the
 * types so that the generated data can be checked by the compiler.
 */

/** A property of a material class as it applies in one DTDL version. */
export interface PropertyRule {
  readonly name: string;
  /** literal (string, langString, boolean, integer, untyped literal) or element-valued. */
  readonly literal: boolean;
  /** For literals: 'string' | 'langString' | 'boolean' | 'integer' | undefined (any literal, e.g. enumValue). */
  readonly datatype?: string;
  /** For element-valued properties: the class the value must be an instance of. */
  readonly class?: string;
  /** Element-valued property without class = identifier (non-dependent reference, e.g. Relationship target). */
  readonly identifier?: boolean;
  readonly plural: boolean;
  readonly optional: boolean;
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minInclusive?: number;
  readonly maxInclusive?: number;
  /** Allowed standard element values (terms) and their DTMIs, e.g. Enum valueSchema ∈ {integer, string}. */
  readonly values?: readonly string[];
  readonly valueUris?: readonly string[];
  /** DTDL versions the referenced element may be defined in. */
  readonly versions?: readonly number[];
  readonly uniqueProperties?: readonly string[];
  readonly idRequired: boolean;
  readonly typeRequired: boolean;
  readonly dtmiSegment?: string;
  readonly dictionaryKey?: string;
  readonly defaultLanguage?: string;
}

export interface ClassRule {
  readonly name: string;
  readonly parent: string | null;
  readonly abstract: boolean;
  readonly versions: readonly number[];
  /** Concrete (instantiable) classes that are this class or a subclass, by version. */
  readonly concrete: Readonly<Record<string, readonly string[]>>;
  /** Classes whose only instances are standard elements (primitive schemas, CommandType), by version. */
  readonly elemental: Readonly<Record<string, readonly string[]>>;
  /** Versions in which the class may be inferred when `@type` is absent. */
  readonly typeOptional: readonly number[];
  /** Supplemental (extension) material kinds usable where this class is expected, by version. */
  readonly extensible: Readonly<Record<string, readonly string[]>>;
  /** Properties allowed in each version (keyed by version number as string). */
  readonly properties: Readonly<Record<string, readonly PropertyRule[]>>;
  /** Ancestor class names including itself. */
  readonly lineage: readonly string[];
}

export interface DescendantControl {
  readonly version: number;
  readonly rootClass: string;
  readonly definingClass: string;
  readonly properties: readonly string[];
  readonly narrow: boolean;
  readonly allowSelf: boolean;
  readonly maxDepth?: number;
  readonly maxCount?: number;
  readonly excludeType?: string;
  readonly importProperties?: readonly string[];
  readonly datatypeProperty?: string;
}

export interface SupplementalPropertyRule {
  /** Full property DTMI, e.g. `dtmi:dtdl:property:unit;2`. */
  readonly id: string;
  readonly name: string;
  /** Type DTMI or XSD IRI; absent for identifier-valued (IRI) properties. */
  readonly type?: string;
  readonly typeName?: string;
  readonly plural: boolean;
  readonly optional: boolean;
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly minInclusive?: number;
  readonly maxInclusive?: number;
  readonly pattern?: string;
  readonly childOf?: string;
  readonly idRequired: boolean;
  readonly typeRequired: boolean;
  readonly uniqueValue: boolean;
  readonly dictionaryKey?: string;
  readonly dtmiSegment?: string;
  readonly defaultLanguage?: string;
  readonly values?: readonly string[];
}

export interface SupplementalConstraint {
  readonly property: string;
  /** Inverse constraints restrict the parent holding the element (MQTT extension), not the value. */
  readonly inverse?: boolean;
  readonly noneOtherType?: string;
  readonly someOtherType?: string;
  readonly requiredTypeNames?: readonly string[];
  readonly requiredValueNames?: readonly string[];
  readonly requiredTypes?: readonly string[];
  readonly requiredTypesString?: string;
  readonly requiredValues?: readonly string[];
  readonly requiredValuesString?: string;
  readonly siblingKey?: string;
  readonly siblingKeyref?: string;
  readonly siblingParentOf?: string;
  readonly siblingClassOf?: string;
}

export interface SiblingRule {
  readonly key: string;
  readonly keyref: string;
  readonly requiredTypes?: readonly string[];
  readonly requiredTypeNames?: readonly string[];
  readonly requiredTypesString?: string;
  readonly disallowedType?: string;
  readonly disallowedTypeName?: string;
  readonly supplementalProperty?: string;
  readonly uniqueReference?: string;
}

export interface SupplementalTypeRule {
  readonly id: string;
  readonly abstract: boolean;
  readonly kind: string;
  readonly context: string;
  readonly parent: string | null;
  readonly cotypes: readonly string[];
  readonly cotypeVersions: readonly number[];
  readonly cocotypes?: readonly string[];
  readonly discotypes?: readonly string[];
  readonly altcotypes?: readonly string[];
  readonly properties: readonly SupplementalPropertyRule[];
  readonly constraints: readonly SupplementalConstraint[];
  readonly siblings: readonly SiblingRule[];
}

export interface IdentifierRule {
  readonly maxLength: number;
  readonly pattern: string;
}

export interface VersionRules {
  readonly idDefinition: IdentifierRule;
  readonly idReference: IdentifierRule;
  readonly interfaceIdMaxLength: number;
  readonly partitionMaxBytes?: number;
  readonly rootable: readonly string[];
  readonly restrictKeywords: boolean;
  readonly allowsUndefinedExtensionsByDefault: boolean;
  readonly apocrypha: Readonly<Record<string, string>>;
}

export interface MessageTemplate {
  readonly cause: string;
  readonly action: string;
}
