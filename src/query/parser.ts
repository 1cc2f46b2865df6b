/**
 * Parser: tokens → immutable AST. Grammar (ADT reference pages SELECT, FROM, JOIN, MATCH, WHERE;
 * EXPLAIN, GROUP BY and ORDER BY are Twinworks extensions):
 *
 *   query      := [EXPLAIN] SELECT select FROM from [WHERE expr] [GROUP BY operand {, operand}]
 *                 [ORDER BY operand [ASC|DESC] {, ...}]
 *   select     := [TOP '(' number ')'] ( '*' | item {',' item} | <nothing, after TOP> )
 *   item       := (path | aggregate) [AS identifier]
 *   from       := DIGITALTWINS [alias] ( {JOIN alias RELATED alias '.' name [alias]} | [MATCH pattern] )
 *               | RELATIONSHIPS [alias]
 *   pattern    := node {edge node}
 *   node       := '(' [identifier] ')' | identifier
 *   edge       := ('-' | '<-') '[' [variable] [':' name {'|' name}] ['*' hops] ']' ('-' | '->')
 *   hops       := number | number '..' number | '..' number
 */
import type {
  AliasDecl, FromClause, HopSpec, Join, MatchEdge, MatchNode, MatchPattern, OrderItem, Projection, Query, SelectClause, SelectItem,
} from './ast.js';
import { TokenCursor } from './cursor.js';
import { QueryErrors, describePosition } from './errors.js';
import { tokenize } from './lexer.js';
import { AGGREGATE_NAMES, parseAggregate, parseExpr, parseOperand, parsePath } from './parse-expr.js';

/** ADT service limits: "Number of characters in a query: 8,000". */
export const MAX_QUERY_LENGTH = 8000;

export function parse(text: string, options: { maxLength?: number } = {}): Query {
  const max = options.maxLength ?? MAX_QUERY_LENGTH;
  if (text.length > max) {
    const before = text.slice(0, max);
    const line = before.split('\n').length;
    const position = { offset: max, line, column: max - (before.lastIndexOf('\n') + 1) + 1 };
    throw QueryErrors.create('query_too_long', `The query has ${text.length} characters; at most ${max} are allowed`, {
      length: text.length,
      max,
      position,
    });
  }
  const c = new TokenCursor(tokenize(text));
  const start = c.pos;
  // EXPLAIN is a soft keyword: looked at directly so it is not listed in "Expected SELECT".
  const first = c.peek();
  const explain = first.kind === 'word' && !first.escaped && first.upper === 'EXPLAIN';
  if (explain) c.next();
  const select = parseSelect(c);
  c.expectWord('FROM');
  const from = parseFrom(c);
  const where = c.acceptWord('WHERE') ? parseExpr(c) : undefined;
  let groupBy: Query['groupBy'];
  if (c.acceptWord('GROUP')) {
    c.expectWord('BY');
    const items = [parseOperand(c)];
    while (c.acceptPunct(',')) items.push(parseOperand(c));
    groupBy = items;
  }
  let orderBy: OrderItem[] | undefined;
  if (c.acceptWord('ORDER')) {
    c.expectWord('BY');
    orderBy = [];
    do {
      const pos = c.pos;
      const expr = parseOperand(c);
      const descending = c.acceptWord('DESC') !== undefined;
      if (!descending) c.acceptWord('ASC');
      orderBy.push({ expr, descending, pos });
    } while (c.acceptPunct(','));
  }
  if (c.peek().kind !== 'eof') {
    c.note('end of query');
    c.fail();
  }
  return { kind: 'query', explain, select, from, where, groupBy, orderBy, pos: start };
}

function parseSelect(c: TokenCursor): SelectClause {
  const selectTok = c.expectWord('SELECT');
  let top: SelectClause['top'];
  const topTok = c.acceptWord('TOP');
  if (topTok) {
    c.expectPunct('(');
    const n = c.expectNumber('a number');
    c.expectPunct(')');
    top = { count: n.value, pos: n.pos };
  }
  const star = c.acceptPunct('*');
  let projection: Projection;
  if (star) projection = { kind: 'star', pos: star.pos };
  else if (top && c.isWord('FROM')) projection = { kind: 'star', pos: c.pos }; // `SELECT TOP(5) FROM ...`
  else {
    const pos = c.pos;
    const items = [parseSelectItem(c)];
    while (c.acceptPunct(',')) items.push(parseSelectItem(c));
    projection = { kind: 'items', items, pos };
  }
  return { top, projection, pos: selectTok.pos };
}

function parseSelectItem(c: TokenCursor): SelectItem {
  const t = c.peek();
  const next = c.peek(1);
  const isAggregate =
    t.kind === 'word' && !t.escaped && AGGREGATE_NAMES.has(t.upper as never) && next.kind === 'punct' && next.value === '(';
  const expr = isAggregate ? parseAggregate(c) : parsePath(c);
  const alias = c.acceptWord('AS') ? c.expectIdentifier('a column name').name : undefined;
  return { expr, alias, pos: t.pos };
}

