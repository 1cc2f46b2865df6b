/**
 * ModelParser over the DTDL context's parser. ADT accepts DTDL v2 and v3 (a later version is
 * ModelVersionNotSupported there; here the parser's own version check reports it). References to
 * models outside the batch are resolved from the stored definitions; an unresolvable one fails the
 * batch, as ADT does ("DTDLParserError … model references … not found").
 */
import { parseModels, type DtdlError } from '../../dtdl/index.js';
import { TwinsErrors } from '../errors.js';
import { modelInfoOf, type ModelInfo } from './model-info.js';
import type { ModelParser } from './parser-port.js';

export function createDtdlModelParser(options: { maxDtdlVersion?: number } = {}): ModelParser {
  return {
    async parse(documents, existing) {
      const result = await parseModels(documents, {
        maxDtdlVersion: options.maxDtdlVersion ?? 3,
        resolver: (ids) => {
          const found = ids.map((id) => existing(id)).filter((d) => d !== undefined);
          return found.length > 0 ? found : undefined;
        },
      });
      if (!result.ok) {
        if (result.unresolved && result.unresolved.length > 0) {
          throw TwinsErrors.create('dtdl_parser_error', `The models refer to models that are neither in the request nor stored: ${result.unresolved.join(', ')}`, {
            unresolved: result.unresolved,
          });
        }
        throw TwinsErrors.create('dtdl_parser_error', describe(result.errors), { errors: result.errors.slice(0, 50).map(brief) });
      }
      const out = new Map<string, ModelInfo>();
      for (const id of result.graph.roots) {
        const iface = result.graph.interfaces.get(id);
        if (iface) out.set(id, modelInfoOf(iface));
      }
      return out;
    },
  };
}

function describe(errors: readonly DtdlError[]): string {
  const shown = errors.slice(0, 3).map((e) => e.message).join(' | ');
  return `${errors.length} DTDL error(s): ${shown}${errors.length > 3 ? ' | …' : ''}`;
}

function brief(e: DtdlError): Record<string, unknown> {
  const { message, ...rest } = e as unknown as Record<string, unknown>;
  return { message, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && typeof v !== 'object')) };
}
