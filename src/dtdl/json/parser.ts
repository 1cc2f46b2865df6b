/** Recursive-descent JSON parser building the positioned syntax tree of ./ast.ts. */
import { childPath, type JsonMember, type JsonNode } from './ast.js';
import { JsonSyntaxError, Lexer, type Token } from './lexer.js';

/** Nesting bound: deeper documents are rejected instead of exhausting the call stack. */
export const MAX_JSON_DEPTH = 512;

export function parseJson(text: string, rootPath = '$'): JsonNode {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lexer = new Lexer(source);
  let tok = lexer.next();
  const advance = (): Token => {
    const t = tok;
    tok = lexer.next();
    return t;
  };
  const expect = (kind: Token['kind']): Token => {
    if (tok.kind !== kind) throw new JsonSyntaxError(`expected '${kind}' but found '${tok.kind}'`, tok.line, tok.col);
    return advance();
  };

  const value = (path: string, depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_JSON_DEPTH}`, tok.line, tok.col);
    const t = advance();
    switch (t.kind) {
      case '{': {
        const members: JsonMember[] = [];
        if (tok.kind !== '}') {
          for (;;) {
            const k = expect('string');
            expect(':');
            members.push({ key: k.text, keyLine: k.line, value: value(childPath(path, k.text), depth + 1) });
            if (tok.kind === ',') {
              advance();
              continue;
            }
            break;
          }
        }
        const end = expect('}');
        return { kind: 'object', members, line: t.line, endLine: end.line, path };
      }
      case '[': {
        const items: JsonNode[] = [];
        if (tok.kind !== ']') {
          for (;;) {
            items.push(value(`${path}[${items.length}]`, depth + 1));
            if (tok.kind === ',') {
              advance();
              continue;
            }
            break;
          }
        }
        const end = expect(']');
        return { kind: 'array', items, line: t.line, endLine: end.line, path };
      }
      case 'string':
        return { kind: 'string', value: t.text, line: t.line, endLine: t.line, path };
      case 'number':
        return { kind: 'number', value: Number(t.text), raw: t.text, line: t.line, endLine: t.line, path };
      case 'true':
      case 'false':
        return { kind: 'boolean', value: t.kind === 'true', line: t.line, endLine: t.line, path };
      case 'null':
        return { kind: 'null', line: t.line, endLine: t.line, path };
      default:
        throw new JsonSyntaxError(t.kind === 'eof' ? 'unexpected end of JSON text' : `unexpected '${t.kind}'`, t.line, t.col);
    }
  };

  const root = value(rootPath, 0);
  if (tok.kind !== 'eof') throw new JsonSyntaxError('unexpected text after the JSON value', tok.line, tok.col);
  return root;
}
