/**
 * Lexer for the Azure Digital Twins query language (plus Twinworks extensions).
 * Words are emitted as `word` tokens and recognised as keywords by the parser, case-insensitively
 * (ADT reference, FROM clause: "FROM DIGITALTWINS (not case sensitive)"). A word written as
 * `[[word]]` is `escaped` and is never a keyword (ADT reference, Reserved keywords).
 */
import { QueryErrors, describePosition, type Position } from './errors.js';

export type Punct =
  | '(' | ')' | '[' | ']' | ',' | '.' | '..' | '*' | '|' | ':'
  | '=' | '!=' | '<' | '>' | '<=' | '>=' | '->' | '<-' | '-';

export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly upper: string; readonly escaped: boolean; readonly pos: Position; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Position; readonly end: number }
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly pos: Position; readonly end: number }
  | { readonly kind: 'punct'; readonly value: Punct; readonly pos: Position; readonly end: number }
  | { readonly kind: 'eof'; readonly pos: Position; readonly end: number };

const WORD_START = /[A-Za-z_$]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;
// Longest match first, so `<=` wins over `<` and `..` over `.`.
const PUNCTS: readonly Punct[] = ['..', '!=', '<=', '>=', '->', '<-', '(', ')', '[', ']', ',', '.', '*', '|', ':', '=', '<', '>', '-'];
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', "'": "'", '"': '"' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const posAt = (offset: number): Position => ({ offset, line, column: offset - lineStart + 1 });
  const fail = (at: Position, expected: string[], found: string): never => {
    throw QueryErrors.create('syntax_error', `Expected ${expected.join(' or ')} at ${describePosition(at)}, found ${found}`, {
      position: at,
      expected,
      found,
    });
  };

  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const pos = posAt(i);
    if (c === '[' && text[i + 1] === '[') {
      const close = text.indexOf(']]', i + 2);
      const inner = close < 0 ? '' : text.slice(i + 2, close);
      // Only a non-empty run without brackets, quotes or line breaks is an escaped name;
      // anything else is two '[' tokens (a nested list, which the parser then rejects).
      if (inner.length > 0 && !/[[\]'"\n]/.test(inner)) {
        tokens.push({ kind: 'word', text: inner, upper: inner.toUpperCase(), escaped: true, pos, end: close + 2 });
        i = close + 2;
        continue;
      }
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD_PART.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'word', text: word, upper: word.toUpperCase(), escaped: false, pos, end: j });
      i = j;
      continue;
    }
    if (DIGIT.test(c)) {
      let j = i;
      while (j < text.length && DIGIT.test(text[j] as string)) j++;
      // A '.' belongs to the number only when a digit follows: `1..3` is 1, '..', 3.
      if (text[j] === '.' && DIGIT.test(text[j + 1] ?? '')) {
        j++;
        while (j < text.length && DIGIT.test(text[j] as string)) j++;
      }
      if ((text[j] === 'e' || text[j] === 'E') && /[0-9]/.test(text[j + 1] === '+' || text[j + 1] === '-' ? (text[j + 2] ?? '') : (text[j + 1] ?? ''))) {
        j += text[j + 1] === '+' || text[j + 1] === '-' ? 2 : 1;
        while (j < text.length && DIGIT.test(text[j] as string)) j++;
      }
      const raw = text.slice(i, j);
      tokens.push({ kind: 'number', value: Number(raw), raw, pos, end: j });
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        const d = text[j];
        if (d === undefined || d === '\n') fail(posAt(j), [`closing ${c}`], d === undefined ? 'end of query' : 'line break');
        if (d === c) break;
        if (d === '\\') {
          const e = text[j + 1] ?? '';
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
            value += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          const mapped = ESCAPES[e];
          if (mapped === undefined) fail(posAt(j), ['a valid escape (\\\\, \\\', \\", \\n, \\t, \\r, \\b, \\f, \\/, \\uXXXX)'], `'\\${e}'`);
          value += mapped;
          j += 2;
          continue;
        }
        value += d;
        j++;
      }
      tokens.push({ kind: 'string', value, pos, end: j + 1 });
      i = j + 1;
      continue;
    }
    const punct = PUNCTS.find((p) => text.startsWith(p, i));
    if (punct === undefined) fail(pos, ['a word, number, string or operator'], `'${c}'`);
    tokens.push({ kind: 'punct', value: punct as Punct, pos, end: i + (punct as Punct).length });
    i += (punct as Punct).length;
  }
  tokens.push({ kind: 'eof', pos: posAt(i), end: i });
  return tokens;
}

/** How a token is quoted in error messages: `'WHERE'`, `'5'`, `end of query`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'word':
      return t.escaped ? `'[[${t.text}]]'` : `'${t.text}'`;
    case 'string':
      return `string '${t.value}'`;
    case 'number':
      return `'${t.raw}'`;
    case 'punct':
      return `'${t.value}'`;
    case 'eof':
      return 'end of query';
    default:
      return assertNever(t);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(x)}`);
}