function parseFrom(c: TokenCursor): FromClause {
  const pos = c.pos;
  if (c.acceptWord('RELATIONSHIPS')) {
    const alias = c.acceptIdentifier('an alias');
    // ADT FROM reference: "The FROM RELATIONSHIPS feature cannot be combined with JOIN."
    if (isWordAhead(c, 'JOIN') || isWordAhead(c, 'MATCH')) {
      throw QueryErrors.create('invalid_join', `FROM RELATIONSHIPS cannot be combined with JOIN or MATCH (at ${describePosition(c.pos)})`, {
        position: c.pos,
      });
    }
    return { kind: 'fromRelationships', alias, pos };
  }
  if (!c.acceptWord('DIGITALTWINS')) return c.fail();
  const alias = c.acceptIdentifier('an alias');
  const joins: Join[] = [];
  for (;;) {
    const joinTok = c.acceptWord('JOIN');
    if (!joinTok) break;
    const target = c.expectIdentifier('an alias for the related twins');
    c.expectWord('RELATED');
    const source = c.expectIdentifier('the alias of the source twins');
    c.expectPunct('.');
    const rel = c.expectAnyWord('a relationship name');
    const relationshipAlias = c.acceptIdentifier('an alias for the relationships');
    joins.push({ kind: 'join', target, source, relationshipName: rel.name, relationshipAlias, pos: joinTok.pos });
  }
  let match: MatchPattern | undefined;
  const matchTok = joins.length === 0 ? c.acceptWord('MATCH') : undefined;
  if (matchTok) match = parseMatch(c, matchTok.pos);
  if (isWordAhead(c, 'MATCH') || (match && isWordAhead(c, 'JOIN'))) {
    // ADT MATCH reference: "Only one MATCH expression is supported per query statement."
    const why = match ? 'only one MATCH, and no JOIN with MATCH, is allowed per query' : 'MATCH cannot be combined with JOIN';
    throw QueryErrors.create('invalid_match', `${why} (at ${describePosition(c.pos)})`, { position: c.pos });
  }
  return { kind: 'fromDigitalTwins', alias, joins, match, pos };
}

function isWordAhead(c: TokenCursor, upper: string): boolean {
  const t = c.peek();
  return t.kind === 'word' && !t.escaped && t.upper === upper;
}

function parseMatch(c: TokenCursor, pos: MatchPattern['pos']): MatchPattern {
  const nodes: MatchNode[] = [parseNode(c)];
  const edges: MatchEdge[] = [];
  for (;;) {
    const leftArrow = c.acceptPunct('<-');
    const dash = leftArrow ? undefined : c.acceptPunct('-');
    if (!leftArrow && !dash) break;
    const edgePos = (leftArrow ?? dash)!.pos;
    c.expectPunct('[');
    const spec = parseEdgeSpec(c);
    c.expectPunct(']');
    let direction: MatchEdge['direction'];
    if (leftArrow) {
      // ADT reference, MATCH: one arrow per edge; `<-[]->` is not allowed.
      c.expectPunct('-');
      direction = 'left';
    } else if (c.acceptPunct('->')) direction = 'right';
    else {
      c.expectPunct('-');
      direction = 'any';
    }
    edges.push({ direction, ...spec, pos: edgePos });
    nodes.push(parseNode(c));
  }
  return { kind: 'match', nodes, edges, pos };
}

function parseNode(c: TokenCursor): MatchNode {
  const pos = c.pos;
  if (c.acceptPunct('(')) {
    const name = c.acceptIdentifier('a twin name', { allowClauseWords: true });
    c.expectPunct(')');
    return { name, pos };
  }
  // The limitations example in the ADT MATCH reference writes nodes without parentheses.
  return { name: c.expectIdentifier('a twin name or \'(\''), pos };
}

function parseEdgeSpec(c: TokenCursor): { variable?: AliasDecl; names: string[]; hops?: HopSpec } {
  let variable = c.acceptIdentifier('a relationship variable', { allowClauseWords: true });
  const names: string[] = [];
  if (variable && c.isPunct('|')) {
    // `[has|includes*..3]` (ADT MATCH reference, chained example) is a name list without ':'.
    names.push(variable.name);
    variable = undefined;
    while (c.acceptPunct('|')) names.push(c.expectAnyWord('a relationship name').name);
  } else if (c.acceptPunct(':')) {
    names.push(c.expectAnyWord('a relationship name').name);
    while (c.acceptPunct('|')) names.push(c.expectAnyWord('a relationship name').name);
  }
  let hops: HopSpec | undefined;
  const star = c.acceptPunct('*');
  if (star) {
    if (c.acceptPunct('..')) hops = { kind: 'range', to: c.expectNumber('a hop count').value, pos: star.pos };
    else {
      const first = c.expectNumber('a hop count');
      if (c.acceptPunct('..')) hops = { kind: 'range', from: first.value, to: c.expectNumber('a hop count').value, pos: star.pos };
      else hops = { kind: 'exact', count: first.value, pos: star.pos };
    }
  }
  return { variable, names, hops };
}
