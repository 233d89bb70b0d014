// The agent desk: take the next due contact, call, ask the questionnaire of
// each person on the line, and submit the disposition and the answers.
//
// While a contact is held the desk sends heartbeats so that the hold does
// not expire while the agent is on the phone: every 20 s, or sooner when a
// third of the time left on the hold is shorter (a short hold_timeout). After every
// answer change it asks the server to settle the draft: questions that no
// longer apply are hidden and their inputs cleared.

import { h, kbd } from './dom.js';
import { t, formatDateTime, formatClock, zoneLabel } from './i18n.js';
import { get, post, ApiError, describeError } from './api.js';
import { SHORTCUTS } from './shortcuts.js';
import { personName, phoneLink, outcomeLabel, fieldList, history } from './people.js';
import {
  questionElement, dispositionField, callbackField, completeText, dispositionHint, readQuestion, clearQuestion,
  serverErrorField, renumberQuestions, rovingKeydown, syncRoving, parseCallback,
} from './questionnaire.js';

const HEARTBEAT_MAX_MS = 20000;
// A floor, so that a hold about to expire does not make the desk send
// heartbeats in a tight loop.
const HEARTBEAT_MIN_MS = 1000;
// When the offset between the service clock and this browser is not known
// yet (a hold resumed after a page reload), the desk beats this often.
const HEARTBEAT_UNKNOWN_CLOCK_MS = 5000;

// The delay before the next heartbeat: a third of the time left on the
// hold, at most 20 s. `serverNowMs` is the estimated service clock, or
// null when unknown.
export function heartbeatDelay(expiresAt, serverNowMs) {
  if (serverNowMs === null || serverNowMs === undefined) return HEARTBEAT_UNKNOWN_CLOCK_MS;
  const left = Date.parse(expiresAt) - serverNowMs;
  if (Number.isNaN(left)) return HEARTBEAT_UNKNOWN_CLOCK_MS;
  return Math.max(HEARTBEAT_MIN_MS, Math.min(HEARTBEAT_MAX_MS, Math.floor(left / 3)));
}

// Dispositions of a call nobody answered: the talk time is 0.
const NOT_ANSWERED = new Set(['no_answer', 'busy', 'voicemail', 'failed']);
// Dispositions that describe the line: given for the dialled person, they
// apply to everyone on the number, so the other questionnaires are hidden.
const LINE_DISPOSITIONS = new Set(['no_answer', 'busy', 'voicemail', 'failed', 'wrong_number']);

function newPerson(record) {
  return {
    record,
    answers: new Map(),  // question id -> values, as sent to the API
    applies: new Map(),  // question id -> bool, from the last settle
    complete: false,
    disposition: '',
    callback: '',
    submittedComplete: null,
    settleSeq: 0,
    pending: Promise.resolve(),
  };
}

