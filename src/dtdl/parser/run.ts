/**
 * The parse pipeline for a set of documents: read every document (stopping at the first one with errors),
 * resolve dependent references through standard elements and the caller's resolver (DTDL v3 §"Dependent
 * references": unresolved ones make the model incomplete), link references, then run the validation
 * passes that need the whole model.
 */
import { Diagnostics, QuitSignal, type DtdlError } from '../diagnostics.js';
import { ActiveContext, type UndefinedExtensionPolicy } from '../jsonld/context.js';
import { RESERVED_ID_PREFIXES } from '../generated/classes.js';
import { WorkingModel } from './model.js';
import { parseDocument } from './document.js';
import type { ParseEnv } from './element.js';
import { checkValueConstraints, linkReferences } from './link.js';
import { resolveAlias, tryAddStandardElement } from './standard.js';
import { runValidationPasses } from '../validate/index.js';

export type Resolver = (dtmis: string[]) => Promise<readonly unknown[] | undefined | null> | readonly unknown[] | undefined | null;

export interface RunOptions {
  readonly resolver?: Resolver | undefined;
  /** true: tolerate unknown extension contexts; false: reject them; undefined: per-version default (v2 tolerates). */
  readonly allowUndefinedExtensions?: boolean | undefined;
  readonly maxDtdlVersion?: number | undefined;
  /** Reference-parser quirks for DTDL v2 models (reserved ids, `{"@id": …}` references, duplicate auto ids). */
  readonly tolerateSolecismsInParse?: boolean | undefined;
  readonly tolerateSolecismsInResolve?: boolean | undefined;
}

export type RunResult =
  | { readonly kind: 'ok'; readonly model: WorkingModel; readonly warnings: readonly DtdlError[] }
  | { readonly kind: 'invalid'; readonly errors: readonly DtdlError[] }
  | { readonly kind: 'incomplete'; readonly unresolved: readonly string[]; readonly errors: readonly DtdlError[] };

/** Text of a document given as text or as a JSON value (laid out as `JSON.stringify(x, null, 2)`). */
export function documentText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (doc === null || doc === undefined) return '';
  return JSON.stringify(doc, null, 2) ?? '';
}

/** Document text, or an error for values JSON cannot represent (cycles, BigInt). */
function textOf(doc: unknown, diags: Diagnostics): string {
  try {
    return documentText(doc);
  } catch (e) {
    return diags.quit('invalidJson', { value: `the document is not serialisable as JSON: ${(e as Error).message}` });
  }
}

const allReservedPrefixes = [...new Set(Object.values(RESERVED_ID_PREFIXES).flat())];

export async function runParse(documents: readonly unknown[], options: RunOptions): Promise<RunResult> {
  const model = new WorkingModel();
  const diags = new Diagnostics();
  const policy: UndefinedExtensionPolicy = options.allowUndefinedExtensions === undefined ? 'default' : options.allowUndefinedExtensions ? 'always' : 'never';
  const root = ActiveContext.root({ undefinedExtensions: policy, ...(options.maxDtdlVersion !== undefined ? { maxDtdlVersion: options.maxDtdlVersion } : {}) });
  const envFor = (documentIndex: number | undefined, sourceDtmi: string | undefined, quirks: boolean): ParseEnv => ({
    model,
    diags,
    allowReservedIds: false,
    tolerateSolecisms: quirks,
    standard: false,
    globalize: false,
    documentIndex,
    sourceDtmi,
    modelId: undefined,
  });
  try {
    documents.forEach((doc, i) => {
      diags.scope = { documentIndex: i };
      parseDocument(envFor(i, undefined, options.tolerateSolecismsInParse ?? false), textOf(doc, diags), root);
      diags.throwIfAny();
    });
    for (let round = 0; ; round++) {
      const undefinedIds = new Set<string>();
      for (const ref of model.refs) {
        if (model.elements.has(ref.refId) || tryAddStandardElement(model, ref.refId)) continue;
        const where = { primaryId: ref.fromId, property: ref.prop, secondaryId: ref.refId, path: ref.source?.node.path, line: ref.source?.line, documentIndex: ref.documentIndex, sourceDtmi: ref.sourceDtmi };
        if (ref.refString !== undefined && !ref.refString.startsWith('dtmi:')) diags.notify('badType', { ...where, value: ref.refString });
        else if (allReservedPrefixes.some((p) => ref.refId.startsWith(p))) diags.notify('undefinedReservedId', where);
        else undefinedIds.add(ref.refId);
      }
      diags.throwIfAny();
      if (undefinedIds.size === 0) break;
      const requested = [...undefinedIds];
      const docs = options.resolver && round < 1000 ? await options.resolver(requested) : undefined;
      if (!docs) return { kind: 'incomplete', unresolved: requested, errors: [] };
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        const text = textOf(doc, diags);
        diags.scope = { sourceDtmi: requested.length === 1 ? requested[0] : undefined };
        parseDocument(envFor(undefined, diags.scope.sourceDtmi, options.tolerateSolecismsInResolve ?? false), text, root);
        diags.throwIfAny();
      }
      const still = requested.filter((id) => !model.elements.has(id));
      if (still.length > 0) return { kind: 'incomplete', unresolved: still, errors: [] };
    }
    diags.scope = {};
    linkReferences(model, diags, resolveAlias);
    diags.throwIfAny();
    checkValueConstraints(model, diags, resolveAlias);
    runValidationPasses(model, diags);
    diags.throwIfAny();
    return { kind: 'ok', model, warnings: diags.warnings };
  } catch (e) {
    if (e instanceof QuitSignal) return { kind: 'invalid', errors: diags.errors };
    throw e;
  }
}
