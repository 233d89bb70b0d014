// Browser tests of the web console alone, against the mock service
// (mock/server.mjs) started here, one fresh mock per test. They cover what
// the end-to-end test cannot set up on the real service quickly: login
// errors and rate limiting, session expiry, households, callbacks, server
// validation errors, heartbeats and hold expiry, the English desk, tabs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, withPage, login } from './lib.mjs';
import { apiSession } from './api_client.mjs';
import { startMockServer, USERS } from './mock/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONSOLE_DIR = process.env.VIGIE_CONSOLE_DIR ?? join(HERE, '..', '..', 'engine', 'src', 'service', 'console');
const ROSTER_HEADER = 'id;phone;nom;prenom;ville';

let browser;
let scratch;

before(async () => {
  browser = await launch();
  scratch = mkdtempSync(join(tmpdir(), 'vigie-console-test-'));
});

after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Starts a mock on a roster made of `rows` (CSV lines without the header
// line `header`), or the default roster. Returns {base, service, stop}.
async function mock(rows, header = ROSTER_HEADER) {
  let rosterPath;
  if (rows) {
    rosterPath = join(scratch, `roster-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(rosterPath, [header, ...rows].join('\n') + '\n');
  }
  const { server, port, service } = await startMockServer({ consoleDir: CONSOLE_DIR, rosterPath });
  return {
    base: `http://127.0.0.1:${port}`,
    service,
    stop: () => new Promise((done) => server.close(done)),
  };
}

async function raiseAlert(base) {
  const call = await apiSession(base, 'superviseur', USERS.superviseur.password);
  await call('POST', '/api/alerts', { name: 'canicule', level: 3 });
}

async function hook(base, path, body = {}) {
  const response = await fetch(new URL(path, base), { method: 'POST', body: JSON.stringify(body) });
  assert.equal(response.status, 200);
}

// Collects the JSON bodies the page posts to `path`.
function recordPosts(page, path) {
  const bodies = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === path) bodies.push(request.postDataJSON());
  });
  return bodies;
}

const text = (page, selector) => page.locator(selector).textContent();

// Waits until `condition()` holds, checking every 50 ms for at most 5 s;
// for conditions on what the test records on the Node side.
async function until(condition, what) {
  for (let waited = 0; waited < 5000; waited += 50) {
    if (condition()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

async function takeContact(page) {
  await page.locator('#next-contact').click();
  await page.locator('#contact-form').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'p0-q-alone-yes');
}

test('login errors and rate limit', async () => {
  const server = await mock();
  try {
    await withPage(browser.context, 'login-errors', async (page) => {
      await page.goto(`${server.base}/console/`);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await page.locator('#login-user').fill('agent1');
        await page.locator('#login-password').fill('wrong');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.querySelector('#login-message')?.textContent.includes('incorrect'));
        assert.equal(await focusedId(page), 'login-password');
        await page.evaluate(() => { document.querySelector('#login-message').textContent = ''; });
      }
      await page.locator('#login-password').fill('agent1-pw');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#login-message')?.textContent.includes('Trop de tentatives'));
      assert.match(await text(page, '#login-message'), /Réessayez dans 15 min\./);
      assert.equal(await page.locator('#login-message').getAttribute('role'), 'alert');

      // Missing fields are caught before any request.
      await page.locator('#login-user').fill('');
      await page.locator('#login-submit').click();
      assert.equal(await text(page, '#login-message'), 'Saisissez votre identifiant et votre mot de passe.');
      assert.equal(await focusedId(page), 'login-user');
    });
  } finally {
    await server.stop();
  }
});

test('session expiry returns to login', async () => {
  const server = await mock();
  try {
    await withPage(browser.context, 'session-expiry', async (page) => {
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await hook(server.base, '/mock/expire-sessions');
      await page.keyboard.press('Alt+N');
      await page.locator('#login-form').waitFor();
      assert.equal(await text(page, '#login-message'), 'Votre session a expiré. Reconnectez-vous pour continuer.');
      assert.equal(await page.locator('#logout').isHidden(), true);
      assert.equal(await focusedId(page), 'login-user');
    });
  } finally {
    await server.stop();
  }
});

