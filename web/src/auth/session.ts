/**
 * The signed-in user: the bearer token from POST /api/auth/token and the identity from
 * GET /api/auth/me. Kept in localStorage so the installed app reopens signed in (and offline);
 * the token lives one hour (expires_in) and the app asks to sign in again after that.
 */
import { ROUTES } from '../api/routes.js';

export interface SessionData {
  readonly token: string;
  readonly expiresAt: number;
  readonly username: string;
  readonly roles: readonly string[];
}

const KEY = 'tw.session';

export class Session {
  private data: SessionData | undefined;
  private listeners = new Set<() => void>();

  constructor(private readonly storage: Storage = localStorage) {
    try {
      const raw = storage.getItem(KEY);
      const parsed = raw ? (JSON.parse(raw) as SessionData) : undefined;
      if (parsed && typeof parsed.token === 'string' && Array.isArray(parsed.roles)) this.data = parsed;
    } catch {
      this.data = undefined;
    }
  }

  get current(): SessionData | undefined {
    return this.data;
  }

  /** A token still valid for at least a minute. */
  get token(): string | undefined {
    return this.data && this.data.expiresAt - 60_000 > Date.now() ? this.data.token : undefined;
  }

  get expired(): boolean {
    return this.data !== undefined && this.token === undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(username: string, password: string): Promise<SessionData> {
    const res = await fetch(ROUTES.token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new SignInError(res.status);
    const tok = (await res.json()) as { access_token: string; expires_in: number };
    const me = await fetch(ROUTES.me, { headers: { authorization: `Bearer ${tok.access_token}` } });
    if (!me.ok) throw new SignInError(me.status);
    const who = (await me.json()) as { username: string; roles: string[] };
    this.data = { token: tok.access_token, expiresAt: Date.now() + tok.expires_in * 1000, username: who.username, roles: who.roles };
    this.storage.setItem(KEY, JSON.stringify(this.data));
    this.emit();
    return this.data;
  }

  /** The API said the token is no longer good (401): keep who it was, ask to sign in again. */
  markExpired(): void {
    if (!this.data || this.expired) return;
    this.data = { ...this.data, expiresAt: 0 };
    this.storage.setItem(KEY, JSON.stringify(this.data));
    this.emit();
  }

  signOut(): void {
    this.data = undefined;
    this.storage.removeItem(KEY);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export class SignInError extends Error {
  constructor(readonly status: number) {
    super(`sign-in failed with HTTP ${status}`);
  }
}
