/**
 * Ports this context (and analytics, alerts) needs from the twin graph. The platform wires them to
 * the twin-graph context; tests use fakes or `twinScopeFromReader` over the query engine.
 */
import type { JsonPatchOperation } from '../bus/index.js';
import { executeQuery, type GraphReader } from '../query/index.js';

/** Twin ids selected by an ADT query (`SELECT T FROM DIGITALTWINS T WHERE …`). */
export interface TwinScope {
  resolve(query: string): Promise<string[]>;
}

/** Writes live values (oee, availability, activeAlerts) onto twins. */
export interface TwinWriter {
  patch(twinId: string, ops: readonly JsonPatchOperation[]): Promise<void>;
}

/** The ADT query for "every twin of this model or of a model extending it". */
export function modelQuery(modelId: string): string {
  return `SELECT T FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${modelId.replace(/'/g, "\\'")}')`;
}

/** A TwinScope over any GraphReader (the twin graph's index, or the query context's MemoryGraph). */
export function twinScopeFromReader(reader: GraphReader, maxTwins = 100_000): TwinScope {
  return {
    async resolve(query: string): Promise<string[]> {
      const ids = new Set<string>();
      let token: string | undefined;
      for (let page = 0; page < 1000 && ids.size < maxTwins; page++) {
        const result = executeQuery(query, reader, { pageSize: 1000, ...(token !== undefined ? { continuationToken: token } : {}) });
        for (const row of result.value) collectIds(row, ids);
        token = result.continuationToken;
        if (token === undefined) break;
      }
      return [...ids];
    },
  };
}

/** A row is a twin (`$dtId`), or an object of projections of which the twins count. */
function collectIds(row: unknown, ids: Set<string>): void {
  if (row === null || typeof row !== 'object') return;
  const r = row as Record<string, unknown>;
  if (typeof r['$dtId'] === 'string') {
    ids.add(r['$dtId']);
    return;
  }
  for (const v of Object.values(r)) if (v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)['$dtId'] === 'string') ids.add((v as Record<string, string>)['$dtId'] as string);
}
