/**
 * Immutable AST of a query. Every node records where it starts in the text so later passes
 * (semantic checks, planner) can report errors with a position.
 */
import type { Position } from './errors.js';

export type Literal = string | number | boolean | null;

export interface Query {
  readonly kind: 'query';
  readonly explain: boolean;
  readonly select: SelectClause;
  readonly from: FromClause;
  readonly where?: Expr;
  /** Extension: GROUP BY. */
  readonly groupBy?: readonly Expr[];
  /** Extension: ORDER BY. */
  readonly orderBy?: readonly OrderItem[];
  readonly pos: Position;
}

export interface SelectClause {
  readonly top?: { readonly count: number; readonly pos: Position };
  readonly projection: Projection;
  readonly pos: Position;
}

export type Projection =
  | { readonly kind: 'star'; readonly pos: Position }
  | { readonly kind: 'items'; readonly items: readonly SelectItem[]; readonly pos: Position };

export interface SelectItem {
  readonly expr: PathExpr | AggregateExpr;
  /** `AS name`. */
  readonly alias?: string;
  readonly pos: Position;
}

export type FromClause = FromDigitalTwins | FromRelationships;

export interface FromDigitalTwins {
  readonly kind: 'fromDigitalTwins';
  readonly alias?: AliasDecl;
  readonly joins: readonly Join[];
  readonly match?: MatchPattern;
  readonly pos: Position;
}

export interface FromRelationships {
  readonly kind: 'fromRelationships';
  readonly alias?: AliasDecl;
  readonly pos: Position;
}

export interface AliasDecl {
  readonly name: string;
  readonly pos: Position;
}

/** `JOIN target RELATED source.relationshipName [relationshipAlias]` (ADT reference, JOIN clause). */
export interface Join {
  readonly kind: 'join';
  readonly target: AliasDecl;
  readonly source: AliasDecl;
  readonly relationshipName: string;
  readonly relationshipAlias?: AliasDecl;
  readonly pos: Position;
}

/** `MATCH (a)-[r:name1|name2*1..3]->(b)...` (ADT reference, MATCH clause). */
export interface MatchPattern {
  readonly kind: 'match';
  readonly nodes: readonly MatchNode[];
  /** edges[i] connects nodes[i] and nodes[i + 1]. */
  readonly edges: readonly MatchEdge[];
  readonly pos: Position;
}

export interface MatchNode {
  /** Undefined for an anonymous node `()`. */
  readonly name?: AliasDecl;
  readonly pos: Position;
}

export type EdgeDirection = 'right' | 'left' | 'any';

export interface MatchEdge {
  /** right: `-[]->` (left node is the source); left: `<-[]-`; any: `-[]-`. */
  readonly direction: EdgeDirection;
  readonly variable?: AliasDecl;
  /** Empty = any relationship name. */
  readonly names: readonly string[];
  readonly hops?: HopSpec;
  readonly pos: Position;
}

/**
 * The hop forms exactly as written. ADT reference, MATCH clause, "Specify number of hops":
 * `*n` = exactly n; `*a..b` = "the starting limit isn't included in the range, while the ending
 * limit is included"; `*..b` = 1 to b.
 */
export type HopSpec =
  | { readonly kind: 'exact'; readonly count: number; readonly pos: Position }
  | { readonly kind: 'range'; readonly from?: number; readonly to: number; readonly pos: Position };

export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly pos: Position;
}

export type Expr =
  | LiteralExpr
  | PathExpr
  | ComparisonExpr
  | InExpr
  | LogicalExpr
  | NotExpr
  | FunctionCallExpr
  | AggregateExpr;

export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: Literal;
  readonly pos: Position;
}

/** `a.b.c`: segments as written; the first may be an alias (decided by the semantic pass). */
export interface PathExpr {
  readonly kind: 'path';
  readonly segments: readonly string[];
  readonly pos: Position;
}

export type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export interface ComparisonExpr {
  readonly kind: 'comparison';
  readonly op: ComparisonOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: Position;
}

export interface InExpr {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly values: readonly LiteralExpr[];
  readonly pos: Position;
}

export interface LogicalExpr {
  readonly kind: 'logical';
  readonly op: 'AND' | 'OR';
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: Position;
}

export interface NotExpr {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly pos: Position;
}

export interface FunctionCallExpr {
  readonly kind: 'call';
  /** Upper-cased, with the older spellings STARTS_WITH/ENDS_WITH normalised. */
  readonly name: string;
  readonly args: readonly Expr[];
  /** IS_OF_MODEL's `exact` flag (a bare word, not an expression). */
  readonly exact: boolean;
  readonly pos: Position;
}

export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly name: AggregateName;
  /** Undefined for COUNT(). */
  readonly arg?: PathExpr;
  readonly pos: Position;
}
