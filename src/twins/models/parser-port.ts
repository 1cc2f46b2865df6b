/**
 * How the twin graph reads DTDL: one call per upload batch. The implementation (dtdl-parser.ts) runs
 * the DTDL context's parser; tests may substitute a fixed table.
 */
import type { ModelInfo } from './model-info.js';

export interface ModelParser {
  /**
   * Parses `documents` (each one DTDL Interface, as JSON) together, resolving references to models
   * outside the batch through `existing` (definitions already stored). Returns a ModelInfo for each
   * Interface the documents define at top level, keyed by id. Throws twins.dtdl_parser_error with the
   * parser's messages when the documents are not valid DTDL.
   */
  parse(documents: readonly unknown[], existing: (id: string) => unknown): Promise<ReadonlyMap<string, ModelInfo>>;
}