test('no cycle, then nothing due', async () => {
  const server = await mock(['S001;01 99 10 00 01;Moreau;Paul;Lyon']);
  try {
    await withPage(browser.context, 'nothing-due', async (page) => {
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await page.keyboard.press('Alt+N');
      await page.locator('#desk-idle-message').waitFor();
      assert.equal(await text(page, '#desk-idle-message'), 'Aucune campagne n’est en cours : il n’y a personne à appeler.');

      await raiseAlert(server.base);
      const submits = recordPosts(page, '/api/desk/submit');
      await takeContact(page);
      assert.equal(await page.locator('#phone-link').textContent(), '01 99 10 00 01');
      assert.equal(await page.locator('#phone-link').getAttribute('href'), 'tel:+33199100001');
      assert.match(await text(page, '#p0-title'), /Personne 1 sur 1 : Paul Moreau/);
      assert.match(await text(page, '#p0'), /Tentative n° 1/);
      await page.keyboard.press('Alt+C');
      await page.locator('#p0-disposition').selectOption('no_answer');
      await page.keyboard.press('Alt+S');
      await page.locator('#desk-idle-message').waitFor();
      // Nobody answered: the talk time is 0 even though the call was started.
      assert.equal(submits.length, 1);
      assert.equal(submits[0].talk_s, 0);
      assert.deepEqual(submits[0].people[0].answers, []);
      assert.match(await text(page, '#desk-idle-message'), /Paul Moreau : nouvelle tentative prévue lun\. 24 juin 2019/);

      await page.keyboard.press('Alt+N');
      await page.waitForFunction(() => document.querySelector('#desk-idle-message')?.textContent.includes('Prochain contact prévu'));
      // no_answer is retried after 2 h: 10:0x + 2 h in Paris.
      assert.match(await text(page, '#desk-idle-message'), /Prochain contact prévu : lun\. 24 juin 2019, 12:0\d \(heure de Paris\)\./);
    });
  } finally {
    await server.stop();
  }
});

test('household questionnaires and line dispositions', async () => {
  const server = await mock(['H001;01 99 20 00 01;Roux;Henri;Paris', 'H002;01 99 20 00 01;Roux;Yvette;Paris']);
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'household', async (page) => {
      const submits = recordPosts(page, '/api/desk/submit');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);
      assert.equal(await page.locator('section.person').count(), 2);
      assert.match(await text(page, '#p1-title'), /Personne 2 sur 2 : Yvette Roux/);

      await page.locator('#p0-disposition').selectOption('busy');
      assert.equal(await page.locator('#p1-work').isHidden(), true);
      assert.equal(await page.locator('#p1-line-note').isVisible(), true);
      await page.locator('#submit-contact').click();
      await page.locator('#desk-idle-message').waitFor();
      assert.deepEqual(submits[0].people.map((person) => person.contact_id), ['H001']);
      assert.match(await text(page, '#desk-idle-message'), /Henri Roux.*Yvette Roux/s);

      // The retry after `busy` is 1 h; move the mock's clock past it.
      await hook(server.base, '/mock/advance', { seconds: 3700 });
      await takeContact(page);
      assert.match(await text(page, '#p0'), /Tentative n° 2/);
      assert.match(await text(page, '#p0 table.history'), /Occupé/);
      for (const index of [0, 1]) {
        await page.locator(`#p${index}-q-alone-no`).check();
        await page.locator(`#p${index}-q-health-no`).check();
        await page.locator(`#p${index}-q-visits-rarely`).check();
        await page.locator(`#p${index}-disposition`).selectOption('completed');
      }
      await page.locator('#p1-q-alone-yes').check();
      await page.locator('#submit-contact').click();
      await page.locator('#desk-idle-message').waitFor();
      assert.equal(submits[1].people.length, 2);
      const message = await text(page, '#desk-idle-message');
      assert.match(message, /Henri Roux : terminé \(Questionnaire complet\)\./);
      // Yvette: alone (3) + rarely visited (2) = 5, so `social`.
      assert.match(message, /Yvette Roux : terminé \(Questionnaire complet\)\. Alertes envoyées : social\./);
    });
  } finally {
    await server.stop();
  }
});

