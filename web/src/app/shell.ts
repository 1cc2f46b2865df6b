/**
 * The frame around every view: navigation for the user's roles, language switch, who is signed in,
 * the offline banner ("offline, data from HH:MM"), the outbox count and a status line.
 */
import { viewsFor, type ViewName } from '../auth/permissions.js';
import { LANGUAGES, type Lang } from '../i18n/i18n.js';
import type { AppContext } from './context.js';
import { h, fill } from './dom.js';

export interface Shell {
  readonly main: HTMLElement;
  render(active: ViewName | 'login' | undefined): void;
  notify(text: string, kind: 'info' | 'error'): void;
}

export function createShell(root: HTMLElement, ctx: Omit<AppContext, 'notify'>, onLanguage: (lang: Lang) => void): Shell {
  const nav = h('nav', { 'aria-label': 'main' });
  const banner = h('div', { class: 'offline-banner', role: 'status', hidden: true, 'data-testid': 'offline-banner' });
  const status = h('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const userBox = h('div', { class: 'user' });
  const main = h('main', { id: 'main', tabindex: -1 });
  const header = h('header', {}, h('a', { class: 'skip', href: '#main' }, ''), h('a', { class: 'brand', href: '/' }, 'Twinworks'), nav, userBox);
  fill(root, header, banner, main, status);
  let active: ViewName | 'login' | undefined;
  let statusTimer: ReturnType<typeof setTimeout> | undefined;

  const renderBanner = (online: boolean, dataFrom: number | undefined) => {
    const pending = ctx.api.outbox.pending().length;
    banner.hidden = online;
    if (!online) {
      const text = dataFrom ? ctx.i18n.t('offline.dataFrom', { time: ctx.i18n.time(dataFrom) }) : ctx.i18n.t('offline.noData');
      fill(banner, h('span', { 'aria-hidden': 'true' }, '⚡ '), text, pending > 0 ? ` · ${ctx.i18n.t('offline.queued', { n: pending })}` : '');
    }
  };
  let lastConnectivity: [boolean, number | undefined] = [true, undefined];
  ctx.api.onConnectivity((online, from) => {
    lastConnectivity = [online, from];
    renderBanner(online, from);
  });
  ctx.api.outbox.onChange((_pending, failed) => {
    renderBanner(...lastConnectivity);
    if (failed) shell.notify(ctx.i18n.t('outbox.refused', { what: failed.request.label }), 'error');
  });

  const render = (view: ViewName | 'login' | undefined) => {
    active = view;
    const s = ctx.session.current;
    header.querySelector('.skip')!.textContent = ctx.i18n.t('nav.skip');
    const views = s ? viewsFor(s.roles) : [];
    fill(
      nav,
      h(
        'ul',
        {},
        views.map((v) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: `/${v}`,
                'aria-current': v === active ? 'page' : undefined,
                onclick: (e: Event) => {
                  e.preventDefault();
                  ctx.navigate(`/${v}`);
                },
              },
              ctx.i18n.t(`view.${v}`),
            ),
          ),
        ),
      ),
    );
    const langSelect = h(
      'select',
      { 'aria-label': ctx.i18n.t('nav.language'), 'data-testid': 'language' },
      LANGUAGES.map((l) => h('option', { value: l, selected: l === ctx.i18n.lang }, l === 'en' ? 'English' : 'Español')),
    );
    langSelect.addEventListener('change', () => onLanguage(langSelect.value as Lang));
    fill(
      userBox,
      langSelect,
      s
        ? [
            h('span', { class: 'who' }, `${s.username} (${s.roles.map((r) => ctx.i18n.t(`role.${r}` as 'role.viewer')).join(', ')})`),
            h('button', { class: 'secondary', onclick: () => ctx.session.signOut() }, ctx.i18n.t('nav.signOut')),
          ]
        : [],
    );
    renderBanner(...lastConnectivity);
  };

  const shell: Shell = {
    main,
    render,
    notify(text, kind) {
      status.textContent = text;
      status.className = `status-line ${kind}`;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => (status.textContent = ''), 6000);
    },
  };
  return shell;
}
