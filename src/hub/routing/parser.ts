/**
 * Recursive-descent parser for routing queries. Precedence, lowest first:
 *   OR < AND < NOT < comparison (= != <> < > <= >=) < + - < * / % < unary minus < primary
 * Errors are hub.invalid_route_query with the offset of the offending token.
 */
import { FUNCTIONS, isFunctionName, type BinaryOp, type Expr } from './ast.js';
import { syntaxError, tokenize, type Token } from './lexer.js';

/** Query names of system properties → the IoT Hub system property keys messages carry. */
const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  contenttype: 'content-type',
  contentencoding: 'content-encoding',
  connectiondeviceid: 'iothub-connection-device-id',
  connectionmoduleid: 'iothub-connection-module-id',
  connectionauthmethod: 'iothub-connection-auth-method',
  messageid: 'message-id',
  correlationid: 'correlation-id',
  userid: 'user-id',
  to: 'to',
  enqueuedtime: 'iothub-enqueuedtime',
  creationtimeutc: 'iothub-creation-time-utc',
  messagesource: 'iothub-message-source',
  interfacename: 'dt-subject',
};

export function systemKey(name: string): string {
  const lower = name.toLowerCase();
  return SYSTEM_ALIASES[lower] ?? lower;
}

class Parser {
  private i = 0;
  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    return this.tokens[this.i++] as Token;
  }

  private keyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === 'ident' && t.value.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private punct(value: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === value) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(value: string, what: string): void {
    if (!this.punct(value)) throw syntaxError(this.query, this.peek().pos, `expected ${what}`);
  }

  parse(): Expr {
    if (this.peek().kind === 'eof') throw syntaxError(this.query, 0, 'empty query');
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') throw syntaxError(this.query, t.pos, 'expected AND, OR or the end of the query');
    return e;
  }

  private or(): Expr {
    let left = this.and();
    for (;;) {
      const pos = this.peek().pos;
      if (!this.keyword('OR')) return left;
      left = { kind: 'binary', op: 'OR', left, right: this.and(), pos };
    }
  }

  private and(): Expr {
    let left = this.not();
    for (;;) {
      const pos = this.peek().pos;
      if (!this.keyword('AND')) return left;
      left = { kind: 'binary', op: 'AND', left, right: this.not(), pos };
    }
  }

  private not(): Expr {
    const pos = this.peek().pos;
    if (this.keyword('NOT')) return { kind: 'not', operand: this.not(), pos };
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '=' || t.value === '!=' || t.value === '<' || t.value === '>' || t.value === '<=' || t.value === '>=')) {
      this.i++;
      return { kind: 'binary', op: t.value, left, right: this.additive(), pos: t.pos };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-')) return left;
      this.i++;
      left = { kind: 'binary', op: t.value as BinaryOp, left, right: this.multiplicative(), pos: t.pos };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.i++;
      left = { kind: 'binary', op: t.value as BinaryOp, left, right: this.unary(), pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.value === '-') {
      this.i++;
      return { kind: 'negate', operand: this.unary(), pos: t.pos };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: t.value, pos: t.pos };
      case 'dollar':
        return this.dollar(t.value, t.pos);
      case 'ident': {
        const upper = t.value.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE', pos: t.pos };
        if (upper === 'NULL') return { kind: 'literal', value: null, pos: t.pos };
        if (upper === 'AND' || upper === 'OR' || upper === 'NOT') throw syntaxError(this.query, t.pos, `expected a value, found ${upper}`);
        if (this.punct('(')) return this.call(upper, t.pos);
        return { kind: 'app', name: t.value, pos: t.pos };
      }
      case 'punct':
        if (t.value === '(') {
          const e = this.or();
          this.expect(')', "')'");
          return e;
        }
        throw syntaxError(this.query, t.pos, `unexpected '${t.value}'`);
      case 'op':
        throw syntaxError(this.query, t.pos, `unexpected operator '${t.value}'`);
      case 'eof':
        throw syntaxError(this.query, t.pos, 'unexpected end of query');
      default: {
        const never: never = t;
        throw new Error(`unhandled token ${JSON.stringify(never)}`);
      }
    }
  }

  private call(name: string, pos: number): Expr {
    if (!isFunctionName(name)) throw syntaxError(this.query, pos, `unknown function ${name}`);
    const args: Expr[] = [];
    if (!this.punct(')')) {
      do args.push(this.or());
      while (this.punct(','));
      this.expect(')', "')' or ','");
    }
    const [min, max] = FUNCTIONS[name];
    if (args.length < min || args.length > max) throw syntaxError(this.query, pos, `${name} takes ${min === max ? min : `${min} to ${max}`} argument(s), not ${args.length}`);
    return { kind: 'call', name, args, pos };
  }

  /** `.name` and `[index]` / `['name']` steps after `$body` or `$twin`. */
  private path(): Array<string | number> {
    const out: Array<string | number> = [];
    for (;;) {
      if (this.punct('.')) {
        const t = this.next();
        if (t.kind !== 'ident') throw syntaxError(this.query, t.pos, "expected a member name after '.'");
        out.push(t.value);
      } else if (this.punct('[')) {
        const t = this.next();
        if (t.kind === 'number' && Number.isInteger(t.value) && t.value >= 0) out.push(t.value);
        else if (t.kind === 'string') out.push(t.value);
        else throw syntaxError(this.query, t.pos, "expected an index or a quoted name inside '[ ]'");
        this.expect(']', "']'");
      } else return out;
    }
  }

  private dollar(name: string, pos: number): Expr {
    const lower = name.toLowerCase();
    if (lower === 'body') return { kind: 'body', path: this.path(), pos };
    if (lower === 'twin') {
      const path = this.path().map(String);
      const [head, section] = path;
      const ok = head === 'tags' || (head === 'properties' && (section === 'desired' || section === 'reported'));
      if (!ok) throw syntaxError(this.query, pos, '$twin must be followed by .tags or .properties.desired / .properties.reported');
      return { kind: 'twin', path, pos };
    }
    return { kind: 'system', key: systemKey(name), pos };
  }
}

export function parseRouteQuery(query: string): Expr {
  return new Parser(query, tokenize(query)).parse();
}
