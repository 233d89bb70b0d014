// End-to-end test of the web console in Debian's Chromium, against a
// running service (`vigie serve` from run_e2e.sh, or the mock from
// run_mock.sh). It starts nothing but the browser. The campaign is
// tests/browser/data/essai_console.vigie and its alert must already be
// raised, so that a cycle is open.
//
// Environment: VIGIE_URL (base URL), VIGIE_AGENT_USER/_PASSWORD,
// VIGIE_TEAM_USER/_PASSWORD (the team of route `social`),
// VIGIE_SUPERVISOR_USER/_PASSWORD, VIGIE_SCREENSHOTS (folder for
// screenshots of failed steps).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage, env, login } from './lib.mjs';

const BASE = env('VIGIE_URL');
const AGENT = { user: env('VIGIE_AGENT_USER'), password: env('VIGIE_AGENT_PASSWORD') };
const TEAM = { user: env('VIGIE_TEAM_USER'), password: env('VIGIE_TEAM_PASSWORD') };
const SUPERVISOR = { user: env('VIGIE_SUPERVISOR_USER'), password: env('VIGIE_SUPERVISOR_PASSWORD') };
const ROUTE_TITLE = 'Suivi social';

let browser;
let routedPerson = null;  // name shown for the person whose answers fired `social`

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');
const personCount = (page) => page.locator('#contact-form section.person').count();

// Answers a household member's questionnaire with no route firing.
async function answerQuietly(page, index) {
  await page.locator(`#p${index}-q-alone-no`).check();
  await page.locator(`#p${index}-q-health-no`).check();
  await page.locator(`#p${index}-q-visits-daily`).check();
  await page.locator(`#p${index}-disposition`).selectOption('completed');
}

test('language switch FR to EN', async () => {
  await withPage(browser.context, 'language', async (page) => {
    await page.goto(new URL('/console/', BASE).href);
    await page.locator('#login-title').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('#login-title').textContent(), 'Connexion');
    assert.equal(await page.locator('label[for=login-password]').textContent(), 'Mot de passe');

    await page.locator('#language').selectOption('en');
    await page.waitForSelector('html[lang=en]');
    assert.equal(await page.locator('#login-title').textContent(), 'Log in');
    assert.equal(await page.locator('label[for=login-password]').textContent(), 'Password');
    assert.equal(await page.locator('#logout').textContent(), 'Log out');

    await page.reload();
    await page.locator('#login-title').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('#login-title').textContent(), 'Log in');

    await page.locator('#language').selectOption('fr');
    await page.waitForSelector('html[lang=fr]');
    assert.equal(await page.locator('#login-title').textContent(), 'Connexion');
  });
});

test('agent contact fires a route', async () => {
  await withPage(browser.context, 'agent-flow', async (page) => {
    await login(page, BASE, AGENT.user, AGENT.password);
    await page.locator('#next-contact').click();
    await page.locator('#contact-form').waitFor();

    // The contact arrives with focus on the first question.
    await page.waitForFunction(() => document.activeElement?.id === 'p0-q-alone-yes');
    routedPerson = (await page.locator('#p0-title').textContent()).replace(/^.*?: /, '').trim();
    assert.match(await page.locator('#phone-link').getAttribute('href'), /^tel:\+\d{6,}$/);
    // Register field names are shown as words, the zone by its city.
    assert.match(await page.locator('#p0 .fields').textContent(), /Nom/);
    assert.match(await page.locator('#p0').textContent(), /Fuseau horaire : heure de Paris/);
    assert.doesNotMatch(await page.locator('#hold-expiry').textContent(), /UTC\+/);

    // `symptoms` applies only when health == yes.
    assert.equal(await page.locator('#p0-q-symptoms').isHidden(), true);
    await page.locator('#p0-q-alone-yes').check();
    await page.locator('#p0-q-health-yes').check();
    await page.locator('#p0-q-symptoms').waitFor({ state: 'visible' });
    await page.locator('#p0-q-symptoms-confusion').check();
    // Confusion would send the person to `urgence`; changing health to no
    // must clear it, so that only `social` fires (alone = yes: risk 3).
    await page.locator('#p0-q-health-no').check();
    await page.locator('#p0-q-symptoms').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#p0-q-symptoms-confusion').isChecked(), false);

    await page.locator('#p0-q-visits-weekly').check();
    await page.locator('#p0-q-temp-input').fill('29');
    await page.locator('#p0-disposition').selectOption('completed');
    assert.equal(await page.locator('#p0-callback-row').isHidden(), true);
    const count = await personCount(page);
    for (let index = 1; index < count; index += 1) await answerQuietly(page, index);

    await page.locator('#submit-contact').click();
    const summary = page.locator('#desk-idle-message');
    await summary.waitFor();
    const text = await summary.textContent();
    assert.match(text, /Fiche enregistrée/);
    assert.match(text, /social/);
    assert.doesNotMatch(text, /urgence/);
  });
});

