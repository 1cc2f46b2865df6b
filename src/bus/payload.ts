/**
 * Payload isolation for the in-process bus without a JSON round trip. Handlers must get exactly what
 * survives JSON (the shapes NATS delivers), deep-frozen, and the publisher must not be able to change
 * them afterwards. `frozenJson` does that by stringify + parse + freeze; for plain data (objects,
 * arrays, strings, finite numbers, booleans, null), which is what the platform publishes, one walk
 * gives the same result. Anything JSON would alter (Dates, toJSON, undefined in arrays, NaN, -0,
 * class instances, a `__proto__` key, cycles, very deep nesting) falls back to `frozenJson`, so the
 * result and the errors are always those of the round trip.
 */
import type { JsonValue } from './catalogue.js';
import { frozenJson } from './delivery.js';

const NOT_PLAIN = Symbol('not plain');
type Walk = JsonValue | typeof NOT_PLAIN;
/** Deeper than this goes the slow way; JSON.stringify then also reports cycles. */
const MAX_DEPTH = 64;

/**
 * An array or object JSON reads as it is (no toJSON to call, no class). A null-prototype object is
 * plain enough to copy, but handing it out in place would differ from JSON.parse's Object.prototype.
 */
function plainKind(v: object, allowNullProto: boolean): 'array' | 'object' | undefined {
  const proto: unknown = Object.getPrototypeOf(v);
  if (Array.isArray(v)) return proto === Array.prototype ? 'array' : undefined;
  if (proto !== Object.prototype && !(proto === null && allowNullProto)) return undefined;
  return typeof (v as { toJSON?: unknown }).toJSON === 'function' ? undefined : 'object';
}

const plainNumber = (n: number) => Number.isFinite(n) && !Object.is(n, -0);
/** Values JSON.stringify leaves out of an object. */
const dropped = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';

/** A deep-frozen copy equal to JSON.parse(JSON.stringify(v)), or NOT_PLAIN. */
function copyPlain(v: unknown, depth: number): Walk {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return plainNumber(v) ? v : NOT_PLAIN;
  if (typeof v !== 'object' || depth > MAX_DEPTH) return NOT_PLAIN;
  const kind = plainKind(v, true);
  if (kind === 'array') {
    const list = v as unknown[];
    const out: JsonValue[] = new Array<JsonValue>(list.length);
    for (let i = 0; i < list.length; i++) {
      const c = copyPlain(list[i], depth + 1);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out[i] = c;
    }
    Object.freeze(out);
    return out;
  }
  if (kind !== 'object') return NOT_PLAIN;
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (dropped(x)) continue;
    // Assigning '__proto__' would set the prototype instead of adding the key JSON.parse adds.
    if (k === '__proto__') return NOT_PLAIN;
    const c = copyPlain(x, depth + 1);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[k] = c;
  }
  Object.freeze(out);
  return out;
}

/** Freezes `v` in place when it is already exactly what JSON would give back; false otherwise. */
function freezePlain(v: unknown, depth: number): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  if (typeof v === 'number') return plainNumber(v);
  if (typeof v !== 'object' || depth > MAX_DEPTH) return false;
  const kind = plainKind(v, false);
  if (kind === undefined) return false;
  if (kind === 'array') {
    const list = v as unknown[];
    for (let i = 0; i < list.length; i++) if (!freezePlain(list[i], depth + 1)) return false;
  } else {
    // Anything JSON would drop or rename cannot be dropped without changing the caller's object.
    for (const k of Object.keys(v)) if (k === '__proto__' || !freezePlain((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  Object.freeze(v);
  return true;
}

/**
 * The payload as handlers will see it: JSON-equal to the round trip and deep-frozen. With `transfer`
 * the publisher has handed the object over (PublishOptions.transfer): it is frozen in place rather
 * than copied. Errors (`bus.invalid_payload`) are frozenJson's.
 */
export function isolatePayload(name: string, payload: unknown, transfer: boolean): JsonValue {
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    if (transfer) {
      if (freezePlain(payload, 0)) return payload as JsonValue;
    } else {
      const copy = copyPlain(payload, 0);
      if (copy !== NOT_PLAIN) return copy;
    }
  }
  return frozenJson(name, payload);
}