test('callback time and field errors', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'errors', async (page) => {
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);

      // Without a disposition the submission stops at the disposition list.
      await page.keyboard.press('Alt+S');
      await page.waitForFunction(() => document.activeElement?.id === 'p0-disposition');
      assert.equal(await text(page, '#p0-disposition-error'), 'Choisissez l’issue de l’appel.');
      assert.equal(await page.locator('#p0-disposition').getAttribute('aria-invalid'), 'true');

      await page.locator('#p0-q-alone-yes').check();
      await page.locator('#p0-q-health-no').check();
      await page.locator('#p0-q-temp-input').fill('50');
      assert.equal(await page.locator('#p0-callback-row').isHidden(), true);
      await page.locator('#p0-disposition').selectOption('callback');
      assert.equal(await page.locator('#p0-callback-row').isVisible(), true);
      await page.locator('#submit-contact').click();
      await page.waitForFunction(() => document.activeElement?.id === 'p0-callback');
      assert.equal(await text(page, '#p0-callback-error'), 'Indiquez la date et l’heure du rappel.');
      assert.equal(await text(page, '#p0-q-temp-error'), 'Saisissez un nombre entre 10 et 45.');
      await page.waitForFunction(() => document.querySelector('#alert')?.textContent.includes('2 erreur(s)'));

      // The callback time is typed as DD/MM/YYYY HH:MM and checked here.
      await page.locator('#p0-q-temp-input').fill('31');
      assert.equal(await page.locator('#p0-callback').getAttribute('type'), 'text');
      await page.locator('#p0-callback').fill('31/06/2019 15:00');
      await page.locator('#submit-contact').click();
      await page.waitForFunction(() => document.querySelector('#p0-callback-error')?.textContent.includes('JJ/MM/AAAA'));
      assert.equal(await focusedId(page), 'p0-callback');
      await page.locator('#p0-callback').fill('25/06/2019 15:00');

      // A known error code is shown in French, without the server's English text.
      await page.route('**/api/desk/submit', (route) => route.fulfill({
        status: 409, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'conflict', message: 'contact T001 was decided by another agent' } }),
      }));
      await page.locator('#submit-contact').click();
      await page.waitForFunction(() => document.querySelector('#form-error')?.textContent.includes('Conflit'));
      assert.equal(await text(page, '#form-error'), 'Conflit avec une modification faite entre-temps. Actualisez puis recommencez.');
      assert.doesNotMatch(await text(page, '#form-error'), /another agent/);
      await page.unroute('**/api/desk/submit');

      // A rejection the console cannot foresee lands next to the question
      // the server's message names.
      await page.route('**/api/desk/submit', (route) => route.fulfill({
        status: 400, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'invalid', message: "contact T001: the answer 'often' does not fit question 'visits'; give one option id" } }),
      }));
      await page.locator('#submit-contact').click();
      await page.waitForFunction(() => document.activeElement?.id === 'p0-q-visits-daily');
      // For `invalid`, the server's detail follows the French message.
      assert.match(await text(page, '#p0-q-visits-error'), /^Données refusées par le serveur\. Détail \(en anglais\) : .*question 'visits'/);
      assert.equal(await text(page, '#p0-callback-error'), '');
      await page.unroute('**/api/desk/submit');

      const submits = recordPosts(page, '/api/desk/submit');
      await page.locator('#submit-contact').click();
      await page.locator('#desk-idle-message').waitFor();
      assert.equal(submits[0].people[0].callback_local, '2019-06-25T15:00');
      assert.equal(submits[0].people[0].disposition, 'callback');
      assert.match(await text(page, '#desk-idle-message'), /nouvelle tentative prévue mar\. 25 juin 2019, 15:00 \(heure de Paris\)/);
    });
  } finally {
    await server.stop();
  }
});

