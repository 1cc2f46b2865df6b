/**
 * Tokens of the routing query language. Keywords (AND, OR, NOT, TRUE, FALSE, NULL) and function
 * names are case-insensitive; property names are case-sensitive. Strings take single or double
 * quotes, with a doubled quote or a backslash as escape.
 */
import { HubErrors } from '../errors.js';

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'ident'; readonly value: string; readonly pos: number }
  /** `$name` (value without the dollar sign). */
  | { readonly kind: 'dollar'; readonly value: string; readonly pos: number }
  | { readonly kind: 'op'; readonly value: '=' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%'; readonly pos: number }
  | { readonly kind: 'punct'; readonly value: '(' | ')' | ',' | '.' | '[' | ']'; readonly pos: number }
  | { readonly kind: 'eof'; readonly pos: number };

export function syntaxError(query: string, pos: number, message: string): Error {
  const near = query.slice(pos, pos + 12);
  return HubErrors.create('invalid_route_query', `${message} at offset ${pos}${near ? ` (near '${near}')` : ''}`, { query, position: pos });
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DOLLAR_PART = /[A-Za-z0-9_-]/;

export function tokenize(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const pos = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= query.length) throw syntaxError(query, pos, 'unterminated string');
        const d = query[i] as string;
        if (d === '\\' && i + 1 < query.length) {
          value += query[i + 1];
          i += 2;
        } else if (d === c) {
          if (query[i + 1] === c) {
            value += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += d;
          i++;
        }
      }
      out.push({ kind: 'string', value, pos });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(query[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(query.slice(i)) as RegExpExecArray;
      out.push({ kind: 'number', value: Number(m[0]), pos });
      i += m[0].length;
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      if (!IDENT_START.test(query[j] ?? '')) throw syntaxError(query, pos, "'$' must be followed by a property name");
      while (j < query.length && DOLLAR_PART.test(query[j] as string)) j++;
      out.push({ kind: 'dollar', value: query.slice(i + 1, j), pos });
      i = j;
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < query.length && IDENT_PART.test(query[j] as string)) j++;
      out.push({ kind: 'ident', value: query.slice(i, j), pos });
      i = j;
      continue;
    }
    const two = query.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', value: two === '<>' ? '!=' : two, pos });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === '+' || c === '-' || c === '*' || c === '/' || c === '%') {
      out.push({ kind: 'op', value: c, pos });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.' || c === '[' || c === ']') {
      out.push({ kind: 'punct', value: c, pos });
      i++;
      continue;
    }
    throw syntaxError(query, pos, `unexpected character '${c}'`);
  }
  out.push({ kind: 'eof', pos: query.length });
  return out;
}