export function createDeskView(ctx) {
  const root = h('section', { class: 'view', id: 'desk-view', 'aria-labelledby': 'desk-title' });
  const scripts = new Map();

  let handout = null;
  let script = null;
  let people = [];
  let errors = [];  // {person, target: question id | 'disposition' | 'callback' | 'form', message}
  let callStartedAt = null;
  let idle = null;  // what the idle panel says: {key, params} or {decisions}
  let heartbeatTimer = null;
  let clockTimer = null;
  let busy = false;
  let started = false;
  // Service clock minus browser clock, in ms, learned from the taken_at of
  // a contact handed just now. The service may run a demo clock set to
  // another day, so the browser's own clock cannot be compared with
  // expires_at directly.
  let clockOffsetMs = null;
  // Set when the agent was warned that a "completed" questionnaire is
  // incomplete; the next submit goes through.
  let partialConfirmed = false;

  const message = (entry) => (entry.key ? t(entry.key, entry.params ?? {}) : entry.text);
  const form = () => root.querySelector('#contact-form');
  const questionById = (id) => script?.questions.find((question) => question.id === id);

  // ---- rendering -------------------------------------------------------

  function render() {
    if (handout) renderHandout();
    else renderIdle();
  }

  function renderIdle() {
    const next = h('button', {
      type: 'button', id: 'next-contact', class: 'primary', 'aria-keyshortcuts': 'Alt+N',
      on: { click: () => takeNext() },
    }, t('desk.next'), ' ', kbd('Alt+N'));

    root.replaceChildren(
      h('h2', { id: 'desk-title', text: t('desk.title') }),
      h('p', { text: t('desk.idle_help') }),
      next,
      idlePanel(),
      shortcutHelp());
  }

  function idlePanel() {
    if (!idle) return null;
    if (!idle.decisions) return h('p', { class: 'notice', id: 'desk-idle-message', text: message(idle) });

    return h('div', { class: 'notice', id: 'desk-idle-message' },
      h('p', { text: t('desk.saved') }),
      h('ul', {}, idle.decisions.map((decision) => h('li', { text: decisionText(decision) }))));
  }

  function decisionText(decision) {
    const person = idle.people?.find((entry) => entry.contact_id === decision.contact_id);
    const name = person ? personName(person) : decision.contact_id;
    const dispositions = idle.dispositions ?? [];

    let text = decision.final
      ? t('desk.decision_final', { name, outcome: outcomeLabel(decision.outcome, dispositions) })
      : t('desk.decision_retry', {
        name, time: formatDateTime(decision.next_attempt, person?.timezone) || t('desk.no_retry_time'),
      });
    if (savedAsPartial(decision)) text += ' ' + t('desk.saved_as_partial');
    if (decision.routes?.length) text += ' ' + t('desk.decision_routes', { routes: decision.routes.join(', ') });
    return text;
  }

  // Whether the service stored as partial a person submitted as completed.
  // It reads `downgraded` or `disposition` when the decision has them, else
  // compares with the last settle of the draft (complete: false).
  function savedAsPartial(decision) {
    const submitted = idle?.submitted?.[decision.contact_id];
    if (submitted?.disposition !== 'completed') return false;
    if (typeof decision.downgraded === 'boolean') return decision.downgraded;
    if (decision.disposition) return decision.disposition !== 'completed';
    return submitted.complete === false;
  }

  // The shortcut list, from the table the key handler reads (shortcuts.js).
  function shortcutHelp() {
    return h('details', { class: 'shortcuts', id: 'shortcut-list' },
      h('summary', { text: t('shortcut.title') }),
      h('dl', {}, SHORTCUTS.map((entry) => [
        h('dt', {}, kbd(entry.keys ?? t(entry.keysKey))), h('dd', { text: t(entry.description) })])));
  }

  function renderHandout() {
    const first = handout.people[0];
    const element = h('form', {
      id: 'contact-form', novalidate: true, 'aria-labelledby': 'contact-title',
      on: { submit: onSubmit, change: onChange, keydown: onKeydown },
    },
    h('h2', { id: 'contact-title', text: t('desk.contact_title', { campaign: script.title || script.campaign, cycle: handout.cycle }) }),
    h('p', { class: 'muted', id: 'hold-expiry', text: holdText() }),
    h('div', { class: 'callbar' },
      h('span', { class: 'label', text: t('desk.phone') }),
      phoneLink(first.phone, { id: 'phone-link' }),
      h('button', {
        type: 'button', id: 'call-started', 'aria-keyshortcuts': 'Alt+C',
        'aria-pressed': callStartedAt ? 'true' : 'false', on: { click: startCall },
      }, t('desk.call_started'), ' ', kbd('Alt+C')),
      h('span', { id: 'call-clock', class: 'clock', 'aria-live': 'off', text: clockText() })),
    people.length > 1 ? h('p', { class: 'notice', text: t('desk.household', { count: people.length }) }) : null,
    people.map((person, index) => personSection(person, index)),
    h('p', { class: 'field-error', id: 'form-error', tabindex: '-1' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'submit-contact', class: 'primary', 'aria-keyshortcuts': 'Alt+S' },
        t('desk.submit'), ' ', kbd('Alt+S'))));

    root.replaceChildren(element, shortcutHelp());
    people.forEach((_, index) => {
      renumberQuestions(root, index);
      syncRoving(root, index);
    });
    updateLineDisposition();
    renderErrors();
  }

  function personSection(person, index) {
    const record = person.record;
    const base = `p${index}`;
    return h('section', { class: 'person', id: base, 'aria-labelledby': `${base}-title`, dataset: { person: index } },
      h('h3', { id: `${base}-title`, text: t('desk.person_heading', {
        index: index + 1, count: people.length, name: personName(record),
      }) }),
      h('div', { class: 'person-grid' },
        h('div', { class: 'panel' },
          h('h4', { text: t('desk.record') }),
          h('p', {}, h('strong', { text: t('desk.attempt_number', { attempt: record.attempt }) })),
          h('p', { class: 'muted', text: t('desk.contact_id', { id: record.contact_id }) }),
          h('p', { class: 'muted', text: timezoneText(record.timezone) }),
          fieldList(record, new Date(handout.taken_at ?? Date.now()))),
        h('div', { class: 'panel' },
          h('h4', { text: t('desk.history') }),
          history(record, script.dispositions))),
      h('p', { class: 'notice', id: `${base}-line-note`, hidden: true, text: t('desk.line_applies_to_all') }),
      h('div', { class: 'work', id: `${base}-work` },
        h('h4', { text: t('desk.questionnaire') }),
        script.questions.map((question) => questionElement(person, index, question)),
        h('p', { class: 'muted', id: `${base}-complete`, text: completeText(person) }),
        dispositionField(person, index, script.dispositions),
        callbackField(person, index)));
  }

  function timezoneText(zone) {
    if (!zone) return t('desk.timezone', { zone: '—' });
    const label = zoneLabel(zone);
    return t('desk.timezone', { zone: label ? `${label} (${zone})` : zone });
  }

  function holdText() {
    return handout ? t('desk.hold_until', { time: formatDateTime(handout.expires_at) }) : '';
  }

  function clockText() {
    if (!callStartedAt) return t('desk.call_not_started');
    return t('desk.call_duration', { duration: formatClock((Date.now() - callStartedAt) / 1000) });
  }

  // ---- errors ----------------------------------------------------------

  function errorElementId(error) {
    if (error.target === 'form') return 'form-error';
    if (error.target === 'disposition' || error.target === 'callback') return `p${error.person}-${error.target}-error`;
    return `p${error.person}-q-${error.target}-error`;
  }

  function renderErrors() {
    for (const element of root.querySelectorAll('.field-error')) element.textContent = '';
    for (const element of root.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');

    for (const error of errors) {
      const element = root.querySelector(`#${CSS.escape(errorElementId(error))}`);
      if (!element) continue;
      element.textContent = message(error.message);
      for (const input of invalidInputs(error)) input.setAttribute('aria-invalid', 'true');
    }
  }

  function invalidInputs(error) {
    if (error.target === 'form') return [];
    if (error.target === 'disposition' || error.target === 'callback') {
      const input = root.querySelector(`#p${error.person}-${error.target}`);
      return input ? [input] : [];
    }
    const container = root.querySelector(`#p${error.person}-q-${CSS.escape(error.target)}`);
    return container ? [...container.querySelectorAll('input')] : [];
  }

  function focusFirstError() {
    const error = errors[0];
    if (!error) return;
    const target = invalidInputs(error).find((input) => !input.closest('[hidden]'));
    (target ?? root.querySelector('#form-error'))?.focus();
  }

  // The field a server validation error is about, on a part of the form
  // that is shown: the question, callback time or disposition the error
  // names, else the form as a whole.
  function locateServerError(error, active) {
    const contactIds = active.map((index) => people[index].record.contact_id);
    const questionIds = script.questions.filter((question) => question.kind !== 'say').map((question) => question.id);
    const found = serverErrorField(error.message ?? '', error.details ?? {}, contactIds, questionIds);
    if (!found.target) return { person: 0, target: 'form' };

    const person = people.findIndex((entry) => entry.record.contact_id === found.contactId);
    let located = { person: person < 0 ? active[0] : person, target: found.target };
    if (isHidden(located)) located = { ...located, target: 'disposition' };
    if (isHidden(located)) located = { person: 0, target: 'form' };
    return located;
  }

  function isHidden(error) {
    const element = root.querySelector(`#${CSS.escape(errorElementId(error))}`);
    return !element || element.closest('[hidden]') !== null;
  }

  // ---- answers and settling ---------------------------------------------

  function syncFromDom() {
    people.forEach((person, index) => {
      for (const question of script.questions) {
        if (question.kind === 'say') continue;
        const values = readQuestion(root, index, question);
        if (values.length) person.answers.set(question.id, values);
        else person.answers.delete(question.id);
      }
    });
  }

  function draftAnswers(person) {
    return script.questions
      .filter((question) => person.answers.get(question.id)?.length && person.applies.get(question.id) !== false)
      .map((question) => ({ question: question.id, values: person.answers.get(question.id) }));
  }

  function settle(index) {
    const person = people[index];
    const token = handout.token;
    const sequence = ++person.settleSeq;
    const body = { token, contact_id: person.record.contact_id, answers: draftAnswers(person) };

    person.pending = post('/api/desk/settle', body)
      .then((result) => {
        // Only the answer to the latest draft counts; an older one may
        // arrive after a newer change.
        if (!handout || handout.token !== token || sequence !== person.settleSeq) return;
        applySettle(index, result);
      })
      .catch((error) => deskError(error));
    return person.pending;
  }

  function applySettle(index, result) {
    const person = people[index];
    const cleared = new Set(result.cleared ?? []);

    for (const state of result.questions ?? []) {
      person.applies.set(state.id, state.applies);
      if (!state.applies) cleared.add(state.id);
    }
    const dropped = [...cleared].filter((id) => person.answers.has(id));
    for (const id of cleared) {
      person.answers.delete(id);
      clearQuestion(root, index, id);
    }
    person.complete = Boolean(result.complete);

    updateVisibility(index);
    const complete = root.querySelector(`#p${index}-complete`);
    if (complete) complete.textContent = completeText(person);
    const hint = root.querySelector(`#p${index}-disposition-hint`);
    if (hint) hint.textContent = dispositionHint(person);

    if (dropped.length) {
      const texts = dropped.map((id) => questionById(id)?.text ?? id);
      ctx.announce(t('desk.cleared', { questions: texts.join(' ; ') }));
    }
  }

  function updateVisibility(index) {
    const person = people[index];
    for (const question of script.questions) {
      const container = root.querySelector(`#p${index}-q-${CSS.escape(question.id)}`);
      if (!container) continue;
      const hide = person.applies.get(question.id) === false;
      if (hide && container.contains(document.activeElement)) focusAfter(container);
      container.hidden = hide;
    }
    renumberQuestions(root, index);
  }

  // Moves focus to the first focusable element after `element`, so that
  // hiding the focused question does not drop focus to the page.
  function focusAfter(element) {
    const focusable = [...form().querySelectorAll('input, select, button, a[href]')]
      .filter((candidate) => !candidate.closest('[hidden]') && !element.contains(candidate));
    const next = focusable.find((candidate) =>
      element.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING);
    next?.focus();
  }

  function activePeople() {
    if (people.length > 1 && LINE_DISPOSITIONS.has(people[0].disposition)) return [0];
    return people.map((_, index) => index);
  }

  function updateLineDisposition() {
    const lineOnly = activePeople().length === 1 && people.length > 1;
    people.forEach((_, index) => {
      if (index === 0) return;
      const work = root.querySelector(`#p${index}-work`);
      const note = root.querySelector(`#p${index}-line-note`);
      if (work) work.hidden = lineOnly;
      if (note) note.hidden = !lineOnly;
    });
  }

  // ---- events ------------------------------------------------------------

  function onChange(event) {
    const target = event.target;
    const index = Number(target.closest('[data-person]')?.dataset.person);
    if (Number.isNaN(index) || !people[index]) return;
    const person = people[index];
    partialConfirmed = false;

    if (target.dataset.role === 'disposition') {
      person.disposition = target.value;
      root.querySelector(`#p${index}-callback-row`).hidden = person.disposition !== 'callback';
      root.querySelector(`#p${index}-disposition-hint`).textContent = dispositionHint(person);
      if (index === 0) updateLineDisposition();
      return;
    }
    if (target.dataset.role === 'callback') {
      person.callback = target.value;
      return;
    }

    const container = target.closest('.question');
    const question = container && questionById(container.dataset.question);
    if (!question) return;

    const values = readQuestion(root, index, question);
    if (values.length) person.answers.set(question.id, values);
    else person.answers.delete(question.id);
    if (target.type === 'checkbox') syncRoving(root, index, target);
    // Answering means somebody picked up, even if the agent forgot Alt+C.
    if (!callStartedAt) startCall();
    settle(index);
  }

  function onKeydown(event) {
    const target = event.target;
    const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
    const choiceInput = target.matches('input[type=radio], input[type=checkbox]');

    // Digits pick the options of the focused question, and arrows move
    // between the checkboxes of a multiple-choice question.
    if (plain && choiceInput && rovingKeydown(event)) return;

    // Browsers submit with Enter only from text fields; the desk also does
    // from options and the disposition list.
    if (plain && !event.shiftKey && event.key === 'Enter' && (choiceInput || target.matches('select'))) {
      event.preventDefault();
      form().requestSubmit();
    }
  }

  function startCall() {
    if (!handout || callStartedAt) return;
    callStartedAt = Date.now();
    root.querySelector('#call-started')?.setAttribute('aria-pressed', 'true');
    updateClock();
    ctx.announce(t('desk.call_started_now'));
  }

  function updateClock() {
    const clock = root.querySelector('#call-clock');
    if (clock) clock.textContent = clockText();
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (busy || !handout) return;
    busy = true;
    form().setAttribute('aria-busy', 'true');

    try {
      syncFromDom();
      const active = activePeople();
      await Promise.all(active.map((index) => settle(index)));
      if (!handout) return;

      errors = validate(active);
      if (errors.length) {
        renderErrors();
        focusFirstError();
        ctx.announce(t('desk.errors_found', { count: errors.length }), 'error');
        return;
      }

      if (!partialConfirmed && active.some((index) => people[index].disposition === 'completed' && !people[index].complete)) {
        partialConfirmed = true;
        const formError = root.querySelector('#form-error');
        formError.textContent = t('desk.confirm_partial');
        formError.focus();
        ctx.announce(t('desk.confirm_partial'), 'error');
        return;
      }

      const submitted = handout;
      const body = submission(active);
      const result = await post('/api/desk/submit', body);
      finish(submitted, result, active);
    } catch (error) {
      submitFailed(error);
    } finally {
      busy = false;
      form()?.removeAttribute('aria-busy');
    }
  }

  function validate(active) {
    const found = [];
    for (const index of active) {
      const person = people[index];
      if (!person.disposition) {
        found.push({ person: index, target: 'disposition', message: { key: 'desk.error.disposition_required' } });
        continue;
      }
      if (person.disposition === 'callback' && !person.callback) {
        found.push({ person: index, target: 'callback', message: { key: 'desk.error.callback_required' } });
      } else if (person.disposition === 'callback' && parseCallback(person.callback) === null) {
        found.push({ person: index, target: 'callback', message: { key: 'desk.error.callback_format' } });
      }
      if (NOT_ANSWERED.has(person.disposition)) continue;

      for (const question of script.questions) {
        const value = person.answers.get(question.id)?.[0];
        if (question.kind !== 'number' || value === undefined) continue;
        const number = Number(value);
        const outside = Number.isNaN(number) || (question.min !== null && question.min !== undefined && number < question.min) ||
          (question.max !== null && question.max !== undefined && number > question.max) ||
          (question.integer && !Number.isInteger(number));
        if (outside) {
          found.push({ person: index, target: question.id, message: { key: 'desk.error.number_range', params: {
            min: question.min ?? '−∞', max: question.max ?? '+∞' } } });
        }
      }
    }
    return found;
  }

  function submission(active) {
    const dialled = people[0].disposition;
    const talked = callStartedAt && !NOT_ANSWERED.has(dialled);
    return {
      token: handout.token,
      talk_s: talked ? Math.max(0, Math.round((Date.now() - callStartedAt) / 1000)) : 0,
      people: active.map((index) => {
        const person = people[index];
        const answered = !NOT_ANSWERED.has(person.disposition) && person.disposition !== 'wrong_number';
        return {
          contact_id: person.record.contact_id,
          disposition: person.disposition,
          answers: answered ? draftAnswers(person) : [],
          callback_local: person.disposition === 'callback' ? parseCallback(person.callback) : null,
        };
      }),
    };
  }

  function finish(submitted, result, active) {
    const sent = Object.fromEntries(active.map((index) => [people[index].record.contact_id, {
      disposition: people[index].disposition, complete: people[index].complete,
    }]));
    idle = {
      decisions: result.people ?? [],
      people: submitted.people,
      dispositions: script.dispositions,
      submitted: sent,
    };
    release();
    render();
    ctx.announce([t('desk.saved'), ...idle.decisions.map(decisionText)].join(' '), 'success');
    root.querySelector('#next-contact')?.focus();
  }

  function submitFailed(error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return;
    if (error.status === 404 || error.status === 403) {
      holdLost();
      return;
    }

    let target = { person: 0, target: 'form' };
    if (error.status === 400) target = locateServerError(error, activePeople());
    const text = error.status === 503 ? t('desk.stopping') : describeError(error, t);
    errors = [{ ...target, message: { text } }];
    renderErrors();
    focusFirstError();
    ctx.announce(t('desk.submit_failed', { message: text }), 'error');
  }

  // Handles an error of a settle or heartbeat request.
  function deskError(error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return;
    if (error.status === 404 || error.status === 403) {
      holdLost();
      return;
    }
    ctx.announce(describeError(error, t), 'error');
  }

  // The hold ended on the server (it expired, or the service restarted).
  function holdLost() {
    if (!handout) return;
    idle = { key: 'desk.hold_lost' };
    release();
    render();
    ctx.announce(t('desk.hold_lost'), 'error');
    root.querySelector('#next-contact')?.focus();
  }

  // ---- taking a contact ----------------------------------------------------

  async function scriptOf(campaign) {
    if (!scripts.has(campaign)) {
      scripts.set(campaign, await get(`/api/campaigns/${encodeURIComponent(campaign)}/script`));
    }
    return scripts.get(campaign);
  }

  async function takeNext() {
    if (handout) {
      ctx.announce(t('desk.finish_first'), 'error');
      focusFirstQuestion();
      return;
    }
    if (busy) return;
    busy = true;

    try {
      const result = await post('/api/desk/next', {});
      if (result.status === 'handed' || result.status === 'already_holding') {
        await load(result.handout, result.status === 'already_holding');
        return;
      }
      idle = result.status === 'no_active_cycle'
        ? { key: 'desk.no_active_cycle' }
        : result.next_due
          ? { key: 'desk.nothing_due_until', params: { time: formatDateTime(result.next_due) }, nextDue: result.next_due }
          : { key: 'desk.nothing_due' };
      render();
      ctx.announce(message(idle));
      root.querySelector('#next-contact')?.focus();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) return;
      idle = { key: error.status === 503 ? 'desk.stopping' : 'desk.next_failed', params: { message: describeError(error, t) } };
      render();
      ctx.announce(message(idle), 'error');
    } finally {
      busy = false;
    }
  }

  async function load(newHandout, resumed) {
    script = await scriptOf(newHandout.campaign);
    if (!resumed && newHandout.taken_at) clockOffsetMs = Date.parse(newHandout.taken_at) - Date.now();
    handout = newHandout;
    partialConfirmed = false;
    people = handout.people.map(newPerson);
    errors = [];
    callStartedAt = null;
    idle = null;

    render();
    startTimers();
    await Promise.all(people.map((_, index) => settle(index)));
    if (!handout) return;

    focusFirstQuestion();
    ctx.announce(t(resumed ? 'desk.resumed' : 'desk.handed', {
      name: personName(people[0].record), count: people.length,
    }));
  }

  function focusFirstQuestion() {
    const first = [...root.querySelectorAll('#p0 .question:not(.say)')].find((element) => !element.hidden);
    const input = first?.querySelector('input') ?? root.querySelector('#p0-disposition');
    input?.focus();
  }

  function release() {
    handout = null;
    people = [];
    errors = [];
    callStartedAt = null;
    stopTimers();
  }

  function startTimers() {
    stopTimers();
    scheduleHeartbeat();
    clockTimer = setInterval(updateClock, 1000);
  }

  // Plans the next heartbeat from the hold's current expires_at; called
  // when a contact is loaded and after each heartbeat response.
  function scheduleHeartbeat() {
    clearTimeout(heartbeatTimer);
    if (!handout) return;
    const serverNow = clockOffsetMs === null ? null : Date.now() + clockOffsetMs;
    heartbeatTimer = setTimeout(heartbeat, heartbeatDelay(handout.expires_at, serverNow));
  }

  function stopTimers() {
    clearTimeout(heartbeatTimer);
    clearInterval(clockTimer);
    heartbeatTimer = null;
    clockTimer = null;
  }

  async function heartbeat() {
    if (!handout) return;
    const token = handout.token;
    try {
      const result = await post('/api/desk/heartbeat', { token });
      if (handout?.token !== token) return;
      handout.expires_at = result.expires_at;
      const expiry = root.querySelector('#hold-expiry');
      if (expiry) expiry.textContent = holdText();
      scheduleHeartbeat();
    } catch (error) {
      deskError(error);
      // A network failure keeps the hold on screen: try again.
      if (handout?.token === token) scheduleHeartbeat();
    }
  }

  async function resume() {
    try {
      const result = await get('/api/desk/current');
      if (result?.handout && !handout) await load(result.handout, true);
    } catch (error) {
      if (error instanceof ApiError) deskError(error);
      else throw error;
    }
  }

  // ---- view interface --------------------------------------------------

  return {
    id: 'desk',
    titleKey: 'view.desk',
    element: root,
    show() {
      if (!started) {
        started = true;
        render();
        resume();
      }
    },
    hide() {},
    rerender() {
      if (handout) syncFromDom();
      if (idle?.nextDue) idle.params = { time: formatDateTime(idle.nextDue) };
      render();
    },
    holding: () => handout !== null,
    shortcut(action) {
      if (action === 'next') takeNext();
      else if (action === 'submit' && handout) form().requestSubmit();
      else if (action === 'call_started' && handout) startCall();
      else if (action === 'disposition' && handout) root.querySelector('#p0-disposition')?.focus();
      else return false;
      return true;
    },
    destroy() {
      stopTimers();
      handout = null;
    },
  };
}
