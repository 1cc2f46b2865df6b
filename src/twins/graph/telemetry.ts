/**
 * Telemetry sent on behalf of a twin (ADT REST "DigitalTwins SendTelemetry / SendComponentTelemetry").
 * ADT does not store telemetry: it routes it (type `microsoft.iot.telemetry`, `dataschema` = the twin's
 * or component's model). Here it becomes a `telemetry.received` bus event for the twin, so history,
 * analytics and event routes see it like device telemetry. Message ids are remembered per twin for a
 * while, and a repeat is dropped (ADT: "commonly used for de-duplicating messages").
 */
import type { EventBus } from '../../bus/index.js';
import type { TwinDocument } from '../../query/index.js';
import type { ModelCatalog } from '../models/catalog.js';
import { isPlainObject } from '../models/values.js';
import { isDateTime, validationFailed } from '../twin/content.js';
import { componentNotFound } from '../twin/patch-twin.js';

const REMEMBERED = 10_000;

export interface TelemetryInput {
  readonly messageId: string;
  readonly component?: string | undefined;
  readonly body: unknown;
  /** RFC 3339 measurement time; default: now. */
  readonly sourceTime?: string | undefined;
}

export class TelemetrySender {
  private readonly seen = new Set<string>();

  constructor(
    private readonly bus: EventBus | undefined,
    private readonly models: ModelCatalog,
    private readonly now: () => string,
  ) {}

  /** Returns false when the message id was seen before for this twin (dropped as a duplicate). */
  async send(twin: TwinDocument, input: TelemetryInput): Promise<boolean> {
    const model = this.models.info(twin.$metadata.$model);
    let schema = twin.$metadata.$model;
    if (input.component !== undefined) {
      const comp = model?.components.get(input.component);
      if (!comp) throw componentNotFound(twin.$dtId, input.component);
      schema = comp.schema;
    }
    if (!isPlainObject(input.body)) throw validationFailed(`Telemetry for '${twin.$dtId}' is not valid`, [{ path: '', message: 'telemetry must be a JSON object' }]);
    if (input.sourceTime !== undefined && !isDateTime(input.sourceTime)) {
      throw validationFailed(`Telemetry for '${twin.$dtId}' is not valid`, [{ path: '', message: `Telemetry-Source-Time must be an RFC 3339 date-time, got '${input.sourceTime}'` }]);
    }
    const key = `${twin.$dtId}\u0000${input.component ?? ''}\u0000${input.messageId}`;
    if (this.seen.has(key)) return false;
    if (this.seen.size >= REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(key);
    const values: Record<string, number | string | boolean> = {};
    for (const [k, v] of Object.entries(input.body)) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') values[k] = v;
    const now = this.now();
    await this.bus?.publish('telemetry.received', {
      deviceId: twin.$dtId,
      twinId: twin.$dtId,
      sourceTime: input.sourceTime ?? now,
      arrivalTime: now,
      values,
      properties: { source: 'adt', messageId: input.messageId, dataschema: schema, ...(input.component !== undefined ? { component: input.component } : {}) },
    }, { key: twin.$dtId });
    return true;
  }
}
