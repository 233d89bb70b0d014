// The alert desk: the fired routes of the user's teams (every route for
// supervisors and admins), with the person to visit or call, and the
// Acknowledge and Close actions. Refreshed every 10 s.

import { h, kbd, replaceKeepingFocus } from './dom.js';
import { t, formatDateTime, formatNumber, formatTime, humanize } from './i18n.js';
import { get, post, ApiError, describeError } from './api.js';
import { personName, phoneLink, fieldList } from './people.js';

const REFRESH_MS = 10000;
const FILTERS = ['active', 'open', 'all'];

const keyOf = (alert) => [alert.campaign, alert.cycle, alert.route, alert.contact_id].join('|');

export function createAlertsView(ctx) {
  const root = h('section', { class: 'view', id: 'alerts-view', 'aria-labelledby': 'alerts-title' });
  const list = h('div', { id: 'alerts-list' });

  let alerts = [];
  let filter = 'active';
  let loaded = false;
  let updatedAt = null;
  let lastBody = '';
  let seenOpen = new Set();
  let timer = null;

  function render() {
    const select = h('select', { id: 'alerts-filter', on: { change: (event) => {
      filter = event.target.value;
      refresh();
    } } }, FILTERS.map((name) => h('option', { value: name, text: t(`alerts.filter.${name}`) })));
    select.value = filter;

    root.replaceChildren(
      h('h2', { id: 'alerts-title', tabindex: '-1', text: t('alerts.title') }),
      h('p', { text: t(ctx.session.roles.some((role) => role === 'supervisor' || role === 'admin')
        ? 'alerts.help_all' : 'alerts.help_team', { teams: teams().join(', ') }) }),
      h('div', { class: 'toolbar' },
        h('label', { for: 'alerts-filter', text: t('alerts.filter') }),
        select,
        h('button', { type: 'button', id: 'alerts-refresh', 'aria-keyshortcuts': 'Alt+R', on: { click: () => refresh(true) } },
          t('alerts.refresh'), ' ', kbd('Alt+R')),
        h('span', { class: 'muted', id: 'alerts-updated', text: updatedText() })),
      list);
    renderList();
  }

  function teams() {
    return ctx.session.roles.filter((role) => role.startsWith('team:')).map((role) => role.slice(5));
  }

  function updatedText() {
    return updatedAt ? t('alerts.updated', { time: formatTime(updatedAt.toISOString()) }) : '';
  }

  function renderList() {
    if (!loaded) {
      replaceKeepingFocus(list, [h('p', { class: 'muted', text: t('app.loading') })]);
      return;
    }
    if (alerts.length === 0) {
      replaceKeepingFocus(list, [h('p', { class: 'notice', id: 'alerts-empty', text: t('alerts.empty') })]);
      return;
    }

    replaceKeepingFocus(list, [h('table', { class: 'alerts' },
      h('caption', { class: 'visually-hidden', text: t('alerts.caption', { count: alerts.length }) }),
      h('thead', {}, h('tr', {}, ['due', 'route', 'person', 'scores', 'state', 'actions'].map((column) =>
        h('th', { scope: 'col', text: t(`alerts.column.${column}`) })))),
      h('tbody', {}, alerts.map(row)))]);
  }

  function row(alert) {
    const key = keyOf(alert);
    const person = alert.person ?? { contact_id: alert.contact_id, fields: {} };
    const name = personName(person);

    return h('tr', { class: 'alert-row', dataset: { key, state: alert.state } },
      h('td', {},
        h('strong', { text: formatDateTime(alert.due, person.timezone) }),
        h('div', { class: 'muted', text: t('alerts.fired', { time: formatDateTime(alert.fired_at, person.timezone) }) })),
      h('td', {},
        h('strong', { text: alert.route_title || alert.route }),
        alert.route_title && alert.route_title !== alert.route
          ? h('div', { class: 'muted route-id', text: t('alerts.route_id', { route: alert.route }) }) : null,
        h('div', { class: 'muted', text: t('alerts.campaign_cycle', { campaign: alert.campaign, cycle: alert.cycle }) })),
      h('td', {},
        h('div', { class: 'person-name', text: name }),
        phoneLink(person.phone, { dataset: { focusKey: `phone-${key}` } }),
        h('div', { class: 'muted', text: t('desk.contact_id', { id: alert.contact_id }) }),
        h('details', {},
          h('summary', { dataset: { focusKey: `details-${key}` }, text: t('alerts.details') }),
          fieldList(person, new Date(alert.fired_at ?? Date.now())))),
      h('td', {}, scores(alert.scores)),
      h('td', {}, stateText(alert, person.timezone)),
      h('td', {}, h('div', { class: 'row-actions' },
        alert.state === 'open' ? h('button', {
          type: 'button', class: 'primary', dataset: { focusKey: `ack-${key}`, action: 'ack' },
          'aria-label': t('alerts.acknowledge_for', { name }), on: { click: () => act('ack', alert) },
        }, t('alerts.acknowledge')) : null,
        alert.state !== 'closed' ? h('button', {
          type: 'button', dataset: { focusKey: `close-${key}`, action: 'close' },
          'aria-label': t('alerts.close_for', { name }), on: { click: () => act('close', alert) },
        }, t('alerts.close')) : null)));
  }

  function scores(values) {
    const entries = Object.entries(values ?? {});
    if (entries.length === 0) return '—';
    return h('ul', { class: 'scores' }, entries.map(([name, value]) =>
      h('li', { title: name, text: t('alerts.score', { name: humanize(name), value: formatNumber(value) }) })));
  }

  function stateText(alert, timeZone) {
    const parts = [h('span', { class: `badge state-${alert.state}`, text: t(`alerts.state.${alert.state}`) })];
    if (alert.acknowledged_by) {
      parts.push(h('div', { class: 'muted', text: t('alerts.acknowledged_by', {
        user: alert.acknowledged_by, time: formatDateTime(alert.acknowledged_at, timeZone) }) }));
    }
    if (alert.closed_by) {
      parts.push(h('div', { class: 'muted', text: t('alerts.closed_by', {
        user: alert.closed_by, time: formatDateTime(alert.closed_at, timeZone) }) }));
    }
    return parts;
  }

  async function refresh(byHand = false) {
    const query = filter === 'active' ? '' : `?state=${filter}`;
    try {
      const result = await get(`/api/desk/alerts${query}`);
      updatedAt = new Date();
      const updated = root.querySelector('#alerts-updated');
      if (updated) updated.textContent = updatedText();

      announceNew(result);
      const body = JSON.stringify(result);
      if (body !== lastBody || !loaded) {
        lastBody = body;
        alerts = result;
        loaded = true;
        renderList();
      }
      if (byHand) ctx.announce(t('alerts.refreshed', { count: alerts.length }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401) ctx.announce(t('alerts.load_failed', { message: describeError(error, t) }), 'error');
    }
  }

  function announceNew(result) {
    const open = result.filter((alert) => alert.state === 'open').map(keyOf);
    const fresh = open.filter((key) => !seenOpen.has(key));
    if (loaded && fresh.length > 0) ctx.announce(t('alerts.new', { count: fresh.length }));
    seenOpen = new Set([...seenOpen, ...open]);
  }

  async function act(action, alert) {
    const body = { campaign: alert.campaign, cycle: alert.cycle, route: alert.route, contact_id: alert.contact_id };
    const name = personName(alert.person ?? { contact_id: alert.contact_id });
    try {
      const updated = await post(`/api/desk/alerts/${action}`, body);
      const index = alerts.findIndex((entry) => keyOf(entry) === keyOf(alert));
      const hiddenByFilter = (filter === 'open' && updated.state !== 'open') ||
        (filter === 'active' && updated.state === 'closed');
      if (index >= 0) {
        if (hiddenByFilter) alerts.splice(index, 1);
        else alerts[index] = { ...alerts[index], ...updated, person: updated.person ?? alerts[index].person };
      }
      lastBody = '';
      renderList();
      ctx.announce(t(action === 'ack' ? 'alerts.acknowledged' : 'alerts.closed', { name }), 'success');
      focusAfterAction(alert, hiddenByFilter);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401) ctx.announce(t('alerts.action_failed', { message: describeError(error, t) }), 'error');
    }
  }

  // Keeps keyboard users on the row they acted on, or on the list heading
  // when the row left the list.
  function focusAfterAction(alert, removed) {
    const key = keyOf(alert);
    const candidates = removed ? [] : [`close-${key}`, `ack-${key}`, `phone-${key}`];
    for (const focusKey of candidates) {
      const element = list.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (element) {
        element.focus();
        return;
      }
    }
    root.querySelector('#alerts-title')?.focus();
  }

  return {
    id: 'alerts',
    titleKey: 'view.alerts',
    element: root,
    show() {
      render();
      refresh();
      clearInterval(timer);
      timer = setInterval(refresh, REFRESH_MS);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
    rerender: render,
    shortcut(action) {
      if (action !== 'refresh') return false;
      refresh(true);
      return true;
    },
    destroy() {
      clearInterval(timer);
    },
  };
}
