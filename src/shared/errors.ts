/**
 * The one error shape every bounded context throws. Each context keeps its own catalogue of stable
 * codes (see `defineErrors`); the HTTP layer maps `kind` to a status in exactly one place
 * (src/api/problem.ts), the CLI prints `code: message`.
 */
export type ErrorKind =
  | 'invalid' // the caller sent something malformed or not allowed by the rules (400)
  | 'unauthenticated' // no or bad credentials (401)
  | 'forbidden' // authenticated, but the role does not allow it (403)
  | 'not_found' // (404)
  | 'conflict' // state forbids it: duplicate, still referenced, version clash (409)
  | 'precondition_failed' // If-Match / expected version mismatch (412)
  | 'too_large' // (413)
  | 'rate_limited' // (429)
  | 'unavailable' // a dependency is down; retry later (503)
  | 'internal'; // a bug: never the caller's fault (500)

export class TwinworksError extends Error {
  constructor(
    /** Stable, documented code: `<context>.<snake_case>`, e.g. `storage.version_conflict`. */
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    /** Where and what: ids, JSON paths, allowed values. Serialised into problem details. */
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TwinworksError';
  }
}

export interface ErrorSpec {
  readonly kind: ErrorKind;
  /** A short human title for the problem type (RFC 9457 `title`). */
  readonly title: string;
}

/**
 * Declares a context's error catalogue. Usage:
 *   export const StorageErrors = defineErrors('storage', { version_conflict: { kind: 'conflict', title: '…' } });
 *   throw StorageErrors.create('version_conflict', `twin ${id} changed`, { id });
 */
export function defineErrors<const C extends Record<string, ErrorSpec>>(context: string, specs: C) {
  const catalogue = {
    context,
    specs,
    create(code: keyof C & string, message: string, details?: Record<string, unknown>, cause?: unknown): TwinworksError {
      const spec = specs[code] as ErrorSpec;
      return new TwinworksError(`${context}.${code}`, spec.kind, message, details ?? {}, cause === undefined ? undefined : { cause });
    },
    is(err: unknown, code?: keyof C & string): err is TwinworksError {
      if (!(err instanceof TwinworksError)) return false;
      return code === undefined ? err.code.startsWith(`${context}.`) : err.code === `${context}.${code}`;
    },
  };
  registry.set(context, specs);
  return catalogue;
}

const registry = new Map<string, Record<string, ErrorSpec>>();

/** Every registered code with its spec, for docs and the OpenAPI document. */
export function allErrorCodes(): Array<{ code: string } & ErrorSpec> {
  const out: Array<{ code: string } & ErrorSpec> = [];
  for (const [context, specs] of registry) {
    for (const [name, spec] of Object.entries(specs)) out.push({ code: `${context}.${name}`, ...spec });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}
