/**
 * Error catalogue of the query context. Codes are stable; never rename one.
 * Every error raised while reading a query carries `details.position` ({offset, line, column},
 * 1-based line and column) so a client can point at the offending text.
 */
import { defineErrors } from '../shared/errors.js';

export const QueryErrors = defineErrors('query', {
  syntax_error: { kind: 'invalid', title: 'The query text does not follow the grammar' },
  query_too_long: { kind: 'invalid', title: 'The query text is longer than allowed' },
  unknown_alias: { kind: 'invalid', title: 'The query refers to a collection alias that is not defined' },
  duplicate_alias: { kind: 'invalid', title: 'The same alias is defined twice' },
  ambiguous_collection: { kind: 'invalid', title: 'The query must say which collection is meant' },
  invalid_join: { kind: 'invalid', title: 'The JOIN clause is not allowed here' },
  too_many_joins: { kind: 'invalid', title: 'The query has more JOINs than allowed' },
  invalid_match: { kind: 'invalid', title: 'The MATCH pattern is not allowed' },
  invalid_hops: { kind: 'invalid', title: 'The hop count or range of a MATCH edge is invalid' },
  too_many_hops: { kind: 'invalid', title: 'The MATCH pattern spans more hops than allowed' },
  invalid_select: { kind: 'invalid', title: 'The SELECT clause is not allowed in this query' },
  duplicate_column: { kind: 'invalid', title: 'Two projected columns would have the same name' },
  invalid_top: { kind: 'invalid', title: 'TOP needs a positive whole number' },
  too_many_values: { kind: 'invalid', title: 'An IN/NIN list has more values than allowed' },
  invalid_function_call: { kind: 'invalid', title: 'A function is called with the wrong arguments' },
  invalid_aggregate: { kind: 'invalid', title: 'An aggregate or GROUP BY is used incorrectly' },
  dtid_required: { kind: 'invalid', title: 'ADT-strict mode: JOIN and MATCH need a $dtId filter' },
  extension_not_allowed: { kind: 'invalid', title: 'ADT-strict mode: this is a Twinworks extension' },
  invalid_page_size: { kind: 'invalid', title: 'The page size is outside the allowed range' },
  invalid_continuation: { kind: 'invalid', title: 'The continuation token is malformed or belongs to another query' },
  too_expensive: { kind: 'too_large', title: 'The query touched more data than its budget allows' },
});

/** Where in the query text something is; line and column are 1-based, offset is 0-based. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export function describePosition(p: Position): string {
  return `line ${p.line}, column ${p.column}`;
}
