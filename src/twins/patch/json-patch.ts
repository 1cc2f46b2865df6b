/**
 * JSON Patch (RFC 6902) over JSON Pointers (RFC 6901), copy-on-write: the input document is never
 * changed; containers along each op's path are copied, everything else is shared with the input.
 * ADT accepts only `add`, `replace` and `remove` ("Operations are limited to add, replace and
 * remove", ADT REST reference, DigitalTwins Update), so `move`, `copy` and `test` are refused.
 * A malformed document or an op that cannot apply (RFC 6902 §4: replace/remove of a missing value,
 * add under a missing parent) raises twins.json_patch_invalid; the patch is all or nothing (§5).
 */
import type { JsonPatchOperation, JsonValue } from '../../bus/index.js';
import { TwinsErrors } from '../errors.js';
import { isPlainObject } from '../models/values.js';

export type PatchOp =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly segments: readonly string[]; readonly value: JsonValue }
  | { readonly op: 'remove'; readonly path: string; readonly segments: readonly string[] };

const MAX_OPS = 1000;

export function invalidPatch(message: string, details: Record<string, unknown> = {}): Error {
  return TwinsErrors.create('json_patch_invalid', message, details);
}

/** RFC 6901 §3/§4: '/'-separated reference tokens with ~1 → '/' and ~0 → '~'. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw invalidPatch(`'${pointer}' is not a JSON Pointer: it must start with '/'`, { path: pointer });
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw invalidPatch(`'${pointer}' has an invalid escape ('~' must be followed by 0 or 1)`, { path: pointer });
      return token.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/** Checks the shape of a patch document and parses its pointers. */
export function parsePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body)) throw invalidPatch('A JSON Patch document must be a JSON array of operations');
  if (body.length > MAX_OPS) throw invalidPatch(`A JSON Patch document may have at most ${MAX_OPS} operations, got ${body.length}`, { limit: MAX_OPS });
  return body.map((raw, i) => {
    if (!isPlainObject(raw)) throw invalidPatch(`Operation ${i} is not a JSON object`, { index: i });
    const { op, path } = raw;
    if (typeof path !== 'string') throw invalidPatch(`Operation ${i} has no 'path' string`, { index: i });
    const segments = parsePointer(path);
    switch (op) {
      case 'add':
      case 'replace':
        if (!('value' in raw) || raw['value'] === undefined) throw invalidPatch(`Operation ${i} (${op} ${path}) has no 'value'`, { index: i, path });
        return { op, path, segments, value: raw['value'] as JsonValue };
      case 'remove':
        return { op, path, segments };
      case 'move':
      case 'copy':
      case 'test':
        throw invalidPatch(`Operation ${i}: '${op}' is not supported; use add, replace or remove`, { index: i, op, allowed: ['add', 'replace', 'remove'] });
      default:
        throw invalidPatch(`Operation ${i} has an unknown 'op' ${JSON.stringify(op)}`, { index: i, allowed: ['add', 'replace', 'remove'] });
    }
  });
}

/** The op as published in change notifications (ADT's `patch` array). */
export function toWireOp(op: PatchOp): JsonPatchOperation {
  return op.op === 'remove' ? { op: 'remove', path: op.path } : { op: op.op, path: op.path, value: op.value };
}

type Container = Record<string, unknown> | unknown[];

function copyOf(c: Container): Container {
  return Array.isArray(c) ? c.slice() : { ...c };
}

/**
 * Applies one op below `root` (segments relative to it) and returns the new root. `copied` holds the
 * containers already copied by earlier ops of the same patch, which may then be changed in place.
 */
export function applyOp(root: Record<string, unknown>, op: PatchOp, segments: readonly string[], copied: Set<object>): Record<string, unknown> {
  if (segments.length === 0) throw invalidPatch(`${op.op} of the whole document ('${op.path}') is not allowed`, { path: op.path });
  const newRoot = own(root, copied) as Record<string, unknown>;
  let parent: Container = newRoot;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i] as string;
    const child = get(parent, key);
    if (child === null || typeof child !== 'object') {
      throw invalidPatch(`${op.op} '${op.path}': '/${segments.slice(0, i + 1).join('/')}' does not exist or is not an object or array`, { path: op.path });
    }
    const mine = own(child as Container, copied);
    set(parent, key, mine, op);
    parent = mine;
  }
  const last = segments[segments.length - 1] as string;
  const exists = get(parent, last) !== undefined;
  switch (op.op) {
    case 'add':
      if (Array.isArray(parent)) insert(parent, last, op);
      else parent[last] = op.value;
      break;
    case 'replace':
      if (!exists) throw invalidPatch(`replace '${op.path}': there is no value to replace (use add)`, { path: op.path });
      set(parent, last, op.value, op);
      break;
    case 'remove':
      if (!exists) throw invalidPatch(`remove '${op.path}': there is no value to remove`, { path: op.path });
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
  }
  return newRoot;
}

function own(c: Container, copied: Set<object>): Container {
  if (copied.has(c)) return c;
  const copy = copyOf(c);
  copied.add(copy);
  return copy;
}

function get(c: Container, key: string): unknown {
  if (Array.isArray(c)) return /^(0|[1-9]\d*)$/.test(key) ? c[Number(key)] : undefined;
  return Object.hasOwn(c, key) ? c[key] : undefined;
}

function set(c: Container, key: string, value: unknown, op: PatchOp): void {
  if (Array.isArray(c)) {
    if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= c.length) throw invalidPatch(`'${op.path}': '${key}' is not an index of the array`, { path: op.path });
    c[Number(key)] = value;
  } else {
    c[key] = value;
  }
}

/** RFC 6902 §4.1: add into an array inserts at the index ('-' appends). */
function insert(arr: unknown[], key: string, op: Extract<PatchOp, { op: 'add' | 'replace' }>): void {
  if (key === '-') {
    arr.push(op.value);
    return;
  }
  if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) > arr.length) throw invalidPatch(`add '${op.path}': '${key}' is not a valid array index`, { path: op.path });
  arr.splice(Number(key), 0, op.value);
}
