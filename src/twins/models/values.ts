/**
 * Value checks against DTDL schemas, through the DTDL context's `validateValue` (DTDL v3 §Schemas),
 * with its `$.a[0]` paths turned into RFC 6901 JSON Pointers below the property's own pointer, the
 * form the rest of the twin graph reports problems in.
 */
import { validateValue, type Schema } from '../../dtdl/index.js';

export interface ValueProblem {
  /** RFC 6901 JSON Pointer into the twin or relationship document. */
  readonly path: string;
  readonly message: string;
}

export function checkValue(schema: Schema, value: unknown, pointer = ''): ValueProblem[] {
  const problems = validateValue(schema, value);
  return problems.length === 0 ? [] : problems.map((p) => ({ path: pointer + toPointer(p.path), message: p.message }));
}

/** `$`, `$.a.b`, `$[0]`, `$["k"]` → '', '/a/b', '/0', '/k'. */
export function toPointer(path: string): string {
  let out = '';
  const re = /\.([^.[]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  re.lastIndex = path.startsWith('$') ? 1 : 0;
  while ((m = re.exec(path)) !== null) {
    const key = m[1] ?? m[2] ?? (JSON.parse(m[3] as string) as string);
    out += `/${escapePointer(key)}`;
  }
  return out;
}

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
