/**
 * Writes made while offline (alert acknowledgements), kept in localStorage so a reload or a closed
 * app does not lose them, and sent in order once the network is back. A request the server refuses
 * (4xx: say, the alert was resolved meanwhile) is dropped and reported, not retried forever.
 */
export interface QueuedRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  /** What the user did, for the status line ("Acknowledge alert A-17"). */
  readonly label: string;
  readonly queuedAt: number;
}

const KEY = 'tw.outbox';

/** The part of Web Storage the outbox uses (localStorage in the browser, a map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function browserStorage(): KeyValueStore {
  return (globalThis as unknown as { localStorage: KeyValueStore }).localStorage;
}

export class Outbox {
  private flushing = false;
  private listeners = new Set<(pending: readonly QueuedRequest[], failed?: { request: QueuedRequest; error: unknown }) => void>();

  constructor(private readonly storage: KeyValueStore = browserStorage()) {}

  pending(): QueuedRequest[] {
    try {
      const raw = this.storage.getItem(KEY);
      const parsed = raw ? (JSON.parse(raw) as unknown) : [];
      return Array.isArray(parsed) ? (parsed as QueuedRequest[]) : [];
    } catch {
      return [];
    }
  }

  onChange(listener: (pending: readonly QueuedRequest[], failed?: { request: QueuedRequest; error: unknown }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async add(request: Omit<QueuedRequest, 'id' | 'queuedAt'>): Promise<void> {
    const list = this.pending();
    list.push({ ...request, id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, queuedAt: Date.now() });
    this.save(list);
  }

  /** Sends the queue in order; stops at the first network failure (still offline). */
  async flush(send: (r: QueuedRequest) => Promise<unknown>): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let guard = 0; guard < 1000; guard++) {
        const [next] = this.pending();
        if (!next) break;
        try {
          await send(next);
        } catch (err) {
          const status = (err as { status?: number }).status;
          if (status === undefined || status >= 500 || status === 401) break; // network, server trouble or a lapsed sign-in: keep it
          this.save(this.pending().filter((r) => r.id !== next.id), { request: next, error: err });
          continue;
        }
        this.save(this.pending().filter((r) => r.id !== next.id));
      }
    } finally {
      this.flushing = false;
    }
  }

  private save(list: QueuedRequest[], failed?: { request: QueuedRequest; error: unknown }): void {
    this.storage.setItem(KEY, JSON.stringify(list));
    for (const l of this.listeners) l(list, failed);
  }
}
