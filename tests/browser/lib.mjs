// Helpers shared by the browser tests: Debian's Chromium driven by
// playwright-core (never a downloaded browser), logging in, and
// screenshots of failed steps.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.VIGIE_CHROMIUM ?? '/usr/bin/chromium';

// The flags keep Chromium off the network. Without them it tries to reach
// Google's update and sync services, and fails loudly on a machine with no
// internet access.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Starts Chromium with a fresh profile folder. Returns {context, close}.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'Europe/Paris',
  });
  context.setDefaultTimeout(Number(process.env.VIGIE_E2E_TIMEOUT_MS ?? 10000));
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs `body(page)` on a new page; on failure saves a full-page screenshot
// named after `name` in the screenshot folder, then rethrows.
export async function withPage(context, name, body) {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  try {
    await body(page);
    if (consoleErrors.length) throw new Error(`JavaScript errors in the page: ${consoleErrors.join(' | ')}`);
  } catch (error) {
    const folder = process.env.VIGIE_SCREENSHOTS ?? join(tmpdir(), 'vigie-browser-screenshots');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${name.replace(/[^\w-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    error.message += `\n(screenshot: ${file})`;
    throw error;
  } finally {
    await page.close();
  }
}

// Reads a required environment variable.
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`the environment variable ${name} is missing`);
  return value;
}

// Opens the console and logs in with the form (mouse and keyboard as a
// person would).
export async function login(page, baseUrl, user, password) {
  await page.goto(new URL('/console/', baseUrl).href);
  await page.locator('#login-user').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('#logout').waitFor({ state: 'visible' });
}
