// Checks of the web console that need no browser: the translation files
// match each other and the code, and the pure helpers give the expected
// results. Runs with node alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONSOLE_DIR = process.env.VIGIE_CONSOLE_DIR ?? join(HERE, '..', '..', 'engine', 'src', 'service', 'console');
const read = (path) => readFileSync(join(CONSOLE_DIR, path), 'utf8');

const fr = JSON.parse(read('i18n/fr.json'));
const en = JSON.parse(read('i18n/en.json'));
const sources = ['app.js', 'index.html', ...readdirSync(join(CONSOLE_DIR, 'js')).map((file) => `js/${file}`)]
  .map((file) => ({ file, text: read(file) }));

// Key families that the code builds at run time (`alerts.state.${state}`).
const FAMILIES = ['alerts.column.', 'alerts.filter.', 'alerts.state.', 'sup.alert_column.', 'sup.deadline_',
  'sup.export.', 'disposition.', 'outcome.', 'language.', 'error.code.'];
const NAMESPACES = 'app|login|desk|alerts|sup|person|shortcut|key|view|error|duration|answer|disposition|outcome|language|zone';

function literalKeys() {
  const keys = new Map();
  const pattern = new RegExp(`['"]((?:${NAMESPACES})\\.[a-z_.]+[a-z_])['"]`, 'g');
  for (const { file, text } of sources.filter((source) => source.file.endsWith('.js'))) {
    for (const match of text.matchAll(pattern)) keys.set(match[1], file);
  }
  const html = read('index.html');
  for (const match of html.matchAll(/data-i18n="([^"]+)"/g)) keys.set(match[1], 'index.html');
  for (const match of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
    for (const pair of match[1].split(',')) keys.set(pair.split(':')[1].trim(), 'index.html');
  }
  return keys;
}

const placeholders = (message) => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

test('translation files have the same keys and placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  for (const [key, message] of Object.entries(fr)) {
    assert.ok(message.trim(), `fr.json: ${key} is empty`);
    assert.ok(en[key].trim(), `en.json: ${key} is empty`);
    assert.deepEqual(placeholders(en[key]), placeholders(message), `placeholders of ${key} differ`);
  }
});

test('every key the code names has a translation', () => {
  for (const [key, file] of literalKeys()) {
    assert.ok(key in fr, `${file} uses ${key}, missing from fr.json`);
  }
});

test('every translation is used by the code', () => {
  const used = literalKeys();
  for (const key of Object.keys(fr)) {
    const dynamic = FAMILIES.some((family) => key.startsWith(family));
    assert.ok(used.has(key) || dynamic, `${key} of fr.json is used nowhere`);
  }
});

test('no markup is built from strings', () => {
  for (const { file, text } of sources.filter((source) => source.file.endsWith('.js'))) {
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, `${file} builds markup from text`);
  }
});

test('formatPhone writes French numbers in the national form', async () => {
  const { formatPhone } = await import(join(CONSOLE_DIR, 'js', 'i18n.js'));
  assert.equal(formatPhone('+33142764040'), '01 42 76 40 40');
  assert.equal(formatPhone('+33612345678'), '06 12 34 56 78');
  assert.equal(formatPhone('+442079460000'), '+442079460000');
  assert.equal(formatPhone(''), '');
});

test('deadlineState compares the first call with the start deadline', async () => {
  const { deadlineState } = await import(join(CONSOLE_DIR, 'js', 'supervisor.js'));
  const cycle = { started: '2019-06-24T08:00:00Z', start_deadline: '2019-06-24T12:00:00Z' };
  assert.equal(deadlineState({ ...cycle, first_call_at: '2019-06-24T08:05:00Z' }, '2019-06-24T09:00:00Z'), 'met');
  assert.equal(deadlineState({ ...cycle, first_call_at: '2019-06-24T12:00:01Z' }, '2019-06-24T13:00:00Z'), 'missed');
  assert.equal(deadlineState({ ...cycle, first_call_at: null }, '2019-06-24T11:59:00Z'), 'pending');
  assert.equal(deadlineState({ ...cycle, first_call_at: null }, '2019-06-24T12:01:00Z'), 'missed');
  assert.equal(deadlineState({ ...cycle, start_deadline: null, first_call_at: null }, '2019-06-24T12:01:00Z'), null);
});

