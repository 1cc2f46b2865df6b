import type { Api } from '../api/client.js';
import type { Session } from '../auth/session.js';
import type { I18n } from '../i18n/i18n.js';
import type { TwinStore } from './twins.js';

export interface AppContext {
  readonly api: Api;
  readonly session: Session;
  readonly i18n: I18n;
  readonly twins: TwinStore;
  navigate(path: string): void;
  /** A short status message (role=status), e.g. "Acknowledged" or "Queued until online". */
  notify(text: string, kind?: 'info' | 'error'): void;
}

/** A view draws into its element and returns what undoes it (listeners, streams, WebGL). */
export type MountView = (el: HTMLElement, ctx: AppContext, params: URLSearchParams) => () => void;
