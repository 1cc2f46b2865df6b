/**
 * Bus events → CloudEvents 1.0 (CloudEvents spec §3 context attributes) with Azure Digital Twins'
 * types and `data` shapes (ADT docs, "Event notifications"):
 * - Twin.Create / Twin.Delete: `data` is the twin (as after create / before delete), subject the twin id;
 * - Twin.Update: `data` is `{ modelId, patch }` with the JSON Patch as applied;
 * - Relationship.Create / Delete: `data` is the relationship, subject `<source>/relationships/<id>`;
 * - Relationship.Update: `{ modelId, patch }` (modelId: the source twin's model);
 * - telemetry sent for a twin: type `microsoft.iot.telemetry`, source `<host>/digitaltwins/<twin>`,
 *   subject the component (if any), dataschema the twin's or component's model.
 */
import type { Envelope, JsonValue } from '../../bus/index.js';

export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema?: string;
  readonly data: JsonValue;
}

export const ADT_EVENT_TYPES = [
  'Microsoft.DigitalTwins.Twin.Create',
  'Microsoft.DigitalTwins.Twin.Update',
  'Microsoft.DigitalTwins.Twin.Delete',
  'Microsoft.DigitalTwins.Relationship.Create',
  'Microsoft.DigitalTwins.Relationship.Update',
  'Microsoft.DigitalTwins.Relationship.Delete',
  'microsoft.iot.telemetry',
] as const;

/** The bus events that become CloudEvents (pattern `>` delivers more; the rest map to undefined). */
export function toCloudEvent(e: Envelope, source: string): CloudEvent | undefined {
  const base = { specversion: '1.0' as const, id: e.id, source, datacontenttype: 'application/json' as const };
  switch (e.name) {
    case 'twin.created':
      return { ...base, type: 'Microsoft.DigitalTwins.Twin.Create', subject: e.payload.twinId, time: e.payload.time, data: e.payload.twin };
    case 'twin.updated':
      return { ...base, type: 'Microsoft.DigitalTwins.Twin.Update', subject: e.payload.twinId, time: e.payload.time, data: { modelId: e.payload.modelId, patch: e.payload.patch as unknown as JsonValue } };
    case 'twin.deleted':
      return {
        ...base, type: 'Microsoft.DigitalTwins.Twin.Delete', subject: e.payload.twinId, time: e.payload.time,
        data: e.payload.twin ?? { $dtId: e.payload.twinId, $etag: e.payload.etag, $metadata: { $model: e.payload.modelId } },
      };
    case 'relationship.created':
      return { ...base, type: 'Microsoft.DigitalTwins.Relationship.Create', subject: relSubject(e.payload), time: e.payload.time, data: e.payload.relationship };
    case 'relationship.updated':
      return {
        ...base, type: 'Microsoft.DigitalTwins.Relationship.Update', subject: relSubject(e.payload), time: e.payload.time,
        data: { ...(e.payload.modelId !== undefined ? { modelId: e.payload.modelId } : {}), patch: e.payload.patch as unknown as JsonValue },
      };
    case 'relationship.deleted':
      return {
        ...base, type: 'Microsoft.DigitalTwins.Relationship.Delete', subject: relSubject(e.payload), time: e.payload.time,
        data: e.payload.relationship ?? {
          $relationshipId: e.payload.relationshipId, $etag: e.payload.etag, $sourceId: e.payload.sourceId, $relationshipName: e.payload.name, $targetId: e.payload.targetId,
        },
      };
    case 'telemetry.received': {
      const p = e.payload;
      if (p.twinId === undefined) return undefined;
      return {
        ...base,
        id: p.properties['messageId'] ?? e.id,
        type: 'microsoft.iot.telemetry',
        source: `${source}/digitaltwins/${p.twinId}`,
        ...(p.properties['component'] !== undefined ? { subject: p.properties['component'] } : {}),
        ...(p.properties['dataschema'] !== undefined ? { dataschema: p.properties['dataschema'] } : {}),
        time: p.sourceTime,
        data: { ...p.values },
      };
    }
    default:
      return undefined;
  }
}

function relSubject(p: { sourceId: string; relationshipId: string }): string {
  return `${p.sourceId}/relationships/${p.relationshipId}`;
}
