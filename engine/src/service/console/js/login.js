// The login form. A wrong user or password gets one message for both, and
// a rate-limited login shows how long to wait.

import { h } from './dom.js';
import { t, formatDuration } from './i18n.js';
import { post, ApiError, describeError } from './api.js';

export function createLoginView({ onLoggedIn }) {
  const root = h('section', { class: 'view login', id: 'login-view', 'aria-labelledby': 'login-title' });
  let notice = null;  // {key, params, kind: 'info' | 'error'}
  let busy = false;

  function render() {
    const user = root.querySelector('#login-user')?.value ?? '';
    const noticeElement = h('p', {
      id: 'login-message', class: notice?.kind === 'error' ? 'notice error' : 'notice',
      role: notice?.kind === 'error' ? 'alert' : 'status',
      hidden: !notice, text: notice ? t(notice.key, notice.params ?? {}) : '',
    });

    root.replaceChildren(h('form', { id: 'login-form', novalidate: true, on: { submit } },
      h('h2', { id: 'login-title', text: t('login.title') }),
      noticeElement,
      h('div', { class: 'field' },
        h('label', { for: 'login-user', text: t('login.user') }),
        h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true,
          autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'login-message' })),
      h('div', { class: 'field' },
        h('label', { for: 'login-password', text: t('login.password') }),
        h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
          required: true, 'aria-describedby': 'login-message' })),
      h('button', { type: 'submit', class: 'primary', id: 'login-submit', text: t('login.submit') })));
    root.querySelector('#login-user').value = user;
  }

  function setNotice(next) {
    notice = next;
    const element = root.querySelector('#login-message');
    element.hidden = !notice;
    element.className = notice?.kind === 'error' ? 'notice error' : 'notice';
    element.setAttribute('role', notice?.kind === 'error' ? 'alert' : 'status');
    element.textContent = notice ? t(notice.key, notice.params ?? {}) : '';
  }

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const form = event.target;
    const user = form.elements.user.value.trim();
    const password = form.elements.password.value;

    if (!user || !password) {
      setNotice({ key: 'login.missing', kind: 'error' });
      (user ? form.elements.password : form.elements.user).focus();
      return;
    }

    busy = true;
    try {
      const session = await post('/api/login', { user, password }, { session: false });
      form.elements.password.value = '';
      notice = null;
      onLoggedIn(session);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      form.elements.password.value = '';
      setNotice(loginFailure(error));
      form.elements.password.focus();
    } finally {
      busy = false;
    }
  }

  function loginFailure(error) {
    if (error.status === 401) return { key: 'login.bad_credentials', kind: 'error' };
    if (error.status === 429) {
      return error.retryAfter === null
        ? { key: 'login.rate_limited_later', kind: 'error' }
        : { key: 'login.rate_limited', params: { wait: formatDuration(error.retryAfter) },
          seconds: error.retryAfter, kind: 'error' };
    }
    if (error.status === 0) return { key: 'error.network', kind: 'error' };
    return { key: 'login.failed', params: { message: describeError(error, t) }, kind: 'error' };
  }

  return {
    element: root,
    // Shows the form with an optional notice (a translation key).
    show(noticeKey = null, kind = 'info') {
      notice = noticeKey ? { key: noticeKey, kind } : null;
      render();
      root.querySelector('#login-user').focus();
    },
    rerender() {
      // The wait of a rate-limited login is formatted in the new language.
      if (notice?.params?.wait !== undefined && notice.seconds !== undefined) {
        notice.params.wait = formatDuration(notice.seconds);
      }
      render();
    },
  };
}
