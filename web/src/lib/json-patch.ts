/**
 * JSON Patch (RFC 6902) in the two directions the app needs: applying the patches that arrive with
 * live twin-update events to the cached twin, and computing the patch for an edit in the explorer.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type PatchOp = { op: 'add' | 'replace'; path: string; value: Json } | { op: 'remove'; path: string };

/** RFC 6901 §4: `~1` is `/`, `~0` is `~` (in that order). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function toPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Applies add/replace/remove in place (other ops are ignored: twin events carry only these).
 * Missing parents of an `add` are created, as ADT does for component and object properties.
 */
export function applyPatch(doc: Record<string, unknown>, ops: readonly { op: string; path: string; value?: unknown }[]): void {
  for (const op of ops) {
    const path = parsePointer(op.path);
    const last = path.pop();
    if (last === undefined) continue;
    let node: unknown = doc;
    for (const seg of path) {
      const obj = node as Record<string, unknown>;
      if (obj[seg] === null || typeof obj[seg] !== 'object') {
        if (op.op === 'remove') break;
        obj[seg] = {};
      }
      node = obj[seg];
    }
    if (node === null || typeof node !== 'object') continue;
    const target = node as Record<string, unknown> | unknown[];
    if (Array.isArray(target)) {
      const i = last === '-' ? target.length : Number(last);
      if (op.op === 'add') target.splice(i, 0, op.value);
      else if (op.op === 'replace') target[i] = op.value;
      else if (op.op === 'remove') target.splice(i, 1);
    } else if (op.op === 'add' || op.op === 'replace') target[last] = op.value;
    else if (op.op === 'remove') delete target[last];
  }
}

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The patch that turns `before` into `after`, recursing into objects (components, object
 * properties, maps) and replacing arrays whole. Keys starting with `$` ($dtId, $etag, $metadata)
 * are the service's, never patched.
 */
export function diff(before: Record<string, Json>, after: Record<string, Json>, base: string[] = []): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const key of Object.keys(before)) {
    if (key.startsWith('$')) continue;
    if (!(key in after)) ops.push({ op: 'remove', path: toPointer([...base, key]) });
  }
  for (const [key, value] of Object.entries(after)) {
    if (key.startsWith('$')) continue;
    const old = before[key];
    if (!(key in before)) ops.push({ op: 'add', path: toPointer([...base, key]), value });
    else if (isObject(old) && isObject(value)) ops.push(...diff(old, value, [...base, key]));
    else if (!equal(old, value)) ops.push({ op: 'replace', path: toPointer([...base, key]), value });
  }
  return ops;
}
