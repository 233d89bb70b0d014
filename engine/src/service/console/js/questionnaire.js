// The questionnaire form of the agent desk: the inputs of each question
// kind, the disposition list and the callback time, and reading and
// clearing answers in the page. Element ids are p<person>-q-<question>.

import { h, kbd } from './dom.js';
import { t } from './i18n.js';
import { dispositionLabel } from './people.js';

function optionsOf(question) {
  if (question.kind === 'yes_no') {
    return [{ id: 'yes', label: t('answer.yes') }, { id: 'no', label: t('answer.no') }];
  }
  return question.options ?? [];
}

// The inputs of one question for person `index`: radio buttons for yes_no
// and choice, checkboxes for multi, a number field, or the text of a `say`
// step. Digits 1 to 9 are shown next to the first nine options.
export function questionElement(person, index, question, number) {
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
      h('label', { for: `${id}-input`, class: 'question-title' }, `${number}. ${title}`),
      input,
      h('p', { class: 'hint', id: `${id}-hint`, text: hint }),
      error);
  }

  const type = question.kind === 'multi' ? 'checkbox' : 'radio';
  const options = optionsOf(question);
  return h('fieldset', { ...attrs, 'aria-describedby': `${id}-error` },
    h('legend', { class: 'question-title' }, `${number}. ${title}`),
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

// The callback time of person `index`, in the person's own time zone;
// shown only for the `callback` disposition.
export function callbackField(person, index) {
  const id = `p${index}-callback`;
  const input = h('input', {
    type: 'datetime-local', id, name: id, 'aria-describedby': `${id}-hint ${id}-error`,
    dataset: { role: 'callback', person: index },
  });
  input.value = person.callback;

  return h('div', { class: 'field', id: `${id}-row`, hidden: person.disposition !== 'callback' },
    h('label', { for: id, text: t('desk.callback') }),
    input,
    h('p', { class: 'hint', id: `${id}-hint`, text: t('desk.callback_hint', { zone: person.record.timezone || '—' }) }),
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
