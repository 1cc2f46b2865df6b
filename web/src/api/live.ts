/**
 * A live event stream (Server-Sent Events read through fetch, so the bearer token goes in a
 * header). Reconnects with exponential backoff and Last-Event-ID so nothing is missed in between;
 * no polling: the server pushes.
 */
import { SseParser, type SseEvent } from '../lib/sse.js';
import type { Session } from '../auth/session.js';

export type LiveState = 'connecting' | 'open' | 'closed' | 'unavailable';

export class LiveStream {
  private controller: AbortController | undefined;
  private stopped = false;
  private attempt = 0;
  private lastId = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly session: Session,
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onState: (state: LiveState) => void = () => {},
  ) {}

  start(): this {
    this.stopped = false;
    void this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.onState('closed');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.onState('connecting');
    this.controller = new AbortController();
    const headers = new Headers({ accept: 'text/event-stream' });
    const token = this.session.token;
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (this.lastId) headers.set('last-event-id', this.lastId);
    let retryMs: number | undefined;
    try {
      const res = await fetch(this.url, { headers, signal: this.controller.signal, cache: 'no-store' });
      if (res.status === 404) {
        // The stream's context is not wired on this server: say so, and try again much later.
        this.onState('unavailable');
        return this.schedule(60_000);
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.attempt = 0;
      this.onState('open');
      const parser = new SseParser((e) => {
        this.lastId = e.id;
        this.onEvent(e);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      retryMs = parser.retry;
    } catch {
      if (this.stopped) return;
    }
    this.onState('connecting');
    this.schedule(retryMs ?? Math.min(30_000, 1000 * 2 ** this.attempt++));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), ms);
  }
}
