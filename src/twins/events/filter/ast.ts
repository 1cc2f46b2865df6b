/**
 * AST of ADT event-route filters (ADT docs, "Create event routes and filters", Supported route
 * filters): `true`/`false`, comparisons of CloudEvents attributes (type, source, subject, id,
 * dataschema, datacontenttype, specversion, time, traceparent) and `$body.<path>` with literals,
 * AND / OR / parentheses (NOT as an extension), and STARTS_WITH / ENDS_WITH / CONTAINS.
 */

export type Literal = string | number | boolean | null;

export type FilterExpr =
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'attribute'; readonly name: string }
  /** `$body.a.b`: segments after `$body`; empty = the whole data. */
  | { readonly kind: 'body'; readonly path: readonly string[] }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'logical'; readonly op: 'AND' | 'OR'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'not'; readonly operand: FilterExpr }
  | { readonly kind: 'call'; readonly name: FilterFunction; readonly args: readonly FilterExpr[] };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type FilterFunction = 'STARTS_WITH' | 'ENDS_WITH' | 'CONTAINS';

export const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'traceparent'] as const;
export const FUNCTIONS: readonly FilterFunction[] = ['STARTS_WITH', 'ENDS_WITH', 'CONTAINS'];
