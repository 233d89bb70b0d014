// The questionnaire form of the agent desk: the inputs of each question
// kind, the disposition list and the callback time, and reading and
// clearing answers in the page. Element ids are p<person>-q-<question>.

import { h, kbd } from './dom.js';
import { t, zoneLabel } from './i18n.js';
import { dispositionLabel } from './people.js';

function optionsOf(question) {
  if (question.kind === 'yes_no') {
    return [{ id: 'yes', label: t('answer.yes') }, { id: 'no', label: t('answer.no') }];
  }
  return question.options ?? [];
}

// The inputs of one question for person `index`: radio buttons for yes_no
// and choice, checkboxes for multi, a number field, or the text of a `say`
// step. Digits 1 to 9 are shown next to the first nine options. The
// question number is filled in by renumberQuestions, which skips hidden
// questions.
export function questionElement(person, index, question) {
  const id = `p${index}-q-${question.id}`;
  const hidden = !(person.applies.get(question.id) ?? !question.conditional);
  const attrs = { class: 'question', id, hidden, dataset: { person: index, question: question.id, kind: question.kind } };
  const error = h('p', { class: 'field-error', id: `${id}-error` });
  const values = person.answers.get(question.id) ?? [];

  if (question.kind === 'say') {
    return h('div', { ...attrs, class: 'question say' }, h('p', { text: question.text }));
  }

  const title = question.optional ? t('desk.question_optional', { text: question.text }) : question.text;

  if (question.kind === 'number') {
    const input = h('input', {
      type: 'number', id: `${id}-input`, name: id, inputmode: question.integer ? 'numeric' : 'decimal',
      min: question.min ?? null, max: question.max ?? null, step: question.integer ? '1' : 'any',
      'aria-describedby': `${id}-hint ${id}-error`,
    });
    input.value = values[0] ?? '';
    const hint = question.min !== null && question.min !== undefined && question.max !== null && question.max !== undefined
      ? t('desk.number_range', { min: question.min, max: question.max }) : '';
    return h('div', attrs,
      h('label', { for: `${id}-input`, class: 'question-title' }, h('span', { class: 'question-number' }), title),
      input,
      h('p', { class: 'hint', id: `${id}-hint`, text: hint }),
      error);
  }

  const type = question.kind === 'multi' ? 'checkbox' : 'radio';
  const options = optionsOf(question);
  return h('fieldset', { ...attrs, 'aria-describedby': `${id}-error` },
    h('legend', { class: 'question-title' }, h('span', { class: 'question-number' }), title),
    h('div', { class: 'options' }, options.map((option, position) => {
      const input = h('input', {
        type, name: id, id: `${id}-${option.id}`, value: option.id,
        'aria-keyshortcuts': position < 9 ? String(position + 1) : null,
      });
      input.checked = values.includes(option.id);
      return h('label', { class: 'option', for: `${id}-${option.id}` },
        input,
        position < 9 ? h('span', { class: 'digit', 'aria-hidden': 'true', text: String(position + 1) }) : null,
        h('span', { text: option.label }));
    })),
    error);
}

// Numbers the visible questions of person `index` 1, 2, 3… so that a
// hidden conditional question leaves no gap.
export function renumberQuestions(root, index) {
  let number = 0;
  for (const container of root.querySelectorAll(`#p${index}-work .question:not(.say)`)) {
    const label = container.querySelector('.question-number');
    if (!label) continue;
    if (container.hidden) {
      label.textContent = '';
      continue;
    }
    number += 1;
    label.textContent = `${number}. `;
  }
}

// Gives one checkbox of each multiple-choice question of person `index`
// tabindex 0 and the others -1 (a roving tabindex), so that Tab moves from
// question to question as it does for radio buttons. The checkbox kept in
// the tab order is `preferred`, else the first ticked one, else the first.
export function syncRoving(root, index, preferred = null) {
  for (const container of root.querySelectorAll(`#p${index}-work .question[data-kind=multi]`)) {
    const boxes = [...container.querySelectorAll('input[type=checkbox]')];
    const keep = (preferred && boxes.includes(preferred)) ? preferred : boxes.find((box) => box.checked) ?? boxes[0];
    for (const box of boxes) box.tabIndex = box === keep ? 0 : -1;
  }
}

// The option number of a digit key, 1 to 9, from the key or, on layouts
// where the digits need Shift (French AZERTY), from the physical key.
function digitOf(event) {
  if (/^[1-9]$/.test(event.key)) return Number(event.key);
  const code = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
  return code && !event.shiftKey ? Number(code[1]) : null;
}

// Handles a key pressed on an option of a question: a digit picks (radio)
// or toggles (checkbox) the option with that number in this question only,
// and the arrow keys move between the checkboxes of a multiple-choice
// question (radio buttons keep the browser's own arrow keys). Space keeps
// its native toggle. Returns whether the key was handled.
export function rovingKeydown(event) {
  const target = event.target;
  const container = target.closest('.question');
  if (!container) return false;
  const inputs = [...container.querySelectorAll('input[type=radio], input[type=checkbox]')];

  const digit = digitOf(event);
  if (digit !== null) {
    const input = inputs[digit - 1];
    if (!input) return false;
    event.preventDefault();
    input.checked = input.type === 'radio' ? true : !input.checked;
    moveFocus(container, input);
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }

  if (target.type !== 'checkbox') return false;
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  let next = null;
  if (step !== undefined) next = inputs[(inputs.indexOf(target) + step + inputs.length) % inputs.length];
  if (event.key === 'Home') next = inputs[0];
  if (event.key === 'End') next = inputs[inputs.length - 1];
  if (!next) return false;
  event.preventDefault();
  moveFocus(container, next);
  return true;
}

