/**
 * GROUP BY and aggregates (a Twinworks extension, except ADT's own `SELECT COUNT()`), e.g. the
 * average OEE of the machines of each line:
 *   SELECT L.$dtId AS line, AVG(M.oee) AS oee FROM DIGITALTWINS L JOIN M RELATED L.contains
 *   WHERE IS_OF_MODEL(L, 'dtmi:twinworks:Line;1') GROUP BY L.$dtId
 * SUM/AVG read numbers only; MIN/MAX read numbers and strings; values of other types are skipped,
 * and an aggregate with nothing to read is left out of the row, like a missing property.
 */
import { groupKeyText, isOutputColumnRef, type Analysis } from './analyze.js';
import type { AggregateExpr, Expr, PathExpr } from './ast.js';
import { compilePath, type CompileContext, type Row, type ValueFn } from './compile.js';
import type { PositionedRow } from './pipeline.js';
import { totalOrder, valueKey } from './values.js';

interface AggState {
  count: number;
  sum: number;
  numbers: number;
  min: unknown;
  max: unknown;
}

interface Group {
  readonly keyValues: unknown[];
  readonly states: AggState[];
}

export interface GroupedRow {
  readonly output: Record<string, unknown>;
  readonly sortKeys: unknown[];
}

function docKey(v: unknown): string {
  if (v !== null && typeof v === 'object' && '$dtId' in v) return `d${String((v as { $dtId: unknown }).$dtId)}`;
  if (v !== null && typeof v === 'object' && '$relationshipId' in v) {
    const r = v as { $sourceId: unknown; $relationshipId: unknown };
    return `r${String(r.$sourceId)}\u0000${String(r.$relationshipId)}`;
  }
  return valueKey(v);
}

function finish(a: AggregateExpr, s: AggState): unknown {
  switch (a.name) {
    case 'COUNT':
      return s.count;
    case 'SUM':
      return s.numbers > 0 ? s.sum : undefined;
    case 'AVG':
      return s.numbers > 0 ? s.sum / s.numbers : undefined;
    case 'MIN':
      return s.min;
    case 'MAX':
      return s.max;
  }
}

export function groupRows(analysis: Analysis, input: Iterable<PositionedRow>, ctx: CompileContext): GroupedRow[] {
  const { query, scope, columns } = analysis;
  const groupExprs = query.groupBy ?? [];
  const groupFns: ValueFn[] = groupExprs.map((g) => compilePath(g as Extract<Expr, { kind: 'path' }>, ctx));
  const groupTexts = groupExprs.map((g) => groupKeyText(g, scope));

  // Every distinct aggregate in SELECT and ORDER BY, computed once per group.
  const aggregates: AggregateExpr[] = [];
  const aggIndex = new Map<string, number>();
  const addAggregate = (a: AggregateExpr): number => {
    const text = a.arg ? `${a.name}(${groupKeyText(a.arg, scope)})` : `${a.name}()`;
    let i = aggIndex.get(text);
    if (i === undefined) {
      i = aggregates.push(a) - 1;
      aggIndex.set(text, i);
    }
    return i;
  };
  const columnAgg = (columns ?? []).map((c) => (c.item.expr.kind === 'aggregate' ? addAggregate(c.item.expr) : -1));
  const orderAgg = (query.orderBy ?? []).map((o) => (o.expr.kind === 'aggregate' ? addAggregate(o.expr) : -1));
  const argFns: Array<ValueFn | undefined> = aggregates.map((a) => (a.arg ? compilePath(a.arg, ctx) : undefined));

  const groups = new Map<string, Group>();
  const fresh = (): AggState[] => aggregates.map(() => ({ count: 0, sum: 0, numbers: 0, min: undefined, max: undefined }));
  if (groupExprs.length === 0) groups.set('', { keyValues: [], states: fresh() });
  for (const { row } of input) {
    const keyValues = groupFns.map((f) => f(row));
    const key = keyValues.map(docKey).join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { keyValues, states: fresh() }));
    accumulate(g.states, argFns, row);
  }

  const out: GroupedRow[] = [];
  for (const g of groups.values()) {
    const output: Record<string, unknown> = {};
    (columns ?? []).forEach((c, i) => {
      const ai = columnAgg[i]!;
      const v = ai >= 0 ? finish(aggregates[ai]!, g.states[ai]!) : g.keyValues[groupTexts.indexOf(groupKeyText(c.item.expr, scope))];
      if (v !== undefined) output[c.name] = v;
    });
    const sortKeys = (query.orderBy ?? []).map((o, i) => {
      if (orderAgg[i]! >= 0) return finish(aggregates[orderAgg[i]!]!, g.states[orderAgg[i]!]!);
      if (isOutputColumnRef(o.expr, columns, scope)) return output[(o.expr as PathExpr).segments[0]!];
      return g.keyValues[groupTexts.indexOf(groupKeyText(o.expr, scope))];
    });
    out.push({ output, sortKeys });
  }
  return out;
}

function accumulate(states: AggState[], argFns: ReadonlyArray<ValueFn | undefined>, row: Row): void {
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    s.count++;
    const f = argFns[i];
    if (!f) continue;
    const v = f(row);
    if (typeof v === 'number') {
      s.sum += v;
      s.numbers++;
    }
    if (typeof v === 'number' || typeof v === 'string') {
      if (s.min === undefined || totalOrder(v, s.min) < 0) s.min = v;
      if (s.max === undefined || totalOrder(v, s.max) > 0) s.max = v;
    }
  }
}

/** Stable sort by keys, each ascending or descending in the total order of values.ts. */
export function sortBy<T>(items: T[], keys: (t: T) => unknown[], descending: readonly boolean[]): T[] {
  const decorated = items.map((item, i) => ({ item, i, k: keys(item) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < descending.length; j++) {
      const c = totalOrder(a.k[j], b.k[j]);
      if (c !== 0) return descending[j] ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.item);
}

