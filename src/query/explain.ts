/**
 * EXPLAIN: the plan as a tree of operators, outermost first (like PostgreSQL's EXPLAIN), both as
 * data for API clients and as indented text.
 */
import type { Access } from './access.js';
import { assertNever } from './lexer.js';
import type { Plan, Stage } from './planner.js';
import { printEdge, printExpr, printLiteral, printPath } from './print.js';
import type { Scope } from './scope.js';

export interface ExplainNode {
  readonly operator: string;
  readonly detail: string;
  /** Documents the operator is expected to read, when the index knows. */
  readonly estimatedRows?: number;
  readonly children: readonly ExplainNode[];
}

const list = (xs: readonly unknown[]): string =>
  xs.length === 1 ? printLiteral(xs[0] as string) : `[${xs.map((x) => printLiteral(x as string)).join(', ')}]`;

function accessNode(a: Access, scope: Scope): ExplainNode {
  const name = scope.bindings[a.slot]!.name || '(twins)';
  switch (a.kind) {
    case 'twinIds':
      return { operator: 'IndexSeek', detail: `${name} by $dtId ${list(a.ids)}`, estimatedRows: a.estimate, children: [] };
    case 'twinsByModel': {
      const subtypes = a.models.length - 1;
      const how = a.exact ? 'exact' : `with ${subtypes} subtype${subtypes === 1 ? '' : 's'}`;
      return { operator: 'IndexScan', detail: `${name} by model ${printLiteral(a.model)} (${how})`, estimatedRows: a.estimate, children: [] };
    }
    case 'twinsByProperty':
      return {
        operator: 'IndexSeek', detail: `${name} by property ${printPath(a.path)} = ${list(a.values)}`, estimatedRows: a.estimate, children: [],
      };
    case 'twinScan':
      return { operator: 'FullScan', detail: `${name} over all twins (no usable index)`, estimatedRows: a.estimate, children: [] };
    case 'relationshipsByTwin':
      return {
        operator: 'IndexSeek',
        detail: `relationships by ${a.side === 'source' ? '$sourceId' : '$targetId'} ${list(a.twinIds)} (${a.side === 'source' ? 'outgoing' : 'incoming'} index)`,
        children: [],
      };
    case 'relationshipScan':
      return { operator: 'FullScan', detail: 'over all relationships (no usable index)', estimatedRows: a.estimate, children: [] };
    default:
      return assertNever(a);
  }
}

function stageNode(stage: Stage, scope: Scope, child: ExplainNode | undefined): ExplainNode {
  let node: ExplainNode;
  if (stage.kind === 'access') node = accessNode(stage.access, scope);
  else {
    const x = stage.expansion;
    const e = x.edge;
    const name = (slot: number) => (scope.bindings[slot]!.visible ? scope.bindings[slot]!.name : '');
    const edgeText = printEdge(
      {
        direction: e.direction === 'out' ? 'right' : e.direction === 'in' ? 'left' : 'any',
        variable: e.relSlot !== undefined ? { name: scope.bindings[e.relSlot]!.name, pos: e.pos } : undefined,
        names: e.names,
        hops:
          e.minHops === 1 && e.maxHops === 1
            ? undefined
            : e.minHops === e.maxHops
              ? { kind: 'exact', count: e.minHops, pos: e.pos }
              : { kind: 'range', from: e.minHops > 1 ? e.minHops - 1 : undefined, to: e.maxHops, pos: e.pos },
        pos: e.pos,
      },
      name(e.fromSlot),
      name(e.toSlot),
    );
    const index = x.via === 'both' ? 'outgoing and incoming indexes' : `${x.via} index`;
    const detail = `${edgeText} from ${name(x.fromSlot) || 'anonymous twin'} via ${index}${x.toBound ? ', back to a bound twin' : ''}`;
    node = { operator: 'Expand', detail, children: child ? [child] : [] };
  }
  if (stage.filters.length === 0) return node;
  return { operator: 'Filter', detail: stage.filters.map((f) => printExpr(f.expr)).join(' AND '), children: [node] };
}

export function explainPlan(plan: Plan): ExplainNode {
  const { scope, query, columns } = plan.analysis;
  let node: ExplainNode | undefined;
  for (const stage of plan.stages) {
    node = stageNode(stage, scope, node);
  }
  let root = node!;
  const wrap = (operator: string, detail: string) => {
    root = { operator, detail, children: [root] };
  };
  if (plan.countShortcut) {
    return {
      operator: 'CountFromIndex',
      detail: `${columns![0]!.name} from index sizes, no documents read`,
      children: [accessNode((plan.stages[0] as Extract<Stage, { kind: 'access' }>).access, scope)],
    };
  }
  if (plan.distinct) wrap('Distinct', 'rows with the same named twins and relationship variables are returned once');
  if (plan.analysis.grouped) {
    const by = query.groupBy ? `GROUP BY ${query.groupBy.map(printExpr).join(', ')}` : 'all rows as one group';
    wrap('Aggregate', `${columns!.map((c) => printExpr(c.item.expr)).join(', ')}; ${by}`);
  } else {
    const cols = columns?.map((c) => {
      const text = printExpr(c.item.expr);
      return text === c.name ? text : `${text} AS ${c.name}`;
    });
    wrap('Project', cols ? cols.join(', ') : '*');
  }
  if (query.orderBy) wrap('Sort', query.orderBy.map((o) => `${printExpr(o.expr)} ${o.descending ? 'DESC' : 'ASC'}`).join(', '));
  if (query.select.top) wrap('Top', String(query.select.top.count));
  return root;
}

export function formatExplain(node: ExplainNode, depth = 0): string {
  const est = node.estimatedRows !== undefined ? ` (est. ${node.estimatedRows} row${node.estimatedRows === 1 ? '' : 's'})` : '';
  const line = `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${node.operator}: ${node.detail}${est}`;
  return [line, ...node.children.map((c) => formatExplain(c, depth + 1))].join('\n');
}