test('heartbeat keeps the hold until expiry', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'heartbeat', async (page) => {
      await page.clock.install();
      const beats = recordPosts(page, '/api/desk/heartbeat');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);
      const token = await page.evaluate(() => document.querySelector('#hold-expiry').textContent);
      assert.match(token, /Contact réservé pour vous jusqu’à lun\. 24 juin 2019/);

      await page.clock.runFor(20500);
      await page.waitForResponse('**/api/desk/heartbeat');
      assert.equal(beats.length, 1);
      assert.ok(beats[0].token);

      // The mock's hold lasts 120 s after the last request: let it expire.
      await hook(server.base, '/mock/advance', { seconds: 200 });
      await page.clock.runFor(20500);
      await page.waitForFunction(() => document.querySelector('#desk-idle-message')?.textContent.includes('expiré'));
      assert.equal(await page.locator('#contact-form').count(), 0);
      await page.clock.runFor(100);
      assert.match(await text(page, '#alert'), /La réservation de ce contact a expiré/);
    });
  } finally {
    await server.stop();
  }
});

test('English desk labels and dates', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'english', async (page) => {
      await page.goto(`${server.base}/console/`);
      await page.locator('#language').selectOption('en');
      await page.waitForSelector('html[lang=en]');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      assert.match(await text(page, '#next-contact'), /^Next contact/);
      await takeContact(page);
      assert.match(await text(page, '#p0-title'), /^Person 1 of 1: /);
      assert.match(await text(page, '#p0-q-alone'), /Yes.*No/s);
      assert.equal(await page.locator('#p0-disposition option[value=no_answer]').textContent(), 'No answer');
      assert.match(await text(page, '#hold-expiry'), /until Mon, 24 Jun 2019, 10:0\d \(Paris time\)/);

      // Switching back keeps the answers already given.
      await page.locator('#p0-q-alone-yes').check();
      await page.locator('#language').selectOption('fr');
      await page.waitForSelector('html[lang=fr]');
      assert.match(await text(page, '#p0-title'), /^Personne 1 sur 1 : /);
      assert.equal(await page.locator('#p0-q-alone-yes').isChecked(), true);
    });
  } finally {
    await server.stop();
  }
});

test('role tabs and alert desk actions', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'roles-and-alerts', async (page) => {
      await page.clock.install();
      await login(page, server.base, 'polyvalent', USERS.polyvalent.password);
      assert.equal(await page.locator('#tabs button').count(), 3);
      await page.keyboard.press('Alt+2');
      await page.locator('#alerts-view').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#desk-view').isHidden(), true);
      await page.locator('#alerts-empty').waitFor();

      // Another agent completes a contact whose answers fire `social`.
      const agent = await apiSession(server.base, 'agent2', USERS.agent2.password);
      const next = await agent('POST', '/api/desk/next', {});
      const person = next.handout.people[0];
      await agent('POST', '/api/desk/submit', {
        token: next.handout.token, talk_s: 120, people: [{
          contact_id: person.contact_id, disposition: 'completed', callback_local: null,
          answers: [{ question: 'alone', values: ['yes'] }, { question: 'health', values: ['no'] }, { question: 'visits', values: ['weekly'] }],
        }],
      });

      // The desk refreshes every 10 s.
      await page.clock.runFor(10500);
      const row = page.locator('tr.alert-row', { hasText: person.fields.nom });
      await row.waitFor();
      await page.waitForFunction(() => document.querySelector('#status')?.textContent.includes('1 nouvelle(s) alerte(s).'));
      await row.locator('button[data-action=ack]').click();
      await page.locator('tr.alert-row[data-state=acknowledged]').waitFor();
      // The route's title comes first, its id only as secondary text.
      assert.match(await text(page, 'tr.alert-row td:nth-child(2) strong'), /^Suivi social$/);
      assert.equal(await text(page, 'tr.alert-row .route-id'), 'Identifiant : social');
      assert.match(await text(page, 'tr.alert-row ul.scores'), /Risk : \d/);
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'close');
      await page.keyboard.press('Enter');
      await page.locator('#alerts-empty').waitFor();
      assert.equal(await focusedId(page), 'alerts-title');
      await page.locator('#alerts-filter').selectOption('all');
      await page.locator('tr.alert-row[data-state=closed]').waitFor();
      assert.match(await text(page, 'tr.alert-row'), /Clôturée par polyvalent/);

      // Supervisor view: the level is checked before sending, and the alert can be ended.
      await page.keyboard.press('Alt+3');
      await page.locator('#raise-form').waitFor();
      await page.locator('#raise-name').fill('canicule');
      await page.locator('#raise-level').fill('200');
      await page.keyboard.press('Enter');
      assert.equal(await text(page, '#raise-error'), 'Le niveau est un nombre entier de 0 à 100.');
      await page.locator('#raise-level').fill('4');
      await page.keyboard.press('Enter');
      await page.locator('#city-alerts tr[data-alert=canicule] td:nth-child(2)', { hasText: '4' }).waitFor();
      assert.equal(await page.locator('#raise-name').inputValue(), '');
      assert.equal(await page.locator('#raise-level').inputValue(), '');

      // Ending an alert asks first; cancelling keeps it raised.
      const dialogs = [];
      page.once('dialog', (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss();
      });
      const endButton = page.locator('button', { hasText: 'Lever l’alerte' });
      await endButton.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent.includes('maintenue'));
      assert.deepEqual(dialogs, ['Lever l’alerte canicule ?']);
      assert.equal(await page.locator('#city-alerts .badge', { hasText: 'Active' }).count(), 1);
      page.once('dialog', (dialog) => dialog.accept());
      await page.keyboard.press('Enter');
      await page.locator('#city-alerts .badge', { hasText: 'Levée' }).waitFor();
      assert.match(await text(page, '#campaigns'), /non atteint/);
    });
  } finally {
    await server.stop();
  }
});

