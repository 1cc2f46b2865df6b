/**
 * The hub's port to the twin graph (src/twins). The platform wires it to the graph; tests use a
 * fake. The hub only ever patches properties, publishes twin telemetry, and asks whether a twin
 * exists (to link a provisioned device); creating twins of a model is optional.
 */
import type { JsonObject, JsonPatchOperation } from '../../bus/index.js';

export interface TwinUpdater {
  /** Applies the patch (RFC 6902 `add` operations on property paths) and emits `twin.updated`. */
  patchTwin(twinId: string, patch: readonly JsonPatchOperation[], options: { sourceTime: string }): Promise<void>;
  /**
   * Optional batch form: several twins at once (one store transaction, one bus publishMany), which
   * is how the graph keeps up with device rates. The sink uses it when present. Per-twin failures
   * are reported in the result (index-aligned), not thrown.
   */
  patchTwins?(updates: ReadonlyArray<{ twinId: string; patch: readonly JsonPatchOperation[]; sourceTime: string }>): Promise<ReadonlyArray<Error | undefined>>;
  twinExists(twinId: string): Promise<boolean>;
  /** DTDL Telemetry is not stored on the twin; it is published as twin telemetry (ADT's telemetry notifications). */
  publishTelemetry?(twinId: string, values: JsonObject, options: { sourceTime: string }): Promise<void>;
  /** Used by provisioning when an enrollment names a model and the twin does not exist yet. */
  createTwin?(twinId: string, modelId: string, properties: JsonObject): Promise<void>;
}
