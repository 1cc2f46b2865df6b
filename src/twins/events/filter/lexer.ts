/** Tokens of the event-route filter language (see ast.ts). */
import { TwinsErrors } from '../../errors.js';

export type Token =
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | ',' | '.' | '=' | '!=' | '<' | '<=' | '>' | '>='; readonly at: number }
  | { readonly kind: 'eof'; readonly at: number };

export function filterError(filter: string, at: number, message: string): Error {
  return TwinsErrors.create('event_route_filter_invalid', `Filter ${JSON.stringify(filter)} at position ${at + 1}: ${message}`, { filter, position: at + 1 });
}

const WORD_START = /[A-Za-z_$]/;
const WORD = /[A-Za-z0-9_$]/;

export function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw filterError(text, start, 'the string is not closed');
        const d = text[i] as string;
        if (d === c) {
          // A doubled quote inside a string is one quote character.
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      out.push({ kind: 'string', value, at: start });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ kind: 'number', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      out.push({ kind: 'word', text: text.slice(start, i), at: start });
    } else if (c === '!' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ kind: 'punct', text: two, at: i });
        i += 2;
      } else if (c === '!') {
        throw filterError(text, i, "'!' must be followed by '='");
      } else {
        out.push({ kind: 'punct', text: c as '<' | '>', at: i++ });
      }
    } else if (c === '(' || c === ')' || c === ',' || c === '.' || c === '=') {
      out.push({ kind: 'punct', text: c, at: i++ });
    } else {
      throw filterError(text, i, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  out.push({ kind: 'eof', at: text.length });
  return out;
}
