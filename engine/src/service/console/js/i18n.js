// Translations and locale-aware formatting. Every visible string comes from
// i18n/<lang>.json; French is the default and the fallback for a key that
// the English file lacks.

export const LANGUAGES = ['fr', 'en'];
const STORAGE_KEY = 'vigie.lang';
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };

let current = 'fr';
let messages = {};
let fallback = {};

async function fetchMessages(lang) {
  const url = new URL(`../i18n/${lang}.json`, import.meta.url);
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`cannot load ${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

// The language stored by the last visit, else French.
export function preferredLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled by the browser's privacy settings.
  }
  return LANGUAGES.includes(stored) ? stored : 'fr';
}

// Loads `lang`, remembers it and sets <html lang>.
export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) lang = 'fr';
  if (Object.keys(fallback).length === 0) fallback = await fetchMessages('fr');
  messages = lang === 'fr' ? fallback : await fetchMessages(lang);
  current = lang;

  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; the page still switches.
  }
}

export function language() {
  return current;
}

export function locale() {
  return LOCALES[current];
}

// The message for `key` with {name} placeholders replaced from `params`.
export function t(key, params = {}) {
  const template = messages[key] ?? fallback[key];
  if (template === undefined) {
    console.warn(`missing translation: ${key}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    params[name] === undefined ? whole : String(params[name]));
}

// Whether `key` has a message (used for optional labels such as built-in
// disposition names).
export function has(key) {
  return key in messages || key in fallback;
}

// Sets the text of every element marked data-i18n="key" under `root`, and
// the attributes named by data-i18n-attr="attribute:key,attribute:key".
export function translateTree(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(',')) {
      const [attribute, key] = pair.split(':');
      element.setAttribute(attribute.trim(), t(key.trim()));
    }
  }
}

function validZone(timeZone) {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

// The readable name of an IANA zone: "heure de Paris" / "Paris time" from
// the city part of the name, so that a call-centre agent does not have to
// work out what "UTC+2" means. Returns '' for a zone without a city
// ("UTC", "Etc/GMT+2") or an unknown one; `timeZone` absent means the
// browser's zone.
export function zoneLabel(timeZone) {
  const zone = validZone(timeZone) ?? (timeZone ? undefined : Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (!zone || !zone.includes('/') || zone.startsWith('Etc/')) return '';
  const city = zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');
  return t('zone.city', { city });
}

// An instant (ISO 8601 string) as a date and time followed by the zone's
// readable name, or by its short offset name when the zone has no city.
// `timeZone` is an IANA name; when absent or unknown, the browser's zone applies.
export function formatDateTime(iso, timeZone) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = validZone(timeZone);
  const label = zoneLabel(zone);
  const text = new Intl.DateTimeFormat(locale(), {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: label ? undefined : 'short',
  }).format(date);
  return label ? `${text} (${label})` : text;
}

// A calendar date "YYYY-MM-DD" in the locale's numeric form (dd/mm/yyyy in
// French). Returns null when `text` is not a real date in that form.
export function formatDate(text) {
  const date = parseIsoDate(text);
  if (!date) return null;
  return new Intl.DateTimeFormat(locale(), {
    day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC',
  }).format(date);
}

// "YYYY-MM-DD" as a Date at 00:00 UTC, or null when it is not a real date.
export function parseIsoDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

// The age in whole years on `asOf` (a Date) of someone born on `birth`
// ("YYYY-MM-DD"), or null when `birth` is not a date or lies after `asOf`.
export function ageOn(birth, asOf) {
  const born = parseIsoDate(birth);
  if (!born || !(asOf instanceof Date) || Number.isNaN(asOf.getTime())) return null;
  let age = asOf.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday = asOf.getUTCMonth() < born.getUTCMonth() ||
    (asOf.getUTCMonth() === born.getUTCMonth() && asOf.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age < 0 ? null : age;
}

// A snake_case or kebab-case name as words with a first capital:
// "last_name" -> "Last name". Campaign field and score names are shown
// this way; they are the campaign's own words and are not translated.
export function humanize(name) {
  const words = String(name ?? '').replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : '';
}

// An instant as a time of day (hours and minutes) in `timeZone`.
export function formatTime(iso, timeZone) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit', minute: '2-digit', timeZone: validZone(timeZone),
  }).format(date);
}

// A duration in seconds as "1 h 05 min", "12 min" or "40 s".
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '';
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return t('duration.hours_minutes', { hours, minutes: String(minutes).padStart(2, '0') });
  if (minutes > 0) return t('duration.minutes', { minutes });
  return t('duration.seconds', { seconds: total });
}

// A stopwatch reading such as "02:05" or "1:02:05".
export function formatClock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${minutes}:${rest}` : `${minutes}:${rest}`;
}

// A rate between 0 and 1 as a percentage.
export function formatPercent(rate) {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

export function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale()).format(value);
}

// An E.164 number as people read it. French numbers (+33 and nine digits)
// take the national form "01 42 76 40 40"; other numbers keep the E.164
// form, because their grouping depends on the country.
export function formatPhone(e164) {
  if (!e164) return '';
  const french = /^\+33(\d{9})$/.exec(e164);
  if (french) return ('0' + french[1]).replace(/(\d{2})(?=\d)/g, '$1 ');
  return e164;
}
