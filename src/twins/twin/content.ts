/**
 * Validation of twin content against a model (ADT "DigitalTwins Add" → ValidationFailed): every
 * non-`$` member must be a Property or Component of the model (DTDL v3 §Interface contents, including
 * inherited ones); property values must match their schema; components are objects whose members are
 * properties of the component's interface. Problems are collected, not thrown one by one, so a caller
 * sees every mistake at once, each with its JSON Pointer.
 */
import type { ModelInfo } from '../models/model-info.js';
import { checkValue, escapePointer, isPlainObject, type ValueProblem } from '../models/values.js';
import { TwinsErrors } from '../errors.js';

export interface ModelLookup {
  /** A model that exists (decommissioned or not). */
  info(modelId: string): ModelInfo | undefined;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export function isDateTime(v: unknown): v is string {
  return typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

/** What a content member is, for messages: "'temperature' is a Telemetry of dtmi:…, not a Property". */
export function kindOfName(model: ModelInfo, name: string): string | undefined {
  if (model.properties.has(name)) return 'Property';
  if (model.components.has(name)) return 'Component';
  if (model.telemetry.has(name)) return 'Telemetry';
  if (model.commands.has(name)) return 'Command';
  if (model.relationships.has(name)) return 'Relationship';
  return undefined;
}

export function notAProperty(model: ModelInfo, name: string, path: string): ValueProblem {
  const kind = kindOfName(model, name);
  return kind
    ? { path, message: `'${name}' is a ${kind} of ${model.id}, not a Property${kind === 'Relationship' ? ' (create relationships through the relationships API)' : ''}` }
    : { path, message: `${model.id} has no property '${name}'` };
}

/** Checks one property value (undefined = removed, always allowed: DTDL properties are optional). */
export function checkProperty(model: ModelInfo, name: string, value: unknown, path: string, out: ValueProblem[]): void {
  const prop = model.properties.get(name);
  if (!prop) {
    out.push(notAProperty(model, name, path));
    return;
  }
  if (value !== undefined) out.push(...checkValue(prop.schema, value, path));
}

/**
 * Checks the members of a component object. `$metadata` may hold `{ <property>: { sourceTime } }`
 * entries for the component's own properties.
 */
export function checkComponent(models: ModelLookup, owner: ModelInfo, name: string, value: unknown, path: string, out: ValueProblem[]): void {
  const comp = owner.components.get(name);
  const model = comp ? models.info(comp.schema) : undefined;
  if (!comp || !model) {
    out.push(notAProperty(owner, name, path));
    return;
  }
  if (!isPlainObject(value)) {
    out.push({ path, message: `component '${name}' must be an object (at least {"$metadata": {}})` });
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const p = `${path}/${escapePointer(key)}`;
    if (key === '$metadata') checkInputMetadata(model, v, p, out);
    else if (key.startsWith('$')) out.push({ path: p, message: `'${key}' is not allowed in a component` });
    else checkProperty(model, key, v, p, out);
  }
}

/** `$metadata` as a caller may send it: `$model` (twin level only) and per-property `{ sourceTime }`. */
export function checkInputMetadata(model: ModelInfo, meta: unknown, path: string, out: ValueProblem[], allowModel = false): void {
  if (!isPlainObject(meta)) {
    out.push({ path, message: '$metadata must be an object' });
    return;
  }
  for (const [key, v] of Object.entries(meta)) {
    const p = `${path}/${escapePointer(key)}`;
    if (key === '$model' && allowModel) continue;
    if (key === '$lastUpdateTime') continue; // system-set; ignored on input
    if (!model.properties.has(key)) {
      out.push({ path: p, message: `$metadata may only describe properties of ${model.id}; '${key}' is not one` });
      continue;
    }
    if (!isPlainObject(v)) {
      out.push({ path: p, message: `$metadata entry '${key}' must be an object` });
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'sourceTime') {
        if (!isDateTime(x)) out.push({ path: `${p}/sourceTime`, message: `sourceTime must be an RFC 3339 date-time, got ${JSON.stringify(x)}` });
      } else if (k !== 'lastUpdateTime') {
        out.push({ path: `${p}/${escapePointer(k)}`, message: `'${k}' is not a settable metadata field (only sourceTime)` });
      }
    }
  }
}

export function validationFailed(what: string, problems: readonly ValueProblem[], details: Record<string, unknown> = {}): Error {
  const shown = problems.slice(0, 5).map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return TwinsErrors.create('validation_failed', `${what}: ${shown}${more}`, { ...details, problems: problems.slice(0, 100) });
}

/** Plain-JSON copy of a value that came from outside (callers may keep and change their object). */
export function cloneJson<T>(v: T): T {
  return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}
