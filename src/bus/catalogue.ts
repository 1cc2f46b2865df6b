/**
 * The one event catalogue: every event the platform publishes, name → payload type. Contexts add
 * their events here (both the interface entry and the `EVENT_NAMES` entry) and nowhere else.
 *
 * Payloads are plain JSON (times are RFC 3339 strings, not Date objects) because they cross a wire
 * with the NATS adapter, and the in-process adapter round-trips them through JSON so both adapters
 * hand handlers the same shapes. They are shaped as CloudEvents `data` (CloudEvents v1.0 §data):
 * the envelope carries id/time/type (= event name); the payload carries the domain facts.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One JSON Patch operation (RFC 6902 §4); `path`/`from` are JSON Pointers (RFC 6901). */
export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: JsonValue };

/** RFC 3339 date-time text, e.g. `2026-01-31T12:00:00.000Z`. */
export type IsoTime = string;

export interface TwinCreated {
  readonly twinId: string;
  /** DTMI of the twin's model (DTDL v3 §Digital Twin Model Identifier). */
  readonly modelId: string;
  /** The whole twin document as stored ($dtId, $metadata, properties, components). */
  readonly twin: JsonObject;
  readonly etag: string;
  readonly time: IsoTime;
}

export interface TwinUpdated {
  readonly twinId: string;
  readonly modelId: string;
  /** The change as applied, so consumers need not diff. */
  readonly patch: readonly JsonPatchOperation[];
  readonly etag: string;
  readonly time: IsoTime;
}

export interface TwinDeleted {
  readonly twinId: string;
  readonly modelId: string;
  /** The etag the twin had when it was deleted. */
  readonly etag: string;
  /** The twin as it was before the delete (ADT's Twin.Delete notification carries it as `data`). */
  readonly twin?: JsonObject;
  readonly time: IsoTime;
}

export interface RelationshipCreated {
  readonly relationshipId: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** The relationship name declared in the source's model (DTDL v3 §Relationship `name`). */
  readonly name: string;
  readonly relationship: JsonObject;
  readonly etag: string;
  readonly time: IsoTime;
}

export interface RelationshipUpdated {
  readonly relationshipId: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly name: string;
  /** The source twin's model (ADT's Relationship.Update notification `data.modelId`). */
  readonly modelId?: string;
  readonly patch: readonly JsonPatchOperation[];
  readonly etag: string;
  readonly time: IsoTime;
}

export interface RelationshipDeleted {
  readonly relationshipId: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly name: string;
  readonly etag: string;
  /** The relationship as it was before the delete (ADT's Relationship.Delete notification `data`). */
  readonly relationship?: JsonObject;
  readonly time: IsoTime;
}

export interface ModelChanged {
  readonly modelId: string;
  readonly time: IsoTime;
}

