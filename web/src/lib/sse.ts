/**
 * A text/event-stream parser (HTML Living Standard §9.2.6 "Interpreting an event stream"), fed with
 * decoded text chunks as they arrive. EventSource cannot send an Authorization header, so the app
 * reads the stream with fetch() and parses it here.
 */
export interface SseEvent {
  /** `event:` field; "message" when absent. */
  readonly type: string;
  readonly data: string;
  /** The last event id seen so far (sticky across events, per the spec). */
  readonly id: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private type = '';
  private lastId = '';
  /** `retry:` in milliseconds, when the server sent one. */
  retry: number | undefined;
  private sawBom = false;

  constructor(private readonly emit: (event: SseEvent) => void) {}

  get lastEventId(): string {
    return this.lastId;
  }

  push(chunk: string): void {
    if (!this.sawBom) {
      this.sawBom = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buffer += chunk;
    // Lines end in CRLF, LF or CR; a CR at the very end may be the first half of a CRLF, so wait.
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buffer);
      if (!m) break;
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    if (this.data.length === 0) {
      this.type = '';
      return;
    }
    const event: SseEvent = { type: this.type || 'message', data: this.data.join('\n'), id: this.lastId };
    this.data = [];
    this.type = '';
    this.emit(event);
  }
}
