/**
 * Twin and relationship ids. ADT treats them as case-sensitive opaque strings; the limits here are
 * what storage can key on (relationships are keyed by source and id together, 512 UTF-8 bytes).
 */
import { TwinsErrors } from '../errors.js';

const MAX_CHARS = 200;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Surrogate}/u;

export function checkId(kind: 'twin' | 'relationship' | 'event route' | 'endpoint', id: unknown): string {
  if (typeof id !== 'string' || id === '') throw TwinsErrors.create('invalid_argument', `The ${kind} id must be a non-empty string`, { kind });
  if (id.length > MAX_CHARS) throw TwinsErrors.create('invalid_argument', `The ${kind} id is longer than ${MAX_CHARS} characters`, { kind, id: id.slice(0, 40), max: MAX_CHARS });
  if (CONTROL.test(id) || LONE_SURROGATE.test(id)) throw TwinsErrors.create('invalid_argument', `The ${kind} id contains control characters or lone surrogates`, { kind });
  return id;
}
