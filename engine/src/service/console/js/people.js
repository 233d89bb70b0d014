// Display helpers for a person's record (PersonRecord of the API) on the
// agent desk and the alert desk.

import { h } from './dom.js';
import { t, has, formatDateTime, formatPhone, formatDate, ageOn, humanize } from './i18n.js';

// Register field names that hold a first or last name, in display order.
const FIRST_NAME_FIELDS = ['prenom', 'first_name', 'firstname', 'given_name'];
const LAST_NAME_FIELDS = ['nom', 'last_name', 'lastname', 'family_name', 'name'];

function firstField(fields, names) {
  for (const name of names) {
    if (fields[name]) return fields[name];
  }
  return '';
}

// "Huguette LUCAS" from the register fields, else the contact id.
export function personName(person) {
  const fields = person?.fields ?? {};
  const first = firstField(fields, FIRST_NAME_FIELDS);
  const last = firstField(fields, LAST_NAME_FIELDS);
  const name = [first, last].filter(Boolean).join(' ');
  return name || t('person.unnamed', { id: person?.contact_id ?? '' });
}

// A tel: link showing the number in its readable form.
export function phoneLink(phone, attrs = {}) {
  if (!phone) return h('span', { text: t('person.no_phone') });
  const readable = formatPhone(phone);
  return h('a', {
    href: `tel:${phone}`,
    class: 'phone',
    'aria-label': t('person.call_number', { phone: readable }),
    ...attrs,
  }, readable);
}

// The label of a disposition: the console's translation for the built-in
// ones, else the campaign's label, else its name.
export function dispositionLabel(id, campaignLabel) {
  if (has(`disposition.${id}`)) return t(`disposition.${id}`);
  return campaignLabel || id;
}

// The label of an outcome: a disposition, or `unreachable`.
export function outcomeLabel(id, dispositions = []) {
  if (has(`outcome.${id}`)) return t(`outcome.${id}`);
  const disposition = dispositions.find((entry) => entry.id === id);
  return dispositionLabel(id, disposition?.label);
}

// A register field name that marks a birth date; only these date fields
// get an age, because a date field can as well be a last visit or a
// discharge date.
const BIRTH_FIELD = /birth|naissance|^dob$|^n[ée]e?_le$/i;

// The display of one register field value: booleans as Yes/No, dates in
// the locale's form (with the age for a birth date), E.164 numbers as a
// tel: link, anything else as written in the register.
function fieldValue(name, value, asOf) {
  if (value === '' || value === null || value === undefined) return '—';
  const text = String(value).trim();

  if (/^(true|false)$/i.test(text)) return t(text.toLowerCase() === 'true' ? 'answer.yes' : 'answer.no');
  if (/^\+\d{8,15}$/.test(text)) return phoneLink(text);

  const date = formatDate(text);
  if (date === null) return text;
  const age = BIRTH_FIELD.test(name) ? ageOn(text, asOf) : null;
  return age === null ? date : t('person.date_with_age', { date, age });
}

// Every register field of the person, as a description list. Field names
// are the campaign's own, shown as words; `asOf` (a Date, by default now)
// is the day ages are computed for, which is the service's clock when the
// caller has an instant from the service.
export function fieldList(person, asOf = new Date()) {
  const entries = Object.entries(person?.fields ?? {});
  if (entries.length === 0) return h('p', { class: 'muted', text: t('person.no_fields') });
  return h('dl', { class: 'fields' },
    entries.map(([name, value]) => [
      h('dt', { title: name, dataset: { field: name }, text: humanize(name) }),
      h('dd', {}, fieldValue(name, value, asOf))]));
}

// The earlier attempts and outcomes of the person, times in their zone.
export function history(person, dispositions = []) {
  const attempts = person?.previous_attempts ?? [];
  const outcomes = person?.previous_outcomes ?? [];
  const parts = [];

  if (attempts.length === 0) {
    parts.push(h('p', { class: 'muted', text: t('person.no_previous_attempts') }));
  } else {
    const labels = Object.fromEntries(dispositions.map((entry) => [entry.id, entry.label]));
    parts.push(h('table', { class: 'history' },
      h('caption', { text: t('person.previous_attempts') }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: t('person.cycle') }),
        h('th', { scope: 'col', text: t('person.attempt') }),
        h('th', { scope: 'col', text: t('person.when') }),
        h('th', { scope: 'col', text: t('person.disposition') }))),
      h('tbody', {}, attempts.map((attempt) => h('tr', {},
        h('td', { text: attempt.cycle }),
        h('td', { text: attempt.attempt }),
        h('td', { text: formatDateTime(attempt.start, person.timezone) }),
        h('td', { text: dispositionLabel(attempt.disposition, labels[attempt.disposition]) }))))));
  }

  if (outcomes.length > 0) {
    parts.push(h('h5', { text: t('person.previous_outcomes') }));
    parts.push(h('ul', { class: 'outcomes' }, outcomes.map((entry) =>
      h('li', { text: t('person.outcome_of_cycle', {
        cycle: entry.cycle, outcome: outcomeLabel(entry.outcome, dispositions),
      }) }))));
  }
  return parts;
}
