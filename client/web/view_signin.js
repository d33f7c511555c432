// view_signin.js - sign in with a token. The form is never submitted to
// anywhere (the CSP says form-action 'none' as well): the token goes only
// into the websocket `auth` message and this tab's sessionStorage.

import { el, field } from './dom.js';
import { t } from './i18n.js';

let message = null;

// A message shown above the form once (e.g. why the reader was signed out).
export function setMessage(text) {
  message = text;
}

export function render(ctx, root) {
  const input = el('input', {
    id: 'token', type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false',
    required: true,
  });
  const submit = el('button', { type: 'submit', class: 'primary', text: t('signin.submit') });
  const status = el('p', { class: 'form-status', role: 'status' });
  if (message) {
    status.textContent = message;
    status.classList.add('error');
    message = null;
  }
  const form = el('form', { class: 'signin', autocomplete: 'off' },
    el('h1', { text: t('signin.title') }),
    el('p', { class: 'muted', text: t('signin.help') }),
    field(t('signin.token'), input),
    el('div', { class: 'actions' }, submit),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    submit.disabled = true;
    status.classList.remove('error');
    status.textContent = t('signin.working');
    try {
      await ctx.signIn(token);
    } catch (e) {
      status.textContent = t('signin.failed', { message: ctx.errorText(e) });
      status.classList.add('error');
      submit.disabled = false;
      input.select();
    }
  });
  root.append(
    el('section', { class: 'panel narrow' }, form),
    el('p', { class: 'center' }, el('a', { href: '#/events', text: t('signin.public') })));
  input.focus();
}