test('short hold gets faster heartbeats', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await hook(server.base, '/mock/hold-timeout', { seconds: 15 });
    await withPage(browser.context, 'short-hold', async (page) => {
      await page.clock.install();
      const beats = recordPosts(page, '/api/desk/heartbeat');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);

      // A third of 15 s: the first beat comes after 5 s, not 20 s.
      await page.clock.runFor(4000);
      assert.equal(beats.length, 0);
      await page.clock.runFor(1500);
      await until(() => beats.length === 1, 'the first heartbeat');

      // Each response plans the next beat from the new expires_at.
      await page.clock.runFor(5500);
      await until(() => beats.length === 2, 'the second heartbeat');
      assert.equal(await page.locator('#contact-form').count(), 1);
    });
  } finally {
    await server.stop();
  }
});

test('multiple choice by keyboard only', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'multi-keyboard', async (page) => {
      const settles = recordPosts(page, '/api/desk/settle');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);
      const number = (id) => page.locator(`#p0-q-${id} .question-number`).textContent();

      // Hidden conditional questions take no number.
      assert.equal(await page.locator('#p0-q-symptoms').isHidden(), true);
      assert.deepEqual([await number('alone'), await number('health'), await number('visits'), await number('temp')],
        ['1. ', '2. ', '3. ', '4. ']);

      await page.keyboard.press('1');
      assert.equal(await page.locator('#p0-q-alone-yes').isChecked(), true);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), 'p0-q-health-yes');
      await page.keyboard.press('1');
      await page.locator('#p0-q-symptoms').waitFor({ state: 'visible' });
      assert.deepEqual([await number('symptoms'), await number('visits'), await number('temp')], ['3. ', '4. ', '5. ']);

      // Tab enters the checkbox group once; arrows move, Space and digits toggle.
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), 'p0-q-symptoms-fatigue');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focusedId(page), 'p0-q-symptoms-confusion');
      await page.keyboard.press('Space');
      await page.keyboard.press('3');
      assert.equal(await focusedId(page), 'p0-q-symptoms-thirst');
      await page.keyboard.press('3');
      await page.keyboard.press('ArrowUp');
      assert.equal(await focusedId(page), 'p0-q-symptoms-confusion');
      const ticked = () => page.evaluate(() =>
        [...document.querySelectorAll('#p0-q-symptoms input:checked')].map((input) => input.value));
      assert.deepEqual(await ticked(), ['confusion']);

      // Tab leaves the group for the next question; digits there touch that question only.
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), 'p0-q-visits-daily');
      await page.keyboard.press('2');
      assert.equal(await page.locator('#p0-q-visits-weekly').isChecked(), true);
      assert.deepEqual(await ticked(), ['confusion']);
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focusedId(page), 'p0-q-symptoms-confusion');

      const symptoms = () => settles.at(-1)?.answers.find((answer) => answer.question === 'symptoms')?.values;
      await until(() => JSON.stringify(symptoms()) === '["confusion"]', 'a settle with the ticked symptoms');
    });
  } finally {
    await server.stop();
  }
});

