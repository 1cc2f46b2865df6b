/**
 * Value semantics of the query language. ADT's query store follows Cosmos DB SQL semantics, which
 * ADT does not spell out; the rules here (documented in docs/query.md) are:
 * - A missing property is `undefined`. Comparing it, or comparing values of different JSON types,
 *   gives `undefined` (neither true nor false), so `T.x != 5` does not match twins without `x`.
 * - Logic is three-valued: AND is false if either side is false, OR is true if either side is
 *   true, NOT undefined is undefined; WHERE keeps a row only when the condition is true.
 * - Objects and arrays support = and != (deep equality) but not ordering.
 */

/** true / false / undefined (unknown). */
export type Tri = boolean | undefined;

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(v: unknown): JsonType | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'object':
      return Array.isArray(v) ? 'array' : 'object';
    default:
      return undefined;
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = jsonType(a);
  if (ta !== jsonType(b) || (ta !== 'array' && ta !== 'object')) return false;
  if (ta === 'array') {
    const xa = a as unknown[];
    const xb = b as unknown[];
    return xa.length === xb.length && xa.every((v, i) => deepEqual(v, xb[i]));
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const ka = Object.keys(oa);
  return ka.length === Object.keys(ob).length && ka.every((k) => Object.hasOwn(ob, k) && deepEqual(oa[k], ob[k]));
}

/** `=`: undefined when either side is missing or the JSON types differ. */
export function equals(a: unknown, b: unknown): Tri {
  if (a === undefined || b === undefined) return undefined;
  if (jsonType(a) !== jsonType(b)) return undefined;
  return deepEqual(a, b);
}

/** Ordered comparison: negative / 0 / positive, or undefined when not comparable. */
export function compare(a: unknown, b: unknown): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const ta = jsonType(a);
  if (ta !== jsonType(b)) return undefined;
  switch (ta) {
    case 'number':
      return (a as number) - (b as number);
    case 'string':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 'boolean':
      return Number(a) - Number(b);
    case 'null':
      return 0;
    default:
      return undefined;
  }
}

export function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undefined;
}

export function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return undefined;
}

export function not(a: Tri): Tri {
  return a === undefined ? undefined : !a;
}

/** ORDER BY / MIN / MAX total order: missing < null < false < true < numbers < strings < arrays < objects. */
const RANK: Readonly<Record<JsonType | 'undefined', number>> = {
  undefined: 0, null: 1, boolean: 2, number: 3, string: 4, array: 5, object: 6,
};

export function totalOrder(a: unknown, b: unknown): number {
  const ta = jsonType(a) ?? 'undefined';
  const tb = jsonType(b) ?? 'undefined';
  if (ta !== tb) return RANK[ta] - RANK[tb];
  const c = compare(a, b);
  if (c !== undefined) return c;
  if (ta === 'undefined') return 0;
  // Arrays and objects: order by their JSON text, which is at least deterministic.
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? 0 : ja < jb ? -1 : 1;
}

/** Walks a property path; any missing step, or a step into a non-object, is `undefined`. */
export function valueAtPath(root: unknown, segments: readonly string[], from = 0): unknown {
  let v = root;
  for (let i = from; i < segments.length; i++) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[segments[i] as string];
  }
  return v;
}

/** A key that identifies a value for grouping and de-duplication (types kept apart: 1 vs '1'). */
export function valueKey(v: unknown): string {
  if (v === undefined) return 'u';
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number') return `n${v}`;
  return `j${JSON.stringify(v)}`;
}
