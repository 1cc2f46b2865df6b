/**
 * What the twin graph needs to know about a resolved DTDL Interface, flattened over `extends`
 * (DTDL v3 §Interface: an interface has its own contents plus those of every interface it extends).
 * Built from the DTDL context's InterfaceInfo (see dtdl-parser.ts); immutable and shared by every
 * twin of the model, so per-twin memory stays small. Schemas are the DTDL context's schema elements,
 * validated with its `validateValue`.
 */
import type { Command, Component, InterfaceInfo, Property, Schema, Telemetry } from '../../dtdl/index.js';

export type { Schema, Property as PropertyInfo, Component as ComponentInfo, Telemetry as TelemetryInfo, Command as CommandInfo };

export interface RelationshipInfo {
  readonly name: string;
  /** Target interface, or undefined when any twin may be the target (DTDL v3 §Relationship `target`). */
  readonly target: string | undefined;
  /** Undefined = unbounded (DTDL v3 §Relationship `maxMultiplicity`). */
  readonly maxMultiplicity: number | undefined;
  readonly properties: ReadonlyMap<string, Property>;
}

export interface ModelInfo {
  readonly id: string;
  /** Direct `extends`, as declared. */
  readonly extends: readonly string[];
  /** This model and every model it extends, directly or not. */
  readonly ancestors: ReadonlySet<string>;
  /** Every interface this model refers to: extends, component schemas, relationship targets (for delete checks). */
  readonly references: ReadonlySet<string>;
  readonly displayName: Readonly<Record<string, string>>;
  readonly description: Readonly<Record<string, string>>;
  /**
   * DTDL v3 §Property `writable`: false means the value is reported by the thing itself. Patches from
   * API callers may not change it (creation may initialise it); platform-internal writers (device
   * ingestion) pass `trusted` to update it. See docs/twins.md.
   */
  readonly properties: ReadonlyMap<string, Property>;
  readonly components: ReadonlyMap<string, Component>;
  readonly relationships: ReadonlyMap<string, RelationshipInfo>;
  readonly telemetry: ReadonlyMap<string, Telemetry>;
  readonly commands: ReadonlyMap<string, Command>;
}

export function modelInfoOf(iface: InterfaceInfo): ModelInfo {
  const relationships = new Map<string, RelationshipInfo>();
  const references = new Set<string>(iface.ancestors);
  for (const r of iface.relationships.values()) {
    relationships.set(r.name, {
      name: r.name,
      target: r.target,
      maxMultiplicity: r.maxMultiplicity,
      properties: new Map(r.properties.map((p) => [p.name, p])),
    });
    if (r.target !== undefined) references.add(r.target);
  }
  for (const c of iface.components.values()) references.add(c.schema);
  references.delete(iface.id);
  return {
    id: iface.id,
    extends: iface.extends,
    ancestors: new Set([iface.id, ...iface.ancestors]),
    references,
    displayName: iface.displayName,
    description: iface.description,
    properties: iface.properties,
    components: iface.components,
    relationships,
    telemetry: iface.telemetries,
    commands: iface.commands,
  };
}
