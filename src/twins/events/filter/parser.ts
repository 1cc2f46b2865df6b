/**
 * Recursive-descent parser for event-route filters:
 *   filter  := or
 *   or      := and ("OR" and)*
 *   and     := unary ("AND" unary)*
 *   unary   := "NOT" unary | primary
 *   primary := "(" or ")" | operand (compareOp operand)?
 *   operand := literal | attribute | "$body" ("." name)* | FUNCTION "(" operand ("," operand)* ")"
 * Keywords and function names are case-insensitive; attribute names and values are not (ADT:
 * "Filters are case-sensitive and need to match the payload case").
 */
import { ATTRIBUTES, FUNCTIONS, type CompareOp, type FilterExpr, type FilterFunction } from './ast.js';
import { filterError, lex, type Token } from './lexer.js';

const MAX_LENGTH = 4096;

export function parseFilter(text: string): FilterExpr {
  if (typeof text !== 'string' || text.trim() === '') throw filterError(String(text), 0, 'the filter is empty (use true to route everything)');
  if (text.length > MAX_LENGTH) throw filterError(text, MAX_LENGTH, `the filter is longer than ${MAX_LENGTH} characters`);
  const p = new Parser(text, lex(text));
  const expr = p.or();
  p.expectEof();
  return expr;
}

const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isWord(upper: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toUpperCase() === upper;
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  private fail(message: string): never {
    throw filterError(this.text, this.peek().at, message);
  }

  expectEof(): void {
    if (this.peek().kind !== 'eof') this.fail(`expected AND, OR or the end of the filter, found ${describe(this.peek())}`);
  }

  or(): FilterExpr {
    let left = this.and();
    while (this.isWord('OR')) {
      this.next();
      left = { kind: 'logical', op: 'OR', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterExpr {
    let left = this.unary();
    while (this.isWord('AND')) {
      this.next();
      left = { kind: 'logical', op: 'AND', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterExpr {
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterExpr {
    if (++this.depth > 50) this.fail('the filter is nested too deeply');
    try {
      if (this.isPunct('(')) {
        this.next();
        const inner = this.or();
        if (!this.isPunct(')')) this.fail(`expected ')', found ${describe(this.peek())}`);
        this.next();
        return inner;
      }
      const left = this.operand();
      const t = this.peek();
      if (t.kind === 'punct' && COMPARE.has(t.text)) {
        this.next();
        return { kind: 'compare', op: t.text as CompareOp, left, right: this.operand() };
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private operand(): FilterExpr {
    const t = this.next();
    switch (t.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: t.value };
      case 'word': {
        const upper = t.text.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
        if (upper === 'NULL') return { kind: 'literal', value: null };
        if ((FUNCTIONS as readonly string[]).includes(upper)) return this.call(upper as FilterFunction);
        if (t.text === '$body') return { kind: 'body', path: this.members() };
        if ((ATTRIBUTES as readonly string[]).includes(t.text)) return { kind: 'attribute', name: t.text };
        throw filterError(this.text, t.at, `unknown name '${t.text}' (attributes: ${ATTRIBUTES.join(', ')}; data: $body.<property>; functions: ${FUNCTIONS.join(', ')})`);
      }
      default:
        throw filterError(this.text, t.at, `expected a value, an attribute, $body or a function, found ${describe(t)}`);
    }
  }

  private members(): string[] {
    const path: string[] = [];
    while (this.isPunct('.')) {
      this.next();
      const t = this.next();
      if (t.kind !== 'word') throw filterError(this.text, t.at, `expected a property name after '.', found ${describe(t)}`);
      path.push(t.text);
    }
    return path;
  }

  private call(name: FilterFunction): FilterExpr {
    if (!this.isPunct('(')) this.fail(`expected '(' after ${name}`);
    this.next();
    const args = [this.operand()];
    while (this.isPunct(',')) {
      this.next();
      args.push(this.operand());
    }
    if (!this.isPunct(')')) this.fail(`expected ',' or ')' in ${name}(...)`);
    this.next();
    if (args.length !== 2) throw filterError(this.text, this.peek().at, `${name} takes 2 arguments, got ${args.length}`);
    return { kind: 'call', name, args };
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the filter';
    case 'string':
      return `'${t.value}'`;
    case 'number':
      return String(t.value);
    case 'word':
      return `'${t.text}'`;
    case 'punct':
      return `'${t.text}'`;
  }
}
