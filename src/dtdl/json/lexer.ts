/** JSON lexer (RFC 8259) that tracks line numbers. */

export type TokenKind = '{' | '}' | '[' | ']' | ':' | ',' | 'string' | 'number' | 'true' | 'false' | 'null' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly line: number;
  readonly col: number;
  /** Decoded string value, or the raw number text. */
  readonly text: string;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${message} (line ${line}, column ${col})`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipWhitespace();
    const line = this.line;
    const col = this.pos - this.lineStart + 1;
    if (this.pos >= this.text.length) return { kind: 'eof', line, col, text: '' };
    const c = this.text[this.pos] as string;
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case ':':
      case ',':
        this.pos++;
        return { kind: c, line, col, text: c };
      case '"':
        return { kind: 'string', line, col, text: this.readString() };
      case 't':
        return this.keyword('true', line, col);
      case 'f':
        return this.keyword('false', line, col);
      case 'n':
        return this.keyword('null', line, col);
      default: {
        NUMBER.lastIndex = this.pos;
        const m = NUMBER.exec(this.text);
        if (m && m[0].length > 0) {
          this.pos += m[0].length;
          return { kind: 'number', line, col, text: m[0] };
        }
        throw new JsonSyntaxError(`unexpected character ${JSON.stringify(c)}`, line, col);
      }
    }
  }

  private keyword(word: 'true' | 'false' | 'null', line: number, col: number): Token {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return { kind: word, line, col, text: word };
    }
    throw new JsonSyntaxError('invalid literal', line, col);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x0a) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.pos++;
      } else {
        break;
      }
    }
  }

  private readString(): string {
    const t = this.text;
    const startLine = this.line;
    const startCol = this.pos - this.lineStart + 1;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += t.slice(chunkStart, this.pos);
        out += this.readEscape();
        chunkStart = this.pos;
        continue;
      }
      if (c < 0x20) throw new JsonSyntaxError('control character in string', this.line, this.pos - this.lineStart + 1);
      this.pos++;
    }
    throw new JsonSyntaxError('unterminated string', startLine, startCol);
  }

  private readEscape(): string {
    const t = this.text;
    const e = t[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('bad \\u escape', this.line, this.pos - this.lineStart);
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        throw new JsonSyntaxError('bad escape sequence', this.line, this.pos - this.lineStart - 1);
    }
  }
}
