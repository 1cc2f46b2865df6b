/**
 * Boot: language, session, API client, twin store, shell and router. The views are separate
 * chunks; this entry stays small so the first screen paints fast.
 */
import './styles.css';
import { Api } from './api/client.js';
import { Session } from './auth/session.js';
import { viewsFor, type ViewName } from './auth/permissions.js';
import { I18n, pickLanguage, type Lang } from './i18n/i18n.js';
import { Outbox } from './offline/outbox.js';
import { TwinStore } from './app/twins.js';
import { createShell } from './app/shell.js';
import { VIEW_LOADERS, viewOfPath } from './app/router.js';
import { mountLogin } from './views/login.js';
import { placeholder } from './app/dom.js';
import type { AppContext } from './app/context.js';

const LANG_KEY = 'tw.lang';
const browserLanguages = navigator.languages ?? [navigator.language];
const i18n = new I18n(pickLanguage(localStorage.getItem(LANG_KEY), browserLanguages), browserLanguages);
document.documentElement.lang = i18n.lang;
const session = new Session();
const outbox = new Outbox();
const api = new Api(session, outbox);
let twins = new TwinStore(api, session);

const ctxBase = {
  api,
  session,
  i18n,
  get twins() {
    return twins;
  },
  navigate,
};
const shell = createShell(document.getElementById('app')!, ctxBase, (lang: Lang) => {
  localStorage.setItem(LANG_KEY, lang);
  i18n.set(lang);
});
const ctx: AppContext = { ...ctxBase, get twins() { return twins; }, notify: (text, kind = 'info') => shell.notify(text, kind) };

let unmount: (() => void) | undefined;
let renderSeq = 0;

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  unmount?.();
  unmount = undefined;
  const s = session.current;
  const url = new URL(location.href);
  let view = viewOfPath(url.pathname);
  // Offline, an expired sign-in still opens the app on its stored data (read-only in effect).
  if (!s || (session.expired && navigator.onLine)) {
    shell.render('login');
    document.title = `${i18n.t('login.title')} · Twinworks`;
    unmount = mountLogin(shell.main, ctx, () => navigate(url.pathname === '/login' ? '/' : `${url.pathname}${url.search}`, true));
    return;
  }
  const allowed = viewsFor(s.roles);
  if (view === undefined || view === 'login' || !allowed.includes(view)) {
    const landing: ViewName | undefined = allowed[0];
    if (!landing) {
      shell.render(undefined);
      shell.main.replaceChildren(placeholder('error', i18n.t('login.noRole')));
      return;
    }
    history.replaceState(null, '', `/${landing}`);
    view = landing;
  }
  shell.render(view);
  document.title = `${i18n.t(`view.${view}`)} · Twinworks`;
  shell.main.replaceChildren(placeholder('loading', i18n.t('common.loading')));
  const mod = await VIEW_LOADERS[view]();
  if (seq !== renderSeq) return;
  shell.main.replaceChildren();
  unmount = mod.mount(shell.main, ctx, url.searchParams);
}

addEventListener('popstate', () => void render());
i18n.onChange(() => {
  document.documentElement.lang = i18n.lang;
  void render();
});
session.onChange(() => {
  // A new user must not see the previous user's cached graph or data.
  twins.stop();
  twins = new TwinStore(api, session);
  // Signing in navigates from the login form itself; signing out shows the form here.
  if (!session.current) {
    void api.clearStored();
    void render();
  } else if (session.expired) void render();
});

// Browsers allow service workers only in secure contexts (HTTPS, or localhost).
if ('serviceWorker' in navigator && isSecureContext) void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
void render();
void outbox.flush((r) => api.send(r.method, r.url, r.body));
