/**
 * AST of IoT Hub's message routing query language ("IoT Hub message routing query syntax"):
 * Boolean expressions over system properties (`$contentType`), application properties (`line`),
 * the JSON body (`$body.a.b`) and the device twin (`$twin.tags.x`, `$twin.properties.desired.y`).
 * Immutable; every node keeps its source offset for error messages.
 */

export type Literal = string | number | boolean | null;

export type BinaryOp = 'AND' | 'OR' | '=' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export const FUNCTIONS = {
  // Mathematical
  ABS: [1, 1],
  EXP: [1, 1],
  POWER: [2, 2],
  SQUARE: [1, 1],
  CEILING: [1, 1],
  FLOOR: [1, 1],
  SIGN: [1, 1],
  SQRT: [1, 1],
  // Type checking
  AS_NUMBER: [1, 1],
  IS_ARRAY: [1, 1],
  IS_BOOL: [1, 1],
  IS_DEFINED: [1, 1],
  IS_NULL: [1, 1],
  IS_NUMBER: [1, 1],
  IS_OBJECT: [1, 1],
  IS_PRIMITIVE: [1, 1],
  IS_STRING: [1, 1],
  // String
  CONCAT: [2, 16],
  LENGTH: [1, 1],
  LOWER: [1, 1],
  UPPER: [1, 1],
  SUBSTRING: [3, 3],
  INDEX_OF: [2, 2],
  STARTS_WITH: [2, 2],
  ENDS_WITH: [2, 2],
  CONTAINS: [2, 2],
} as const satisfies Record<string, readonly [number, number]>;

export type FunctionName = keyof typeof FUNCTIONS;

export function isFunctionName(s: string): s is FunctionName {
  return Object.hasOwn(FUNCTIONS, s);
}

export type Expr =
  | { readonly kind: 'literal'; readonly value: Literal; readonly pos: number }
  /** Application property: a bare identifier. */
  | { readonly kind: 'app'; readonly name: string; readonly pos: number }
  /** System property: `$name`, stored by its IoT Hub key (e.g. `content-type`). */
  | { readonly kind: 'system'; readonly key: string; readonly pos: number }
  /** `$body` followed by member names / indexes. */
  | { readonly kind: 'body'; readonly path: readonly (string | number)[]; readonly pos: number }
  /** `$twin.tags…` or `$twin.properties.desired|reported…`; path starts after `$twin`. */
  | { readonly kind: 'twin'; readonly path: readonly string[]; readonly pos: number }
  | { readonly kind: 'not'; readonly operand: Expr; readonly pos: number }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly pos: number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: number }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly Expr[]; readonly pos: number };
