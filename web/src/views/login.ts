/** Sign-in with the platform's accounts (POST /api/auth/token). */
import type { AppContext } from '../app/context.js';
import { h } from '../app/dom.js';
import { SignInError } from '../auth/session.js';

export function mountLogin(el: HTMLElement, ctx: AppContext, done: () => void): () => void {
  const { t } = { t: ctx.i18n.t.bind(ctx.i18n) };
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, t('login.submit'));
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('login.title')),
    ctx.session.expired ? h('p', { class: 'note' }, t('login.expired')) : null,
    h('label', { for: 'username' }, t('login.username')),
    user,
    h('label', { for: 'password' }, t('login.password')),
    pass,
    submit,
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    ctx.session
      .signIn(user.value.trim(), pass.value)
      .then(done)
      .catch((err: unknown) => {
        error.textContent = err instanceof SignInError ? (err.status === 401 ? t('login.bad') : t('login.failed', { status: String(err.status) })) : t('login.offline');
      })
      .finally(() => (submit.disabled = false));
  });
  el.replaceChildren(form);
  user.focus();
  return () => undefined;
}
