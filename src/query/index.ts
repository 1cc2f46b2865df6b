/**
 * The query context: the Azure Digital Twins query language (SELECT/FROM/JOIN/MATCH/WHERE, functions,
 * TOP, COUNT, continuation tokens) with Twinworks extensions (GROUP BY, aggregates, ORDER BY, EXPLAIN),
 * executed over the GraphReader port with indexes. See docs/query.md.
 */
import { analyze, type Analysis, type AnalyzeOptions } from './analyze.js';
import type { Query } from './ast.js';
import { continuationState, executePlan, type ExecuteOptions, type QueryPage } from './executor.js';
import { explainPlan, formatExplain, type ExplainNode } from './explain.js';
import { parse } from './parser.js';
import { plan as buildPlan, type Plan, type PlanOptions } from './planner.js';
import type { GraphReader } from './port.js';

export type { Query, Expr } from './ast.js';
export type { Position } from './errors.js';
export { QueryErrors } from './errors.js';
export type { GraphReader, TwinDocument, RelationshipDocument, IdCollection, IndexableValue } from './port.js';
export type { ExplainNode } from './explain.js';
export type { QueryPage } from './executor.js';
export type { Plan } from './planner.js';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from './executor.js';
export { MemoryGraph, type MemoryGraphOptions, type ModelDeclaration } from './testing/memory-graph.js';

export interface QueryOptions extends AnalyzeOptions, ExecuteOptions {}

/** Text → AST; throws query.syntax_error with the position and what was expected there. */
export function parseQuery(text: string): Query {
  return parse(text);
}

/** Semantic checks, then a plan that starts from the most selective index of `reader`. */
export function planQuery(ast: Query, reader: GraphReader, options: AnalyzeOptions & PlanOptions = {}): Plan {
  const analysis: Analysis = analyze(ast, options);
  return buildPlan(analysis, reader, options);
}

/**
 * One page of results, shaped like ADT's Query API: `{ value, continuationToken?, charge }`.
 * Pass the returned token back (with the same query text) for the next page.
 * A query starting with EXPLAIN returns its plan as the only value.
 */
export function executeQuery(text: string, reader: GraphReader, options: QueryOptions = {}): QueryPage {
  // A later page must start from the same index as the first, even if a better one appeared since.
  const state = continuationState(text, options);
  const preferAccess = state?.kind === 'stream' ? state.access : undefined;
  return executePlan(text, planQuery(parseQuery(text), reader, { ...options, preferAccess }), reader, options);
}

/** The plan as a tree and as indented text (the EXPLAIN output). */
export function explainQuery(text: string, reader: GraphReader, options: AnalyzeOptions = {}): { plan: ExplainNode; text: string } {
  const tree = explainPlan(planQuery(parseQuery(text), reader, options));
  return { plan: tree, text: formatExplain(tree) };
}
