/**
 * A cursor over tokens that remembers every alternative the parser tried at the current token,
 * so a syntax error can say everything that would have been accepted there
 * ("Expected ',', AS or FROM at line 1, column 12, found 'WHERE'").
 */
import type { AliasDecl } from './ast.js';
import { QueryErrors, describePosition, type Position } from './errors.js';
import { describeToken, type Punct, type Token } from './lexer.js';

/**
 * ADT reference, "Reserved keywords": these cannot be identifiers unless escaped as [[word]].
 * After a '.', any word is accepted as a property name (there is no ambiguity there).
 */
export const RESERVED = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'AVG', 'BY', 'COUNT', 'DESC', 'DEVICES_JOBS', 'DEVICES_MODULES', 'DEVICES',
  'ENDS_WITH', 'FALSE', 'FROM', 'GROUP', 'IN', 'IS_BOOL', 'IS_DEFINED', 'IS_NULL', 'IS_NUMBER', 'IS_OBJECT',
  'IS_PRIMITIVE', 'IS_STRING', 'MAX', 'MIN', 'NOT', 'NOT_IN', 'NULL', 'OR', 'ORDER', 'SELECT', 'STARTS_WITH',
  'SUM', 'TOP', 'TRUE', 'WHERE', 'IS_OF_MODEL',
]);

/** Words that end an optional alias even though ADT does not reserve them. */
const CLAUSE_WORDS = new Set(['JOIN', 'MATCH', 'RELATED']);

export class TokenCursor {
  private index = 0;
  private expected: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  get pos(): Position {
    return this.peek().pos;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    this.expected = [];
    return t;
  }

  /** True when the current token is the (unescaped) keyword; records it as expected otherwise. */
  isWord(upper: string): boolean {
    const t = this.peek();
    if (t.kind === 'word' && !t.escaped && t.upper === upper) return true;
    this.note(upper);
    return false;
  }

  acceptWord(upper: string): Token | undefined {
    return this.isWord(upper) ? this.next() : undefined;
  }

  expectWord(upper: string): Token {
    return this.acceptWord(upper) ?? this.fail();
  }

  isPunct(p: Punct): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === p) return true;
    this.note(`'${p}'`);
    return false;
  }

  acceptPunct(p: Punct): Token | undefined {
    return this.isPunct(p) ? this.next() : undefined;
  }

  expectPunct(p: Punct): Token {
    return this.acceptPunct(p) ?? this.fail();
  }

  /** An identifier: a word that is not reserved, or any escaped [[word]]. */
  acceptIdentifier(what: string, options: { allowClauseWords?: boolean } = {}): AliasDecl | undefined {
    const t = this.peek();
    if (
      t.kind === 'word' &&
      (t.escaped || (!RESERVED.has(t.upper) && (options.allowClauseWords === true || !CLAUSE_WORDS.has(t.upper))))
    ) {
      this.next();
      return { name: t.text, pos: t.pos };
    }
    this.note(what);
    return undefined;
  }

  expectIdentifier(what: string): AliasDecl {
    return this.acceptIdentifier(what, { allowClauseWords: true }) ?? this.fail();
  }

  /** Any word at all (property names after '.', relationship names). */
  expectAnyWord(what: string): AliasDecl {
    const t = this.peek();
    if (t.kind === 'word') {
      this.next();
      return { name: t.text, pos: t.pos };
    }
    this.note(what);
    return this.fail();
  }

  expectNumber(what: string): { value: number; pos: Position } {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { value: t.value, pos: t.pos };
    }
    this.note(what);
    return this.fail();
  }

  /**
   * `<-` is one token for MATCH, but in `T.x <-5` it means `<` then `-5`; the expression parser
   * calls this to split it in place.
   */
  splitLeftArrow(): void {
    const t = this.peek();
    if (t.kind !== 'punct' || t.value !== '<-') return;
    const minusPos: Position = { offset: t.pos.offset + 1, line: t.pos.line, column: t.pos.column + 1 };
    this.tokens.splice(
      this.index,
      1,
      { kind: 'punct', value: '<', pos: t.pos, end: t.pos.offset + 1 },
      { kind: 'punct', value: '-', pos: minusPos, end: t.end },
    );
  }

  note(what: string): void {
    if (!this.expected.includes(what)) this.expected.push(what);
  }

  fail(): never {
    const t = this.peek();
    return this.failAt(t.pos, this.expected.length > 0 ? [...this.expected] : ['something else'], describeToken(t));
  }

  failAt(position: Position, expected: readonly string[], found: string): never {
    throw QueryErrors.create('syntax_error', `Expected ${joinAlternatives(expected)} at ${describePosition(position)}, found ${found}`, {
      position,
      expected: [...expected],
      found,
    });
  }
}

export function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] as string}`;
}
