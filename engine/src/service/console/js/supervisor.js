// The supervisor view: the city's alerts (raise, change the level, end),
// and for every campaign and cycle the progress, the useful rate against
// the target, the start deadline, the agents and the outbox, with links to
// the CSV exports. Refreshed every 5 s.

import { h, replaceKeepingFocus } from './dom.js';
import { t, formatDateTime, formatDuration, formatNumber, formatPercent, humanize } from './i18n.js';
import { get, post, del, ApiError, describeError } from './api.js';
import { outcomeLabel } from './people.js';

const REFRESH_MS = 5000;
const EXPORTS = ['attempts', 'outcomes', 'escalations'];

const seconds = (from, to) => (Date.parse(to) - Date.parse(from)) / 1000;

// Whether the first call of a cycle came within its start deadline: `met`,
// `missed`, `pending` (no call yet, deadline ahead) or null (no deadline).
export function deadlineState(cycle, now) {
  if (!cycle.start_deadline) return null;
  const deadline = Date.parse(cycle.start_deadline);
  if (cycle.first_call_at) return Date.parse(cycle.first_call_at) <= deadline ? 'met' : 'missed';
  return Date.parse(now) > deadline ? 'missed' : 'pending';
}

export function createSupervisorView(ctx) {
  const root = h('section', { class: 'view', id: 'supervisor-view', 'aria-labelledby': 'supervisor-title' });
  const header = h('div', { id: 'supervisor-header' });
  const alertsTable = h('div', { id: 'city-alerts' });
  const campaigns = h('div', { id: 'campaigns' });

  let status = null;
  let alerts = [];
  let lastStatus = '';
  let lastAlerts = '';
  let timer = null;
  let formError = null;

  function render() {
    // The form is rebuilt in the new language; keep what was typed.
    const typed = root.querySelector('#raise-form');
    const name = typed?.elements.name.value ?? '';
    const level = typed?.elements.level.value ?? '';

    root.replaceChildren(
      h('h2', { id: 'supervisor-title', text: t('sup.title') }),
      header,
      h('section', { 'aria-labelledby': 'city-alerts-title', class: 'panel' },
        h('h3', { id: 'city-alerts-title', text: t('sup.alerts') }),
        alertsTable,
        alertForm()),
      h('section', { 'aria-labelledby': 'campaigns-title' },
        h('h3', { id: 'campaigns-title', text: t('sup.campaigns') }),
        campaigns));
    root.querySelector('#raise-name').value = name;
    root.querySelector('#raise-level').value = level;
    renderHeader();
    renderAlerts();
    renderCampaigns();
  }

  function alertForm() {
    const error = h('p', { class: 'field-error', id: 'raise-error', text: formError ?? '' });
    return h('form', { id: 'raise-form', class: 'inline-form', novalidate: true, on: { submit: raise } },
      h('h4', { text: t('sup.raise_title') }),
      h('div', { class: 'field' },
        h('label', { for: 'raise-name', text: t('sup.alert_name') }),
        h('input', { id: 'raise-name', name: 'name', required: true, autocomplete: 'off', 'aria-describedby': 'raise-error' })),
      h('div', { class: 'field' },
        h('label', { for: 'raise-level', text: t('sup.alert_level') }),
        h('input', { id: 'raise-level', name: 'level', type: 'number', min: 0, max: 100, step: 1, required: true,
          inputmode: 'numeric', 'aria-describedby': 'raise-error' })),
      h('button', { type: 'submit', class: 'primary', text: t('sup.raise') }),
      error);
  }

  function renderHeader() {
    if (!status) {
      replaceKeepingFocus(header, [h('p', { class: 'muted', text: t('app.loading') })]);
      return;
    }
    replaceKeepingFocus(header, [h('p', {},
      t('sup.now', { time: formatDateTime(status.now) }), ' · ',
      t('sup.agents_active_total', { count: formatNumber(status.agents_active) }))]);
  }

  function renderAlerts() {
    if (alerts.length === 0) {
      replaceKeepingFocus(alertsTable, [h('p', { class: 'muted', text: t('sup.no_alerts') })]);
      return;
    }
    replaceKeepingFocus(alertsTable, [h('table', {},
      h('thead', {}, h('tr', {}, ['name', 'level', 'state', 'raised', 'ended', 'actions'].map((column) =>
        h('th', { scope: 'col', text: t(`sup.alert_column.${column}`) })))),
      h('tbody', {}, alerts.map((alert) => h('tr', { dataset: { alert: alert.name } },
        h('td', { text: alert.name }),
        h('td', { text: formatNumber(alert.level) }),
        h('td', {}, h('span', { class: `badge ${alert.active ? 'state-open' : 'state-closed'}`,
          text: t(alert.active ? 'sup.alert_active' : 'sup.alert_ended') })),
        h('td', { text: t('sup.raised_by', { time: formatDateTime(alert.raised_at), user: alert.raised_by || '—' }) }),
        h('td', { text: alert.ended_at ? formatDateTime(alert.ended_at) : '—' }),
        h('td', {}, alert.active ? h('button', {
          type: 'button', dataset: { focusKey: `end-${alert.name}` },
          'aria-label': t('sup.end_alert_named', { name: alert.name }), on: { click: () => end(alert.name) },
        }, t('sup.end_alert')) : null)))))]);
  }

  function renderCampaigns() {
    if (!status) return;
    if (status.campaigns.length === 0) {
      replaceKeepingFocus(campaigns, [h('p', { class: 'muted', text: t('sup.no_campaigns') })]);
      return;
    }
    replaceKeepingFocus(campaigns, status.campaigns.map(campaignCard));
  }

  function campaignCard(campaign) {
    const id = `campaign-${campaign.campaign}`;
    const cycles = [...(campaign.cycles ?? [])].sort((a, b) => b.cycle - a.cycle);
    return h('article', { class: 'campaign panel', id, 'aria-labelledby': `${id}-title` },
      h('h4', { id: `${id}-title`, text: t('sup.campaign_heading', { title: campaign.title || campaign.campaign, name: campaign.campaign }) }),
      h('dl', { class: 'figures' },
        figure('sup.trigger', triggerText(campaign)),
        figure('sup.agents_active', formatNumber(campaign.agents_active)),
        figure('sup.attempts_per_hour', formatNumber(campaign.attempts_per_hour ?? campaign.attempts_last_hour)),
        figure('sup.outbox_pending', formatNumber(campaign.outbox_pending)),
        campaign.next_cycle_at ? figure('sup.next_cycle', formatDateTime(campaign.next_cycle_at, campaign.timezone)) : null),
      cycles.length === 0
        ? h('p', { class: 'muted', text: t('sup.no_cycle') })
        : cycles.map((cycle) => cycleBlock(campaign, cycle)));
  }

  function figure(key, value) {
    return h('div', {}, h('dt', { text: t(key) }), h('dd', {}, value));
  }

  function triggerText(campaign) {
    const trigger = campaign.trigger;
    if (!trigger) return t('sup.no_trigger');
    const op = { '>=': '≥', '<=': '≤', '==': '=', '!=': '≠' }[trigger.op] ?? trigger.op;
    const text = t('sup.trigger_text', { alert: trigger.alert, op, level: trigger.level });
    return `${text} — ${t(campaign.trigger_holds ? 'sup.trigger_holds' : 'sup.trigger_not_holds')}`;
  }

  function cycleBlock(campaign, cycle) {
    const zone = campaign.timezone;
    const base = `${campaign.campaign}-cycle-${cycle.cycle}`;
    const rate = cycle.useful_rate ?? (cycle.contacts ? cycle.useful / cycle.contacts : null);
    const deadline = deadlineState(cycle, status.now);

    return h('section', { class: 'cycle', 'aria-labelledby': `${base}-title`, dataset: { cycle: cycle.cycle } },
      h('h5', { id: `${base}-title`, text: t(cycle.ended ? 'sup.cycle_ended' : 'sup.cycle_open', {
        cycle: cycle.cycle, started: formatDateTime(cycle.started, zone), ended: formatDateTime(cycle.ended, zone) }) }),
      h('div', { class: 'progress-line' },
        h('span', { id: `${base}-progress-label`, text: t('sup.progress', {
          decided: formatNumber(cycle.decided), contacts: formatNumber(cycle.contacts),
          percent: formatPercent(cycle.contacts ? cycle.decided / cycle.contacts : 0) }) }),
        h('progress', { max: Math.max(cycle.contacts, 1), value: cycle.decided, 'aria-labelledby': `${base}-progress-label` })),
      h('dl', { class: 'figures' },
        figure('sup.attempted', formatNumber(cycle.attempted)),
        figure('sup.held', formatNumber(cycle.held)),
        figure('sup.attempts', formatNumber(cycle.attempts)),
        figure('sup.useful_rate', usefulText(rate, campaign.target)),
        figure('sup.first_call', firstCallText(cycle, deadline, zone)),
        figure('sup.window_end', formatDateTime(cycle.window_end, zone))),
      countList('sup.outcomes', cycle.outcomes, (name) => outcomeLabel(name)),
      // NOTE: /api/status gives route ids without their titles, so the
      // route names here are the campaign's ids shown as words.
      countList('sup.routes', cycle.routes, (name) => humanize(name)),
      h('p', { class: 'exports' }, t('sup.exports'), ' ', EXPORTS.map((kind) => [h('a', {
        href: `/api/campaigns/${encodeURIComponent(campaign.campaign)}/export/${kind}.csv?cycle=${cycle.cycle}`,
        download: `${campaign.campaign}-cycle${cycle.cycle}-${kind}.csv`,
        dataset: { focusKey: `export-${base}-${kind}` },
        text: t(`sup.export.${kind}`),
      }), ' '])));
  }

  function usefulText(rate, target) {
    if (target === null || target === undefined) return formatPercent(rate);
    const reached = rate !== null && rate >= target;
    return h('span', { class: reached ? 'good' : 'warn', text: t('sup.useful_vs_target', {
      rate: formatPercent(rate), target: formatPercent(target) }) });
  }

  function firstCallText(cycle, deadline, zone) {
    const delay = cycle.first_call_at ? t('sup.first_call_after', {
      duration: formatDuration(seconds(cycle.started, cycle.first_call_at)) }) : t('sup.no_call_yet');
    if (!deadline) return delay;
    const limit = t('sup.deadline', { time: formatDateTime(cycle.start_deadline, zone) });
    return [delay, ' · ', limit, ' ', h('span', { class: `badge deadline-${deadline}`, text: t(`sup.deadline_${deadline}`) })];
  }

  function countList(key, counts, label) {
    const entries = Object.entries(counts ?? {});
    if (entries.length === 0) return null;
    const items = entries.map(([name, count]) => t('sup.count_entry', { label: label(name), count: formatNumber(count) }));
    return h('p', { class: 'counts' }, t(key), ' ', items.join(', '));
  }

  async function refresh() {
    try {
      const [nextStatus, nextAlerts] = await Promise.all([get('/api/status'), get('/api/alerts')]);
      const statusBody = JSON.stringify(nextStatus);
      const alertsBody = JSON.stringify(nextAlerts);
      status = nextStatus;
      renderHeader();
      if (statusBody !== lastStatus) {
        lastStatus = statusBody;
        renderCampaigns();
      }
      if (alertsBody !== lastAlerts) {
        lastAlerts = alertsBody;
        alerts = nextAlerts;
        renderAlerts();
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401) ctx.announce(t('sup.load_failed', { message: describeError(error, t) }), 'error');
    }
  }

  function setFormError(text) {
    formError = text;
    const element = root.querySelector('#raise-error');
    if (element) element.textContent = text ?? '';
  }

  async function raise(event) {
    event.preventDefault();
    const form = event.target;
    const name = form.elements.name.value.trim();
    const level = form.elements.level.value.trim();

    setFormError(null);
    if (!name) {
      setFormError(t('sup.error.name_required'));
      form.elements.name.focus();
      return;
    }
    if (!/^\d+$/.test(level) || Number(level) > 100) {
      setFormError(t('sup.error.level_range'));
      form.elements.level.focus();
      return;
    }

    try {
      const result = await post('/api/alerts', { name, level: Number(level) });
      const started = (result.cycles_started ?? []).map((entry) =>
        t('sup.cycle_started', { campaign: entry.campaign, cycle: entry.cycle }));
      ctx.announce([t('sup.alert_raised', { name, level }), ...started].join(' '), 'success');
      form.elements.name.value = '';
      form.elements.level.value = '';
      lastAlerts = '';
      lastStatus = '';
      await refresh();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) return;
      setFormError(describeError(error, t));
      form.elements.name.focus();
    }
  }

  // Ends an alert after the user confirms in the browser's dialog, which
  // takes Enter and Escape and keeps focus on the button when cancelled.
  async function end(name) {
    if (!window.confirm(t('sup.end_alert_confirm', { name }))) {
      ctx.announce(t('sup.end_alert_cancelled', { name }));
      return;
    }
    try {
      await del(`/api/alerts/${encodeURIComponent(name)}`);
      ctx.announce(t('sup.alert_ended_message', { name }), 'success');
      lastAlerts = '';
      await refresh();
      root.querySelector('#raise-name')?.focus();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401) ctx.announce(t('sup.action_failed', { message: describeError(error, t) }), 'error');
    }
  }

  return {
    id: 'supervisor',
    titleKey: 'view.supervisor',
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
    shortcut() {
      return false;
    },
    destroy() {
      clearInterval(timer);
    },
  };
}
