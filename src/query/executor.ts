/**
 * Executes a plan into one page of results: `{ value, continuationToken?, charge }`, the shape of
 * ADT's Query API response (plus `charge`, the number of documents read, like ADT's query charge).
 * Streamed queries stop reading as soon as the page (or TOP) is full; ORDER BY, GROUP BY and
 * aggregates need every row, so they are computed in full and paged by offset.
 */
import { accessFingerprint } from './access.js';
import { groupRows, sortBy } from './aggregate.js';
import type { CompileContext } from './compile.js';
import { QueryErrors } from './errors.js';
import { explainPlan, formatExplain } from './explain.js';
import { assertNever } from './lexer.js';
import { decodeToken, encodeToken, type ContinuationState } from './paging.js';
import { rows } from './pipeline.js';
import type { CountShortcut, Plan } from './planner.js';
import type { GraphReader } from './port.js';
import { orderKeys, projector } from './project.js';
import { Meter } from './traverse.js';

/** ADT service limits: up to 1,000 items per query page. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
/** Documents a single page may read before the query is stopped (query.too_expensive). */
export const DEFAULT_MAX_CHARGE = 50_000_000;

export interface ExecuteOptions {
  readonly pageSize?: number;
  readonly continuationToken?: string;
  readonly maxCharge?: number;
}

export interface QueryPage {
  readonly value: unknown[];
  /** Absent on the last page. */
  readonly continuationToken?: string;
  /** Documents (twins and relationships) read to produce this page. */
  readonly charge: number;
}

/** The state a continuation token carries, decoded (and checked against the query text). */
export function continuationState(queryText: string, options: ExecuteOptions): ContinuationState | undefined {
  return options.continuationToken ? decodeToken(queryText, options.continuationToken) : undefined;
}

/** Plan with `planQuery(..., { preferAccess })` from a stream state so the positions stay valid. */
export function executePlan(queryText: string, plan: Plan, reader: GraphReader, options: ExecuteOptions = {}): QueryPage {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw QueryErrors.create('invalid_page_size', `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`, {
      pageSize,
      max: MAX_PAGE_SIZE,
    });
  }
  const state = continuationState(queryText, options);
  const { analysis } = plan;
  if (analysis.query.explain) {
    const tree = explainPlan(plan);
    return { value: [{ plan: tree, text: formatExplain(tree) }], charge: 0 };
  }
  const meter = new Meter(options.maxCharge ?? DEFAULT_MAX_CHARGE);
  const ctx: CompileContext = { scope: analysis.scope, reader };
  const top = analysis.query.select.top?.count;

  if (plan.countShortcut || analysis.grouped || analysis.query.orderBy) {
    const offset = offsetOf(state);
    const all = plan.countShortcut
      ? [{ [analysis.columns![0]!.name]: countFromIndex(plan.countShortcut, reader) }]
      : materialise(plan, reader, meter, ctx);
    const limited = top !== undefined ? all.slice(0, top) : all;
    const value = limited.slice(offset, offset + pageSize);
    const more = offset + pageSize < limited.length;
    return {
      value,
      continuationToken: more ? encodeToken(queryText, { kind: 'offset', offset: offset + pageSize }) : undefined,
      charge: plan.countShortcut ? 1 : meter.charge,
    };
  }

  if (state && state.kind !== 'stream') throw mismatch();
  const first = plan.stages[0]!;
  const access = first.kind === 'access' ? accessFingerprint(first.access) : '';
  if (state && state.access !== access) throw mismatch();
  const project = projector(analysis, ctx);
  const value: unknown[] = [];
  let emitted = state?.emitted ?? 0;
  let continuationToken: string | undefined;
  if (top === undefined || emitted < top) {
    for (const r of rows(plan, reader, meter, state)) {
      // The row after a full page is only located, not returned: the token resumes exactly there.
      if (value.length === pageSize) {
        continuationToken = encodeToken(queryText, { kind: 'stream', anchor: r.anchor, index: r.index, emitted, access });
        break;
      }
      value.push(project(r.row));
      emitted++;
      if (top !== undefined && emitted >= top) break;
    }
  }
  return { value, continuationToken, charge: meter.charge };
}

function mismatch(): Error {
  return QueryErrors.create('invalid_continuation', 'The continuation token does not fit this query', { reason: 'kind mismatch' });
}

function offsetOf(state: ContinuationState | undefined): number {
  if (!state) return 0;
  if (state.kind !== 'offset') throw mismatch();
  return state.offset;
}

function countFromIndex(c: CountShortcut, reader: GraphReader): number {
  switch (c.kind) {
    case 'models':
      return reader.countByModel(c.models);
    case 'allTwins':
      return reader.twinCount();
    case 'allRelationships':
      return reader.relationshipCount();
    case 'propertySets':
      return c.sizes;
    default:
      return assertNever(c);
  }
}

function materialise(plan: Plan, reader: GraphReader, meter: Meter, ctx: CompileContext): unknown[] {
  const { analysis } = plan;
  const orderBy = analysis.query.orderBy ?? [];
  const descending = orderBy.map((o) => o.descending);
  if (analysis.grouped) {
    const grouped = groupRows(analysis, rows(plan, reader, meter), ctx);
    const sorted = orderBy.length > 0 ? sortBy(grouped, (g) => g.sortKeys, descending) : grouped;
    return sorted.map((g) => g.output);
  }
  const project = projector(analysis, ctx);
  const keyFns = orderKeys(analysis, ctx);
  const items: Array<{ projected: unknown; keys: unknown[] }> = [];
  for (const { row } of rows(plan, reader, meter)) {
    const projected = project(row);
    items.push({ projected, keys: keyFns.map((k) => k(row, projected)) });
  }
  return sortBy(items, (i) => i.keys, descending).map((i) => i.projected);
}