export interface TelemetryReceived {
  readonly deviceId: string;
  /** The twin the device is bound to, when the hub knows it. */
  readonly twinId?: string;
  /** When the value was measured (device clock). */
  readonly sourceTime: IsoTime;
  /** When the platform accepted it. */
  readonly arrivalTime: IsoTime;
  readonly values: Readonly<Record<string, number | string | boolean>>;
  /** Message properties / user properties carried alongside (MQTT v5 §3.3.2.3.7). */
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Many device messages in one event: the device hub publishes one per group commit (its built-in
 * `events` endpoint), because one event per message would cost more than the bus can carry at
 * device rates. Routes can still ask for per-message `telemetry.received`.
 */
export interface TelemetryBatch {
  readonly messages: readonly TelemetryReceived[];
}

/** What became of a cloud-to-device message (IoT Hub's C2D feedback). */
export interface DeviceMessageFeedback {
  readonly deviceId: string;
  readonly messageId: string;
  readonly status: 'completed' | 'expired' | 'rejected';
  readonly deliveryCount: number;
  readonly time: IsoTime;
}

export interface DeviceConnected {
  readonly deviceId: string;
  /** Which front door: 'mqtt', 'http', … */
  readonly protocol: string;
  readonly time: IsoTime;
}

export interface DeviceDisconnected {
  readonly deviceId: string;
  readonly protocol: string;
  /** Why, when known: 'client', 'keepalive_timeout', 'kicked', … */
  readonly reason?: string;
  readonly time: IsoTime;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'active' | 'acknowledged' | 'resolved';

/** An alert was raised (src/alerts; docs/history.md §Alerts). Key: the subject, so one twin's alerts stay in order. */
export interface AlertRaised {
  readonly alertId: string;
  readonly ruleId: string;
  /** The twin id, or `device:<id>` for a device bound to no twin. */
  readonly subject: string;
  readonly twinId?: string;
  readonly severity: AlertSeverity;
  readonly message: string;
  /** The signal and value that fired the rule, when it reads one. */
  readonly signal?: string;
  readonly value?: number;
  readonly time: IsoTime;
}

export interface AlertChanged {
  readonly alertId: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly twinId?: string;
  readonly state: AlertState;
  /** Severity after the change (escalation raises it). */
  readonly severity: AlertSeverity;
  readonly change: 'acknowledged' | 'resolved' | 'escalated' | 'flapping';
  /** Who changed it (user id), absent for automatic transitions. */
  readonly by?: string;
  readonly note?: string;
  readonly time: IsoTime;
}

export interface PlatformStarted {
  readonly version: string;
  /** Distinguishes instances sharing one NATS stream. */
  readonly nodeId: string;
  readonly storage: string;
  readonly bus: string;
  readonly time: IsoTime;
}

/** Published by the bus itself when a subscription gives up on an event after maxDeliver attempts. */
export interface BusDeadLetter {
  /** Consumer (durable/group name, or the generated name of an ephemeral subscription). */
  readonly consumer: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly key?: string;
  readonly seq: number;
  readonly deliveryCount: number;
  /** The last failure's message. */
  readonly error: string;
  /** The original payload, so an operator can replay it. */
  readonly payload: JsonValue;
}

export interface EventCatalogue {
  'twin.created': TwinCreated;
  'twin.updated': TwinUpdated;
  'twin.deleted': TwinDeleted;
  'relationship.created': RelationshipCreated;
  'relationship.updated': RelationshipUpdated;
  'relationship.deleted': RelationshipDeleted;
  'model.created': ModelChanged;
  'model.decommissioned': ModelChanged;
  'model.deleted': ModelChanged;
  'telemetry.received': TelemetryReceived;
  'telemetry.batch': TelemetryBatch;
  'device.connected': DeviceConnected;
  'device.disconnected': DeviceDisconnected;
  'device.message_feedback': DeviceMessageFeedback;
  'alert.raised': AlertRaised;
  'alert.changed': AlertChanged;
  'platform.started': PlatformStarted;
  'bus.dead_letter': BusDeadLetter;
}

export type EventName = keyof EventCatalogue;

/**
 * The runtime list. `satisfies` plus the check below make the compiler reject a name missing
 * from either side, so the two cannot drift apart.
 */
export const EVENT_NAMES = [
  'twin.created',
  'twin.updated',
  'twin.deleted',
  'relationship.created',
  'relationship.updated',
  'relationship.deleted',
  'model.created',
  'model.decommissioned',
  'model.deleted',
  'telemetry.received',
  'telemetry.batch',
  'device.connected',
  'device.disconnected',
  'device.message_feedback',
  'alert.raised',
  'alert.changed',
  'platform.started',
  'bus.dead_letter',
] as const satisfies readonly EventName[];

type MissingFromList = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
// If this line fails to compile, an EventCatalogue entry is missing from EVENT_NAMES.
const everyNameListed: [MissingFromList] extends [never] ? true : MissingFromList = true;
void everyNameListed;

const NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isEventName(s: string): s is EventName {
  return NAME_SET.has(s);
}
