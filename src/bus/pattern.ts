/**
 * Subscription patterns over event names, NATS-style (NATS docs "Subjects: Wildcards"):
 * tokens separated by `.`; `*` matches exactly one token; `>` matches one or more tokens and may
 * only be the last token. `twin.*`, `twin.>`, `*.created`, `>`, `twin.created`.
 *
 * Lexer → parser → immutable AST → visitors (matchName, toNatsFilter), as CONTRIBUTING asks.
 */
import { BusErrors } from './errors.js';

// ---- lexer -------------------------------------------------------------------------------------

type Lexeme =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'star'; readonly at: number }
  | { readonly kind: 'gt'; readonly at: number }
  | { readonly kind: 'dot'; readonly at: number };

const WORD_CHAR = /[A-Za-z0-9_-]/;

function lex(pattern: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '.') out.push({ kind: 'dot', at: i++ });
    else if (c === '*') out.push({ kind: 'star', at: i++ });
    else if (c === '>') out.push({ kind: 'gt', at: i++ });
    else if (WORD_CHAR.test(c)) {
      const start = i;
      while (i < pattern.length && WORD_CHAR.test(pattern[i] as string)) i++;
      out.push({ kind: 'word', text: pattern.slice(start, i), at: start });
    } else {
      throw invalid(pattern, `character ${JSON.stringify(c)} at ${i} is not allowed (letters, digits, '_', '-', '.', '*', '>')`);
    }
  }
  return out;
}

// ---- AST + parser ------------------------------------------------------------------------------

export type PatternSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'any' } // `*`
  | { readonly kind: 'rest' }; // `>`

export interface NamePattern {
  readonly kind: 'pattern';
  readonly source: string;
  readonly segments: readonly PatternSegment[];
}

/** Grammar: pattern = segment ( '.' segment )* ; segment = word | '*' | '>' (last only). */
export function parsePattern(source: string): NamePattern {
  if (source.length === 0) throw invalid(source, 'the pattern is empty');
  const lexemes = lex(source);
  const segments: PatternSegment[] = [];
  let expectSegment = true;
  for (const [index, lx] of lexemes.entries()) {
    if (expectSegment) {
      if (lx.kind === 'dot') throw invalid(source, `empty token at ${lx.at}`);
      if (lx.kind === 'gt' && index !== lexemes.length - 1) throw invalid(source, `'>' at ${lx.at} must be the last token`);
      segments.push(lx.kind === 'word' ? Object.freeze({ kind: 'literal', value: lx.text }) : Object.freeze({ kind: lx.kind === 'star' ? 'any' : 'rest' }));
      expectSegment = false;
    } else {
      if (lx.kind !== 'dot') throw invalid(source, `'${lx.kind === 'word' ? lx.text : lx.kind === 'star' ? '*' : '>'}' at ${lx.at} must be a whole token`);
      expectSegment = true;
    }
  }
  if (expectSegment) throw invalid(source, 'the pattern ends with an empty token');
  return Object.freeze({ kind: 'pattern', source, segments: Object.freeze(segments) });
}

// ---- visitors ----------------------------------------------------------------------------------

/** Does an event name (dot-separated tokens) match the pattern? */
export function matchName(pattern: NamePattern, name: string): boolean {
  const tokens = name.split('.');
  const segs = pattern.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as PatternSegment;
    switch (seg.kind) {
      case 'rest':
        return tokens.length > i; // one or more remaining tokens
      case 'any':
        if (i >= tokens.length) return false;
        break;
      case 'literal':
        if (tokens[i] !== seg.value) return false;
        break;
      default:
        return assertNever(seg);
    }
  }
  return tokens.length === segs.length;
}

/** The pattern's NATS subject text (the segments are already valid NATS tokens). */
export function patternSubject(pattern: NamePattern): string {
  return pattern.segments
    .map((seg) => {
      switch (seg.kind) {
        case 'literal':
          return seg.value;
        case 'any':
          return '*';
        case 'rest':
          return '>';
        default:
          return assertNever(seg);
      }
    })
    .join('.');
}

/** Event names and durable/group names share one rule so they are valid NATS tokens as they are. */
const EVENT_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const CONSUMER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidEventNameSyntax(name: string): boolean {
  return EVENT_NAME.test(name);
}

export function checkConsumerName(name: string, option: 'durable' | 'group'): string {
  if (!CONSUMER_NAME.test(name)) {
    throw BusErrors.create('invalid_options', `${option} name ${JSON.stringify(name)} must be 1–64 letters, digits, '_' or '-'`, { option, value: name, allowed: CONSUMER_NAME.source });
  }
  return name;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(x)}`);
}

function invalid(pattern: string, why: string) {
  return BusErrors.create('invalid_subject', `invalid pattern ${JSON.stringify(pattern)}: ${why}`, { pattern, reason: why });
}