test('person record shown readably', async () => {
  const header = 'id;phone;last_name;first_name;lives_alone;date_naissance;derniere_visite;tel_voisin';
  const server = await mock(['R001;01 99 30 00 01;Lefebvre;Jeanne;true;1938-06-25;2019-06-01;+33199300002'], header);
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'person-record', async (page) => {
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);
      const fields = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#p0 dl.fields dt')]
        .map((term) => [term.textContent, term.nextElementSibling.textContent])));
      assert.deepEqual(fields, {
        'Last name': 'Lefebvre',
        'First name': 'Jeanne',
        'Lives alone': 'Oui',
        // 24 June 2019 on the service clock, the day before the birthday.
        'Date naissance': '25/06/1938 (80 ans)',
        'Derniere visite': '01/06/2019',
        'Tel voisin': '01 99 30 00 02',
      });
      assert.equal(await page.locator('#p0 dl.fields a.phone').getAttribute('href'), 'tel:+33199300002');
      assert.match(await text(page, '#p0'), /Fuseau horaire : heure de Paris \(Europe\/Paris\)/);
    });
  } finally {
    await server.stop();
  }
});

test('incomplete completed questionnaire asks first', async () => {
  const server = await mock();
  try {
    await raiseAlert(server.base);
    await withPage(browser.context, 'partial', async (page) => {
      const submits = recordPosts(page, '/api/desk/submit');
      await login(page, server.base, 'agent1', USERS.agent1.password);
      await takeContact(page);
      await page.locator('#p0-q-alone-yes').check();
      await page.locator('#p0-q-health-no').check();
      await page.locator('#p0-disposition').selectOption('completed');
      await page.waitForFunction(() => document.querySelector('#p0-complete')?.textContent === 'Questionnaire incomplet.');

      await page.keyboard.press('Alt+S');
      await page.waitForFunction(() => document.activeElement?.id === 'form-error');
      assert.match(await text(page, '#form-error'), /enregistrée comme partielle\. Appuyez de nouveau sur Enregistrer/);
      assert.equal(submits.length, 0);

      await page.keyboard.press('Alt+S');
      await page.locator('#desk-idle-message').waitFor();
      assert.equal(submits.length, 1);
      assert.match(await text(page, '#desk-idle-message'), /Enregistré comme partiel : questionnaire incomplet\./);
    });
  } finally {
    await server.stop();
  }
});

test('shortcut list matches the key handler', async () => {
  const server = await mock();
  try {
    await withPage(browser.context, 'shortcuts', async (page) => {
      await login(page, server.base, 'polyvalent', USERS.polyvalent.password);
      const keys = await page.evaluate(() => [...document.querySelectorAll('#shortcut-list dt')].map((term) => term.textContent));
      for (const key of ['Alt+N', 'Alt+C', 'Alt+D', 'Alt+S', 'Alt+R', 'Alt+L', 'Alt+1 … 3']) assert.ok(keys.includes(key), key);
      await page.keyboard.press('Alt+L');
      assert.equal(await focusedId(page), 'language');
      await page.keyboard.press('Alt+2');
      await page.locator('#alerts-view').waitFor({ state: 'visible' });
      const refreshes = recordPosts(page, '/api/desk/alerts');
      const gets = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/desk/alerts') gets.push(request.method());
      });
      await page.keyboard.press('Alt+R');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent.startsWith('Liste actualisée'));
      assert.deepEqual(gets, ['GET']);
      assert.equal(refreshes.length, 0);
    });
  } finally {
    await server.stop();
  }
});
