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

// Starts a mock on a roster made of `rows` (CSV lines without the header),
// or the default roster. Returns {base, service, stop}.
async function mock(rows) {
  let rosterPath;
  if (rows) {
    rosterPath = join(scratch, `roster-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(rosterPath, [ROSTER_HEADER, ...rows].join('\n') + '\n');
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
      assert.match(await text(page, '#desk-idle-message'), /Prochain contact prévu : lun\. 24 juin 2019, 12:0\d UTC\+2\./);
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

      await page.locator('#p0-q-temp-input').fill('31');
      await page.locator('#p0-callback').fill('2019-06-25T15:00');

      // A rejection the console cannot foresee lands next to the question
      // the server's message names.
      await page.route('**/api/desk/submit', (route) => route.fulfill({
        status: 400, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'invalid', message: "contact T001: the answer 'often' does not fit question 'visits'; give one option id" } }),
      }));
      await page.locator('#submit-contact').click();
      await page.waitForFunction(() => document.activeElement?.id === 'p0-q-visits-daily');
      assert.match(await text(page, '#p0-q-visits-error'), /question 'visits'/);
      assert.equal(await text(page, '#p0-callback-error'), '');
      await page.unroute('**/api/desk/submit');

      const submits = recordPosts(page, '/api/desk/submit');
      await page.locator('#submit-contact').click();
      await page.locator('#desk-idle-message').waitFor();
      assert.equal(submits[0].people[0].callback_local, '2019-06-25T15:00');
      assert.equal(submits[0].people[0].disposition, 'callback');
      assert.match(await text(page, '#desk-idle-message'), /nouvelle tentative prévue mar\. 25 juin 2019, 15:00 UTC\+2/);
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
      assert.match(await text(page, '#hold-expiry'), /until Mon, 24 Jun 2019, 10:0\d CEST/);

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
      await page.locator('button', { hasText: 'Lever l’alerte' }).click();
      await page.locator('#city-alerts .badge', { hasText: 'Levée' }).waitFor();
      assert.match(await text(page, '#campaigns'), /non atteint/);
    });
  } finally {
    await server.stop();
  }
});