test('agent contact by keyboard alone', async () => {
  await withPage(browser.context, 'keyboard-flow', async (page) => {
    // The session cookie from the previous test is still valid.
    await page.goto(new URL('/console/', BASE).href);
    await page.locator('#next-contact').waitFor();

    await page.keyboard.press('Alt+N');
    await page.locator('#contact-form').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'p0-q-alone-yes');
    await page.keyboard.press('Alt+C');
    assert.equal(await page.locator('#call-started').getAttribute('aria-pressed'), 'true');

    const count = await personCount(page);
    for (let index = 0; index < count; index += 1) {
      const base = `p${index}-q`;
      await page.waitForFunction((id) => document.activeElement?.id === id, `${base}-alone-yes`);
      await page.keyboard.press('2');  // alone: no
      assert.equal(await page.locator(`#${base}-alone-no`).isChecked(), true);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), `${base}-health-yes`);
      await page.keyboard.press('2');  // health: no, so `symptoms` stays hidden
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), `${base}-visits-daily`);
      await page.keyboard.press('3');  // visits: rarely
      assert.equal(await page.locator(`#${base}-visits-rarely`).isChecked(), true);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), `${base}-temp-input`);
      await page.keyboard.type('24');
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), `p${index}-disposition`);
      // Type-ahead in the closed list: "Questionnaire complet".
      await page.keyboard.type('Questionnaire c');
      assert.equal(await page.locator(`#p${index}-disposition`).inputValue(), 'completed');
      if (index + 1 < count) await page.keyboard.press('Tab');
    }

    await page.keyboard.press('Enter');
    await page.locator('#desk-idle-message').waitFor();
    assert.match(await page.locator('#desk-idle-message').textContent(), /Fiche enregistrée/);
    await page.waitForFunction(() => document.activeElement?.id === 'next-contact');
  });
});

test('team acknowledges the alert', async () => {
  assert.ok(routedPerson, 'the agent test must have fired a route first');
  await withPage(browser.context, 'alert-desk', async (page) => {
    await page.goto(new URL('/console/', BASE).href);
    await page.locator('#logout').click();
    await page.locator('#login-message').waitFor();
    assert.equal(await page.locator('#login-message').textContent(), 'Vous êtes déconnecté(e).');

    await login(page, BASE, TEAM.user, TEAM.password);
    await page.locator('#alerts-view').waitFor();
    assert.equal(await page.locator('#tabs').isHidden(), true, 'a team user has one view, so no tabs');
    const row = page.locator('tr.alert-row', { hasText: routedPerson }).filter({ hasText: ROUTE_TITLE });
    await row.waitFor();
    assert.match(await row.locator('.badge').textContent(), /Ouverte/);

    await row.locator('button[data-action=ack]').click();
    await page.locator('tr.alert-row[data-state=acknowledged]', { hasText: routedPerson }).waitFor();
    const updated = page.locator('tr.alert-row', { hasText: routedPerson }).filter({ hasText: ROUTE_TITLE });
    assert.match(await updated.textContent(), new RegExp(`Prise en charge par ${TEAM.user}`));
    assert.equal(await updated.locator('button[data-action=ack]').count(), 0);
    await page.locator('#logout').click();
    await page.locator('#login-message').waitFor();
  });
});

test('supervisor progress and export', async () => {
  await withPage(browser.context, 'supervisor', async (page) => {
    await login(page, BASE, SUPERVISOR.user, SUPERVISOR.password);
    await page.keyboard.press('Alt+2');
    await page.locator('#supervisor-view').waitFor({ state: 'visible' });
    const card = page.locator('article.campaign', { hasText: 'essai_console' });
    await card.waitFor();
    await page.waitForFunction(() => Number(document.querySelector('article.campaign progress')?.value) >= 2);
    assert.match(await card.textContent(), /objectif 65/);

    const link = card.locator('a', { hasText: 'tentatives' }).first();
    const href = await link.getAttribute('href');
    assert.match(href, /\/export\/attempts\.csv\?cycle=1$/);
    const response = await page.request.get(new URL(href, BASE).href);
    assert.equal(response.status(), 200);
    assert.match(await response.text(), /completed/);
    await page.locator('#logout').click();
  });
});
