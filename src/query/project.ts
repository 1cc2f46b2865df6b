/**
 * Result shapes, as the ADT SELECT reference shows them:
 * - `SELECT *` over one collection: the twin (or relationship) document itself.
 * - projections: an object keyed by alias or property name; a property missing on a row is left out
 *   ("If a property included in the projection isn't present ... the property will similarly not be present").
 * - `SELECT COUNT()`: `{ "COUNT": n }`.
 * `SELECT *` with MATCH and several named twins gives an object keyed by their names (ADT does not
 * document this shape; see docs/query.md).
 */
import { isOutputColumnRef, type Analysis } from './analyze.js';
import type { OrderItem, PathExpr } from './ast.js';
import { compilePath, compileValue, type CompileContext, type Row, type ValueFn } from './compile.js';

export type Projector = (row: Row) => unknown;

export function projector(analysis: Analysis, ctx: CompileContext): Projector {
  const { scope, columns } = analysis;
  if (!columns) {
    const visible = scope.bindings.filter((b) => b.visible);
    if (visible.length === 1) {
      const slot = visible[0]!.slot;
      return (row) => row[slot];
    }
    return (row) => {
      const out: Record<string, unknown> = {};
      for (const b of visible) if (row[b.slot] !== undefined) out[b.name] = row[b.slot];
      return out;
    };
  }
  const fns = columns.map((c) => {
    if (c.item.expr.kind === 'aggregate') throw new Error('aggregate column in a row projection');
    return [c.name, compilePath(c.item.expr, ctx)] as const;
  });
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [name, fn] of fns) {
      const v = fn(row);
      if (v !== undefined) out[name] = v;
    }
    return out;
  };
}

/** Sort keys of a non-grouped ORDER BY: projected columns by name, anything else from the row. */
export function orderKeys(analysis: Analysis, ctx: CompileContext): Array<(row: Row, projected: unknown) => unknown> {
  return (analysis.query.orderBy ?? []).map((o: OrderItem) => {
    if (isOutputColumnRef(o.expr, analysis.columns, analysis.scope)) {
      const name = (o.expr as PathExpr).segments[0] as string;
      return (_row: Row, projected: unknown) => (projected as Record<string, unknown>)[name];
    }
    const fn: ValueFn = compileValue(o.expr, ctx);
    return (row: Row) => fn(row);
  });
}
