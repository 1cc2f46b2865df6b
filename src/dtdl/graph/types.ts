/**
 * The resolved model graph: immutable DTDL elements as a discriminated union on `kind` (the DTDL class),
 * with references to schemas resolved to the schema elements themselves and references to Interfaces
 * (extends, Component schema, Relationship target) kept as DTMIs to look up in `ModelGraph.interfaces`.
 */

export type LangMap = Readonly<Record<string, string>>;

export const PRIMITIVE_KINDS = [
  'Boolean',
  'Date',
  'DateTime',
  'Double',
  'Duration',
  'Float',
  'Integer',
  'Long',
  'String',
  'Time',
  // DTDL v4 additions
  'Byte',
  'Bytes',
  'Decimal',
  'Short',
  'UnsignedByte',
  'UnsignedInteger',
  'UnsignedLong',
  'UnsignedShort',
  'Uuid',
] as const;
export type PrimitiveKind = (typeof PRIMITIVE_KINDS)[number];

interface Base {
  readonly id: string;
  readonly dtdlVersion: number;
  readonly displayName: LangMap;
  readonly description: LangMap;
  readonly comment?: string;
  /** Co-types from DTDL or extensions (DTMIs), e.g. semantic types. */
  readonly supplementalTypes: readonly string[];
  /** Undefined co-types tolerated on informally co-typed elements. */
  readonly undefinedTypes: readonly string[];
  /** Extension members by property DTMI (e.g. QuantitativeTypes `unit`), element values as DTMIs. */
  readonly extensionProperties: Readonly<Record<string, unknown>>;
  readonly undefinedProperties: Readonly<Record<string, unknown>>;
}

export interface PrimitiveSchema extends Base {
  readonly kind: PrimitiveKind;
}
export interface ArraySchema extends Base {
  readonly kind: 'Array';
  readonly elementSchema: Schema;
}
export interface EnumValue extends Base {
  readonly kind: 'EnumValue';
  readonly name: string;
  readonly enumValue: string | number | boolean;
}
export interface EnumSchema extends Base {
  readonly kind: 'Enum';
  readonly valueSchema: PrimitiveSchema;
  readonly enumValues: readonly EnumValue[];
}
export interface MapKey extends Base {
  readonly kind: 'MapKey';
  readonly name: string;
  readonly schema: Schema;
}
export interface MapValue extends Base {
  readonly kind: 'MapValue';
  readonly name: string;
  readonly schema: Schema;
  readonly semanticTypes: readonly string[];
  readonly unit?: string;
}
export interface MapSchema extends Base {
  readonly kind: 'Map';
  readonly mapKey: MapKey;
  readonly mapValue: MapValue;
}
export interface Field extends Base {
  readonly kind: 'Field';
  readonly name: string;
  readonly schema: Schema;
  readonly semanticTypes: readonly string[];
  readonly unit?: string;
}
export interface ObjectSchema extends Base {
  readonly kind: 'Object';
  readonly fields: readonly Field[];
  /** Set for the standard GeoJSON schemas (point, lineString, …). */
  readonly geospatial?: string;
}

export type ComplexSchema = ArraySchema | EnumSchema | MapSchema | ObjectSchema;
export type Schema = PrimitiveSchema | ComplexSchema;

export interface Telemetry extends Base {
  readonly kind: 'Telemetry';
  readonly name: string;
  readonly schema: Schema;
  readonly semanticTypes: readonly string[];
  readonly unit?: string;
  /** Interface that declares it (differs from the owner for inherited contents). */
  readonly definedIn: string;
}
export interface Property extends Base {
  readonly kind: 'Property';
  readonly name: string;
  readonly schema: Schema;
  readonly writable: boolean;
  readonly semanticTypes: readonly string[];
  readonly unit?: string;
  readonly definedIn: string;
}
export interface CommandPayload extends Base {
  readonly kind: 'CommandPayload' | 'CommandRequest' | 'CommandResponse';
  readonly name: string;
  readonly schema: Schema;
  readonly semanticTypes: readonly string[];
  readonly unit?: string;
}
export interface Command extends Base {
  readonly kind: 'Command';
  readonly name: string;
  readonly request?: CommandPayload;
  readonly response?: CommandPayload;
  /** Deprecated `commandType` (synchronous / asynchronous), when given. */
  readonly commandType?: string;
  readonly definedIn: string;
}
export interface Relationship extends Base {
  readonly kind: 'Relationship';
  readonly name: string;
  /** Target Interface DTMI; any Interface when absent. */
  readonly target?: string;
  readonly minMultiplicity?: number;
  readonly maxMultiplicity?: number;
  readonly properties: readonly Property[];
  readonly writable: boolean;
  readonly definedIn: string;
}
export interface Component extends Base {
  readonly kind: 'Component';
  readonly name: string;
  /** The Interface DTMI of the component. */
  readonly schema: string;
  readonly definedIn: string;
}

export type Content = Telemetry | Property | Command | Relationship | Component;

export interface InterfaceInfo extends Base {
  readonly kind: 'Interface';
  /** Direct supertypes. */
  readonly extends: readonly string[];
  /** All supertypes, nearest first. */
  readonly ancestors: readonly string[];
  /** All subtypes in the graph (for IS_OF_MODEL). */
  readonly descendants: readonly string[];
  /** Own and inherited contents by name. */
  readonly contents: ReadonlyMap<string, Content>;
  readonly telemetries: ReadonlyMap<string, Telemetry>;
  readonly properties: ReadonlyMap<string, Property>;
  readonly commands: ReadonlyMap<string, Command>;
  readonly relationships: ReadonlyMap<string, Relationship>;
  readonly components: ReadonlyMap<string, Component>;
  /** Reusable schemas declared in `schemas`. */
  readonly schemas: readonly ComplexSchema[];
}

/** Elements with no dedicated shape (units, command types, extension latent types). */
export interface OtherElement extends Base {
  readonly kind: 'CommandType' | 'Unit' | 'UnitAttribute' | 'LatentType' | 'NamedLatentType';
  readonly name?: string;
}

export type DtdlElement = InterfaceInfo | Content | CommandPayload | Schema | EnumValue | MapKey | MapValue | Field | OtherElement;

export interface ModelGraph {
  readonly interfaces: ReadonlyMap<string, InterfaceInfo>;
  /** Every element by DTMI, nested ones (auto-identified) and referenced standard ones included. */
  readonly elements: ReadonlyMap<string, DtdlElement>;
  /** Interfaces given as top-level elements of the submitted documents, in order. */
  readonly roots: readonly string[];
}
