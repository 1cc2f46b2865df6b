/**
 * DTDL v2/v3 parser and validator (public API of the `dtdl` context).
 *
 *   const r = await parseModels([jsonText, …], { resolver });
 *   if (r.ok) r.graph.interfaces.get('dtmi:com:example:Pump;1') …; else r.errors / r.unresolved
 *
 * See docs/dtdl.md for what is supported.
 */
import type { DtdlError } from './diagnostics.js';
import { buildGraph } from './graph/build.js';
import type { ModelGraph } from './graph/types.js';
import { runParse, type Resolver } from './parser/run.js';
import { DtdlErrors } from './errors.js';
import type { TwinworksError } from '../shared/errors.js';

export type { DtdlError } from './diagnostics.js';
export type * from './graph/types.js';
export { validateValue, validateJsonText, NotASchemaError, type ValueProblem } from './graph/instance.js';
export { isSchema } from './graph/build.js';
export { parseDtmi, isDtmi, type Dtmi } from './dtmi.js';
export { DtdlErrors } from './errors.js';

export interface ParseOptions {
  /**
   * Supplies models the documents depend on but do not contain (e.g. models already stored). Called with
   * the DTMIs still unresolved, possibly several times; returns documents (JSON text or parsed JSON) or
   * undefined when it cannot help.
   */
  readonly resolver?: Resolver | undefined;
  /** Tolerate unknown extension contexts (true), reject them (false), or per DTDL version (default: v2 tolerates, v3 rejects). */
  readonly allowUndefinedExtensions?: boolean | undefined;
  /** Highest DTDL version accepted (2–4). */
  readonly maxDtdlVersion?: number | undefined;
  /** Reference-parser quirks for legacy DTDL v2 models. */
  readonly tolerateSolecismsInParse?: boolean | undefined;
  readonly tolerateSolecismsInResolve?: boolean | undefined;
}

export type ParseResult =
  | { readonly ok: true; readonly graph: ModelGraph; readonly warnings: readonly DtdlError[] }
  | { readonly ok: false; readonly errors: readonly DtdlError[]; readonly unresolved?: readonly string[] };

/** Parses and validates documents together as one model. Never throws for bad input. */
export async function parseModels(documents: readonly unknown[], options: ParseOptions = {}): Promise<ParseResult> {
  const r = await runParse(documents, options);
  switch (r.kind) {
    case 'ok':
      return { ok: true, graph: buildGraph(r.model), warnings: r.warnings };
    case 'invalid':
      return { ok: false, errors: r.errors };
    case 'incomplete':
      return { ok: false, errors: r.errors, unresolved: r.unresolved };
  }
}

/** The failure of a parse as a TwinworksError (for the HTTP API and CLI). */
export function toTwinworksError(r: Extract<ParseResult, { ok: false }>): TwinworksError {
  if (r.unresolved && r.unresolved.length > 0) {
    return DtdlErrors.create('unresolved_reference', `The model refers to ${r.unresolved.length} model(s) that are not available: ${r.unresolved.join(', ')}`, { unresolved: r.unresolved });
  }
  const first = r.errors[0];
  return DtdlErrors.create('invalid_model', `${r.errors.length} DTDL error(s)${first ? `; first: ${first.message}` : ''}`, { errors: r.errors });
}