function moveFocus(container, input) {
  if (input.type === 'checkbox') {
    for (const box of container.querySelectorAll('input[type=checkbox]')) box.tabIndex = box === input ? 0 : -1;
  }
  input.focus();
}

// The disposition list of person `index`, with the campaign's dispositions.
export function dispositionField(person, index, dispositions) {
  const id = `p${index}-disposition`;
  const select = h('select', {
    id, name: id, required: true, 'aria-describedby': `${id}-hint ${id}-error`,
    'aria-keyshortcuts': index === 0 ? 'Alt+D' : null, dataset: { role: 'disposition', person: index },
  },
  h('option', { value: '', text: t('desk.disposition_choose') }),
  dispositions.map((entry) => h('option', { value: entry.id, text: dispositionLabel(entry.id, entry.label) })));
  select.value = person.disposition;

  return h('div', { class: 'field disposition' },
    h('label', { for: id }, t('desk.disposition'), index === 0 ? [' ', kbd('Alt+D')] : null),
    select,
    h('p', { class: 'hint', id: `${id}-hint`, text: dispositionHint(person) }),
    h('p', { class: 'field-error', id: `${id}-error` }));
}

// Parses a callback time typed as "DD/MM/YYYY HH:MM" (the separators may
// also be '-' or '.', and 'h' between hours and minutes) into the API's
// "YYYY-MM-DDTHH:MM". Returns null for text that is not a real date and
// time. A text field is used rather than datetime-local because Chromium
// shows the latter in the browser's locale (mm/dd/yyyy under en-US)
// whatever the page's language.
export function parseCallback(text) {
  const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s+(\d{1,2})[:hH](\d{2})\s*$/.exec(text ?? '');
  if (!match) return null;
  const [day, month, year, hour, minute] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!realDay || hour > 23 || minute > 59) return null;
  const pad = (value) => String(value).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

// The callback time of person `index`, in the person's own time zone;
// shown only for the `callback` disposition.
export function callbackField(person, index) {
  const id = `p${index}-callback`;
  const input = h('input', {
    type: 'text', id, name: id, 'aria-describedby': `${id}-hint ${id}-error`, inputmode: 'numeric',
    autocomplete: 'off', placeholder: t('desk.callback_format'), size: 18,
    dataset: { role: 'callback', person: index },
  });
  input.value = person.callback;

  return h('div', { class: 'field', id: `${id}-row`, hidden: person.disposition !== 'callback' },
    h('label', { for: id, text: t('desk.callback') }),
    input,
    h('p', { class: 'hint', id: `${id}-hint`, text: t('desk.callback_hint', {
      format: t('desk.callback_format'), zone: zoneLabel(person.record.timezone) || person.record.timezone || '—' }) }),
    h('p', { class: 'field-error', id: `${id}-error` }));
}

export function completeText(person) {
  return person.complete ? t('desk.complete') : t('desk.incomplete');
}

export function dispositionHint(person) {
  if (person.disposition === 'completed' && !person.complete) return t('desk.completed_but_incomplete');
  return '';
}

// The answer values a question's inputs hold, as the API takes them.
export function readQuestion(root, index, question) {
  const container = root.querySelector(`#p${index}-q-${CSS.escape(question.id)}`);
  if (!container) return [];
  if (question.kind === 'number') {
    const value = container.querySelector('input').value.trim();
    return value === '' ? [] : [value];
  }
  return [...container.querySelectorAll('input:checked')].map((input) => input.value);
}

export function clearQuestion(root, index, questionId) {
  const container = root.querySelector(`#p${index}-q-${CSS.escape(questionId)}`);
  if (!container) return;
  for (const input of container.querySelectorAll('input')) {
    if (input.type === 'number') input.value = '';
    else input.checked = false;
  }
}

// Finds what a server validation error is about from its message, such as
// "contact T001: the answer '50' does not fit question 'temp'; ...", or
// from `details.contact_id` and `details.question` when the server sends
// them. Returns {contactId, target}; `target` is a question id, 'callback',
// 'disposition', or null when the message names none of them.
export function serverErrorField(message, details, contactIds, questionIds) {
  const escape = (id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const asWord = (id) => new RegExp(`(^|[^\\w])${escape(id)}([^\\w]|$)`).test(message);
  // Only quoted question ids count: an error about an unknown question
  // lists every id of the script, unquoted.
  const quoted = (id) => [`'${id}'`, `"${id}"`, `\`${id}\``].some((form) => message.includes(form));

  const contactId = details.contact_id ?? contactIds.find(asWord) ?? null;
  let target = details.question ?? questionIds.find(quoted) ?? null;
  if (!target && /callback[ _](time|local)/i.test(message)) target = 'callback';
  if (!target && /disposition/i.test(message)) target = 'disposition';
  return { contactId, target };
}
