// Entry point of the Vigie web console: checks the session, shows the login
// form or the views the user's roles allow (agent desk, alert desk,
// supervisor view), and handles the language switch and the global
// keyboard shortcuts.

import { h, kbd } from './js/dom.js';
import { t, setLanguage, preferredLanguage, language, translateTree } from './js/i18n.js';
import { get, post, setCsrfToken, onSessionExpired, ApiError } from './js/api.js';
import { createLoginView } from './js/login.js';
import { createDeskView } from './js/desk.js';
import { createAlertsView } from './js/alerts.js';
import { createSupervisorView } from './js/supervisor.js';
import { viewsForRoles } from './js/roles.js';
import { shortcutFor } from './js/shortcuts.js';

const VIEW_STORAGE_KEY = 'vigie.view';

const elements = {
  views: document.getElementById('views'),
  tabs: document.getElementById('tabs'),
  status: document.getElementById('status'),
  alert: document.getElementById('alert'),
  user: document.getElementById('user-info'),
  logout: document.getElementById('logout'),
  language: document.getElementById('language'),
};

let session = null;
let views = [];
let current = null;
let logoutArmed = false;
const login = createLoginView({ onLoggedIn: startSession });

// Writes a message into the live region: polite for information, assertive
// (role=alert) for errors. Clearing first makes screen readers repeat a
// message that is the same as the last one.
function announce(text, kind = 'info') {
  const target = kind === 'error' ? elements.alert : elements.status;
  const other = kind === 'error' ? elements.status : elements.alert;
  other.textContent = '';
  target.textContent = '';
  target.dataset.kind = kind;
  // A timer rather than requestAnimationFrame, which does not run in a
  // background tab.
  setTimeout(() => {
    target.textContent = text;
  }, 30);
}

function clearAnnouncements() {
  elements.status.textContent = '';
  elements.alert.textContent = '';
}

function buildViews() {
  const context = { session, announce };
  const factories = { desk: createDeskView, alerts: createAlertsView, supervisor: createSupervisorView };
  return viewsForRoles(session.roles).map((name) => factories[name](context));
}

// Opens the views of `newSession`; `focus` moves keyboard focus to the
// first view's heading, as after the login form.
function startSession(newSession, focus = true) {
  session = newSession;
  setCsrfToken(session.csrf_token);
  clearAnnouncements();

  views = buildViews();
  elements.views.replaceChildren(...views.map((view) => view.element));
  for (const view of views) view.element.hidden = true;
  renderChrome();

  if (views.length === 0) {
    elements.views.replaceChildren(h('p', { class: 'notice error', id: 'no-role', text: t('app.no_role') }));
    return;
  }
  let stored = null;
  try {
    stored = sessionStorage.getItem(VIEW_STORAGE_KEY);
  } catch {
    // Without storage the first view opens.
  }
  select(views.find((view) => view.id === stored) ?? views[0], { focus });
}

function renderChrome() {
  elements.user.hidden = !session;
  elements.logout.hidden = !session;
  elements.user.textContent = session ? t('app.signed_in_as', { user: session.user }) : '';

  elements.tabs.hidden = views.length < 2;
  elements.tabs.replaceChildren(...views.map((view, index) => h('button', {
    type: 'button', id: `tab-${view.id}`, class: 'tab', 'aria-controls': view.element.id,
    'aria-current': view === current ? 'page' : false, 'aria-keyshortcuts': `Alt+${index + 1}`,
    on: { click: () => select(view) },
  }, t(view.titleKey), ' ', kbd(`Alt+${index + 1}`))));
}

function select(view, { focus = true } = {}) {
  if (current && current !== view) {
    current.hide();
    current.element.hidden = true;
  }
  current = view;
  view.element.hidden = false;
  view.show();
  renderChrome();
  try {
    sessionStorage.setItem(VIEW_STORAGE_KEY, view.id);
  } catch {
    // Not remembered.
  }
  if (!focus) return;
  const heading = view.element.querySelector('h2');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

// Leaves the session: stops every view's timers and shows the login form
// with `noticeKey`.
function endSession(noticeKey, kind = 'info') {
  for (const view of views) view.destroy();
  views = [];
  current = null;
  session = null;
  logoutArmed = false;
  setCsrfToken(null);
  renderChrome();

  clearAnnouncements();
  elements.views.replaceChildren(login.element);
  login.show(noticeKey, kind);
}

async function logout() {
  const desk = views.find((view) => view.id === 'desk');
  if (desk?.holding() && !logoutArmed) {
    // A held contact would be recorded as failed when its hold expires;
    // ask for a second press.
    logoutArmed = true;
    setTimeout(() => {
      logoutArmed = false;
    }, 10000);
    announce(t('app.logout_while_holding'), 'error');
    return;
  }
  try {
    await post('/api/logout', {});
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The session is gone on the server in any case that reaches here.
  }
  endSession('login.logged_out');
}

function onKeydown(event) {
  const entry = shortcutFor(event, current?.id);
  if (!entry) return;

  if (entry.action === 'language') {
    event.preventDefault();
    elements.language.focus();
    return;
  }
  if (entry.action === 'view') {
    const view = session ? views[entry.codes.indexOf(event.code)] : undefined;
    if (view) {
      event.preventDefault();
      select(view);
    }
    return;
  }
  if (current?.shortcut(entry.action)) event.preventDefault();
}

async function changeLanguage(lang) {
  await setLanguage(lang);
  translateTree(document);
  renderChrome();
  if (session) {
    for (const view of views) view.rerender();
  } else {
    login.rerender();
  }
  announce(t('app.language_changed'));
}

async function boot() {
  await setLanguage(preferredLanguage());
  translateTree(document);
  elements.language.value = language();
  elements.language.addEventListener('change', (event) => changeLanguage(event.target.value));
  elements.logout.addEventListener('click', logout);
  document.addEventListener('keydown', onKeydown);
  onSessionExpired(() => {
    if (session) endSession('login.expired', 'error');
  });

  try {
    startSession(await get('/api/session', { session: false }), false);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    endSession(error.status === 401 ? null : 'error.network', error.status === 401 ? 'info' : 'error');
  }
}

boot();
