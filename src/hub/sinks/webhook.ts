/**
 * Webhook endpoints: routed messages POSTed as a JSON array (up to 100 per request) to a URL,
 * after they were acknowledged to the device. Delivery is best effort with retries: a bounded
 * queue per webhook (overflow is dropped and counted) and `retries` attempts with exponential
 * backoff per request. A slow or failing webhook never delays devices.
 */
import type { JsonObject } from '../../bus/index.js';

export interface WebhookConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxQueue: number;
  readonly retries: number;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  dropped: number;
}

const BATCH = 100;

export class Webhook {
  private queue: JsonObject[] = [];
  private sending = false;
  private closed = false;
  readonly stats: WebhookStats = { delivered: 0, failed: 0, dropped: 0 };

  constructor(
    readonly name: string,
    private readonly config: WebhookConfig,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  enqueue(message: JsonObject): void {
    if (this.closed) return;
    if (this.queue.length >= this.config.maxQueue) {
      this.stats.dropped++;
      return;
    }
    this.queue.push(message);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.splice(0, BATCH);
        if (await this.post(batch)) this.stats.delivered += batch.length;
        else this.stats.failed += batch.length;
      }
    } finally {
      this.sending = false;
    }
  }

  private async post(batch: JsonObject[]): Promise<boolean> {
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** (attempt - 1), 5000)));
      try {
        const res = await fetch(this.config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.config.headers },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(this.config.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          this.onError(new Error(`webhook ${this.name}: HTTP ${res.status}`));
          return false; // the receiver refuses the content; retrying will not help
        }
      } catch (err) {
        if (attempt === this.config.retries) this.onError(err);
      }
    }
    return false;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Waits until the queue is empty (tests) or the timeout passes. */
  async flush(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.sending) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }
}