test('viewsForRoles opens the views of each role', async () => {
  const { viewsForRoles } = await import(join(CONSOLE_DIR, 'js', 'roles.js'));
  assert.deepEqual(viewsForRoles(['agent']), ['desk']);
  assert.deepEqual(viewsForRoles(['team:social']), ['alerts']);
  assert.deepEqual(viewsForRoles(['supervisor']), ['alerts', 'supervisor']);
  assert.deepEqual(viewsForRoles(['admin']), ['alerts', 'supervisor']);
  assert.deepEqual(viewsForRoles(['agent', 'team:urgence', 'supervisor']), ['desk', 'alerts', 'supervisor']);
  assert.deepEqual(viewsForRoles([]), []);
});

test('serverErrorField finds the field an error names', async () => {
  const { serverErrorField } = await import(join(CONSOLE_DIR, 'js', 'questionnaire.js'));
  const contacts = ['T004', 'T005'];
  const questions = ['alone', 'health', 'temp'];
  const cases = [
    ["contact T005: the answer '50' does not fit question 'temp'; give a number from 10 to 45", 'T005', 'temp'],
    ["contact T004: unknown question 'age'; the script asks alone, health, temp", 'T004', null],
    ["contact T004: unknown disposition 'gone'; the campaign's dispositions are completed, callback", 'T004', 'disposition'],
    ['contact T004: invalid callback time; give a real date with hour 0-23 and minute 0-59', 'T004', 'callback'],
    ['talk time -3 s is negative; give the seconds spent talking, 0 when nobody answered', null, null],
  ];
  for (const [message, contactId, target] of cases) {
    assert.deepEqual(serverErrorField(message, {}, contacts, questions), { contactId, target }, message);
  }
  assert.deepEqual(serverErrorField('invalid', { contact_id: 'T005', question: 'health' }, contacts, questions),
    { contactId: 'T005', target: 'health' });
});

test('parseCallback reads DD/MM/YYYY HH:MM', async () => {
  const { parseCallback } = await import(join(CONSOLE_DIR, 'js', 'questionnaire.js'));
  const cases = [
    ['25/06/2019 15:00', '2019-06-25T15:00'],
    [' 5/6/2019 9h05 ', '2019-06-05T09:05'],
    ['25-06-2019 15:00', '2019-06-25T15:00'],
    ['31/06/2019 15:00', null],
    ['25/06/2019 24:00', null],
    ['25/06/2019 15:60', null],
    ['2019-06-25T15:00', null],
    ['06/25/2019 15:00', null],
    ['', null],
  ];
  for (const [text, expected] of cases) assert.equal(parseCallback(text), expected, text);
});

test('heartbeatDelay is a third of the time left', async () => {
  const { heartbeatDelay } = await import(join(CONSOLE_DIR, 'js', 'desk.js'));
  const now = Date.parse('2019-06-24T08:00:00Z');
  assert.equal(heartbeatDelay('2019-06-24T08:02:00Z', now), 20000);
  assert.equal(heartbeatDelay('2019-06-24T08:00:30Z', now), 10000);
  assert.equal(heartbeatDelay('2019-06-24T08:00:01Z', now), 1000);
  assert.equal(heartbeatDelay('2019-06-24T07:59:00Z', now), 1000);
  assert.equal(heartbeatDelay('2019-06-24T08:02:00Z', null), 5000);
});

test('ageOn and humanize for the person record', async () => {
  const { ageOn, humanize, parseIsoDate } = await import(join(CONSOLE_DIR, 'js', 'i18n.js'));
  const asOf = new Date('2019-06-24T08:00:00Z');
  assert.equal(ageOn('1938-06-24', asOf), 81);
  assert.equal(ageOn('1938-06-25', asOf), 80);
  assert.equal(ageOn('2020-01-01', asOf), null);
  assert.equal(ageOn('1938-02-30', asOf), null);
  assert.equal(parseIsoDate('1938-13-01'), null);
  assert.equal(humanize('last_name'), 'Last name');
  assert.equal(humanize('lives_alone'), 'Lives alone');
  assert.equal(humanize('tz'), 'Tz');
});

test('describeError translates known codes only', async () => {
  const { ApiError, describeError } = await import(join(CONSOLE_DIR, 'js', 'api.js'));
  const translate = (key, params = {}) => `${key}${Object.keys(params).length ? JSON.stringify(params) : ''}`;
  assert.equal(describeError(new ApiError(409, 'conflict', 'contact T001 is already decided'), translate), 'error.code.conflict');
  assert.equal(describeError(new ApiError(0, 'network', 'fetch failed'), translate), 'error.network');
  assert.equal(describeError(new ApiError(400, 'invalid', "level 200 is above 100"), translate),
    'error.with_detail{"message":"error.code.invalid","detail":"level 200 is above 100"}');
  assert.equal(describeError(new ApiError(418, 'teapot', 'short and stout'), translate),
    'error.unknown{"status":418,"message":"short and stout"}');
});
