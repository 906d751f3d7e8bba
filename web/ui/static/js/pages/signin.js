// Sign-in page: local username and password, or single sign-on through OIDC.
import { h } from '../dom.js';
import { signIn } from '../api.js';
import { navigate } from '../app.js';

export function render(_params, query) {
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { onsubmit: async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    err.hidden = true;
    try {
      await signIn(fd.get('username'), fd.get('password'));
      const next = query.get('next') || '/';
      navigate(next.startsWith('/') && !next.startsWith('//') && next !== '/signin' ? next : '/', true);
    } catch (e) {
      err.textContent = e.status === 429 ? 'Too many attempts; try again later.'
        : e.status === 401 ? 'Wrong username or password.' : 'Sign-in failed: ' + e.message;
      err.hidden = false;
    }
  } },
  h('label', {}, 'Username', h('input', { name: 'username', autocomplete: 'username', required: true })),
  h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  h('button', { type: 'submit' }, 'Sign in'));
  return h('section', { class: 'card signin' },
    h('h1', {}, 'Sign in to nhi'), form, err,
    h('p', { class: 'or' }, 'or'),
    h('a', { class: 'button secondary', href: '/auth/oidc/login', id: 'sso' }, 'Sign in with SSO'));
}
