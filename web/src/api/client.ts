/**
 * The app's one way to the API: bearer token, problem-details errors, the last good answer of
 * every read kept (Cache Storage) so the app still shows data offline, and an outbox for writes
 * that may wait (alert acknowledgements) while the network is gone.
 */
import type { Session } from '../auth/session.js';
import { ROUTES } from './routes.js';
import type { Outbox } from '../offline/outbox.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  get missing(): boolean {
    return this.status === 404 && (this.code === 'api.route_not_found' || this.code === '');
  }
}

/** Raised when the network is down and there is no stored answer either. */
export class OfflineError extends Error {}

export interface Read<T> {
  readonly value: T;
  /** When the data was fetched from the server; older than now when it came from the store offline. */
  readonly at: number;
  readonly stale: boolean;
}

const DATA_CACHE = 'tw-data-v1';

type ConnectivityListener = (online: boolean, dataFrom: number | undefined) => void;

export class Api {
  private online = true;
  private oldestStale: number | undefined;
  private listeners = new Set<ConnectivityListener>();

  constructor(
    private readonly session: Session,
    readonly outbox: Outbox,
  ) {
    addEventListener('online', () => void this.probe());
    addEventListener('offline', () => this.setOnline(false));
  }

  get isOnline(): boolean {
    return this.online;
  }

  onConnectivity(listener: ConnectivityListener): () => void {
    this.listeners.add(listener);
    listener(this.online, this.oldestStale);
    return () => this.listeners.delete(listener);
  }

  private setOnline(online: boolean, staleAt?: number): void {
    const changed = online !== this.online || (staleAt !== undefined && staleAt !== this.oldestStale);
    this.online = online;
    if (online) this.oldestStale = undefined;
    else if (staleAt !== undefined) this.oldestStale = Math.min(this.oldestStale ?? Infinity, staleAt);
    if (changed) for (const l of this.listeners) l(this.online, this.oldestStale);
    if (online) void this.outbox.flush((req) => this.send(req.method, req.url, req.body));
  }

  private async probe(): Promise<void> {
    try {
      const res = await fetch('/healthz', { cache: 'no-store' });
      this.setOnline(res.ok);
    } catch {
      this.setOnline(false);
    }
  }

  private headers(json: boolean, contentType = 'application/json'): Headers {
    const h = new Headers();
    const token = this.session.token;
    if (token) h.set('authorization', `Bearer ${token}`);
    if (json) h.set('content-type', contentType);
    return h;
  }

  /** A write: no cache, errors thrown as ApiError. */
  async send<T = unknown>(method: string, url: string, body?: unknown, contentType?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, { method, headers: this.headers(body !== undefined, contentType), body: body === undefined ? null : JSON.stringify(body) });
    } catch {
      this.setOnline(false);
      throw new OfflineError('offline');
    }
    if (!this.online) this.setOnline(true);
    return parse<T>(res, this.session);
  }

  /**
   * A read (GET, or a POST that only reads such as /query): from the network, stored on success;
   * when the network fails, the stored answer with its age.
   */
  async read<T>(url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<Read<T>> {
    const method = init.method ?? 'GET';
    const key = cacheKey(method, url, init.body);
    let res: Response;
    try {
      res = await fetch(url, { method, headers: this.headers(init.body !== undefined), body: init.body === undefined ? null : JSON.stringify(init.body) });
    } catch {
      const stored = await loadStored<T>(key);
      if (!stored) {
        this.setOnline(false);
        throw new OfflineError('offline and nothing stored');
      }
      this.setOnline(false, stored.at);
      return { value: stored.value, at: stored.at, stale: true };
    }
    if (!this.online) this.setOnline(true);
    const value = await parse<T>(res, this.session);
    const at = Date.now();
    void store(key, value, at);
    return { value, at, stale: false };
  }

  /** A file answer (CSV export) with the bearer token, which a plain link could not send. */
  async download(url: string): Promise<Blob> {
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers(false) });
    } catch {
      this.setOnline(false);
      throw new OfflineError('offline');
    }
    if (!res.ok) await parse(res, this.session);
    return res.blob();
  }

  /** All rows of a twin query, following continuation tokens (ADT Query API paging). */
  async query<T = Record<string, unknown>>(text: string, maxPages = 200): Promise<Read<T[]>> {
    const rows: T[] = [];
    let token: string | undefined;
    let at = Date.now();
    let stale = false;
    for (let page = 0; page < maxPages; page++) {
      const body: Record<string, string> = { query: text };
      if (token) body['continuationToken'] = token;
      const r = await this.read<{ value: T[]; continuationToken?: string | null }>(ROUTES.query, { method: 'POST', body });
      rows.push(...r.value.value);
      at = Math.min(at, r.at);
      stale ||= r.stale;
      token = r.value.continuationToken ?? undefined;
      if (!token) break;
    }
    return { value: rows, at, stale };
  }

  /** A write that may wait for the network: sent now when online, else queued and sent on reconnect. */
  async sendOrQueue(method: string, url: string, body: unknown, label: string): Promise<'sent' | 'queued'> {
    try {
      await this.send(method, url, body);
      return 'sent';
    } catch (err) {
      if (!(err instanceof OfflineError)) throw err;
      await this.outbox.add({ method, url, body, label });
      return 'queued';
    }
  }

  async clearStored(): Promise<void> {
    if ('caches' in globalThis) await caches.delete(DATA_CACHE);
  }
}

async function parse<T>(res: Response, session?: Session): Promise<T> {
  const text = await res.text();
  if (res.status === 401) session?.markExpired();
  if (!res.ok) {
    let code = '';
    let message = `HTTP ${res.status}`;
    try {
      const p = JSON.parse(text) as { code?: string; detail?: string; error?: { code?: string; message?: string } };
      code = p.code ?? p.error?.code ?? '';
      message = p.detail ?? p.error?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, code, message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

function cacheKey(method: string, url: string, body: unknown): string {
  const b = body === undefined ? '' : JSON.stringify(body);
  return `/__data__/${method}/${encodeURIComponent(url)}/${encodeURIComponent(b)}`;
}

async function store(key: string, value: unknown, at: number): Promise<void> {
  if (!('caches' in globalThis)) return;
  try {
    const cache = await caches.open(DATA_CACHE);
    await cache.put(key, new Response(JSON.stringify({ at, value }), { headers: { 'content-type': 'application/json' } }));
  } catch {
    // quota or private mode: the app works without the offline copy
  }
}

async function loadStored<T>(key: string): Promise<{ value: T; at: number } | undefined> {
  if (!('caches' in globalThis)) return undefined;
  try {
    const cache = await caches.open(DATA_CACHE);
    const hit = await cache.match(key);
    return hit ? ((await hit.json()) as { value: T; at: number }) : undefined;
  } catch {
    return undefined;
  }
}
