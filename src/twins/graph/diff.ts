/**
 * A top-level JSON Patch from one document to another (members starting with `$` are system fields
 * and left out). Used for the change notification of a replace (PUT over an existing twin or
 * relationship): ADT's Twin.Update `data.patch` describes the change, whatever call made it.
 */
import type { JsonPatchOperation, JsonValue } from '../../bus/index.js';
import { escapePointer } from '../models/values.js';

export function topLevelDiff(before: Record<string, unknown>, after: Record<string, unknown>): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (const key of Object.keys(before)) {
    if (!key.startsWith('$') && after[key] === undefined) ops.push({ op: 'remove', path: `/${escapePointer(key)}` });
  }
  for (const [key, value] of Object.entries(after)) {
    if (key.startsWith('$') || value === undefined) continue;
    const old = before[key];
    if (old === undefined) ops.push({ op: 'add', path: `/${escapePointer(key)}`, value: stripMetadata(value) as JsonValue });
    else if (JSON.stringify(stripMetadata(old)) !== JSON.stringify(stripMetadata(value))) ops.push({ op: 'replace', path: `/${escapePointer(key)}`, value: stripMetadata(value) as JsonValue });
  }
  return ops;
}

/** Component values carry their own `$metadata`; a notification shows only the values. */
function stripMetadata(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== '$metadata') out[k] = x;
  return out;
}
