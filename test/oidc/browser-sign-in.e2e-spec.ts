import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startTestSystem, TestSystem } from '../support/test-system';
import { DEMO_PORTAL, DEMO_SPA } from './support/browser-jar';
import { ExampleApp } from './support/example-app';

/** Debian's chromium package; never a downloaded browser. Missing, this suite fails (CI installs it: .ci/run). */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the login page's screenshot goes, to look at (docs/oidc.md shows one). */
const SCREENSHOT = process.env.LOGIN_SCREENSHOT ?? '/tmp/oidc-login-page.png';

/**
 * A real browser through the whole flow: two example apps on the demo clients' registered ports; sign in at
 * the first with the keyboard through the hosted form, the second signs in without a password, logging out
 * of one ends both (its token is refused at the service, and the issuer asks for the password again).
 */
describe('sign-in in a real browser (Chromium)', () => {
  let system: TestSystem;
  let browser: Browser;
  let spa: ExampleApp;
  let portal: ExampleApp;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    system = await startTestSystem();
    spa = new ExampleApp({ issuerUrl: system.issuerUrl, port: 4180, clientId: DEMO_SPA.clientId, serviceUrl: system.ordersUrl });
    portal = new ExampleApp({
      issuerUrl: system.issuerUrl,
      port: 4181,
      clientId: DEMO_PORTAL.clientId,
      secret: DEMO_PORTAL.secret,
      serviceUrl: system.billingUrl,
    });
    await spa.start();
    await portal.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await spa?.stop();
    await portal?.stop();
    await system?.stop();
  });

  it('signs in with the keyboard, SSO to the second app, and one logout ends both', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${spa.url}/`);
    expect(page.url()).toMatch(new RegExp(`^${system.issuerUrl}/oidc/login\\?`));
    expect(await page.title()).toBe('Sign in');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Focus order: the username field has focus, Tab moves to the password, Enter submits (no script on the page).
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('username');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('password');
    await page.keyboard.type('wrong-password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The username or password is incorrect.');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${spa.url}/callback?**`);
    expect(await page.textContent('#status')).toBe('Signed in to demo-spa as alice');
    const cookies = await context.cookies(system.issuerUrl);
    expect(cookies.find((c) => c.name === '__Host-sso')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });

    await page.goto(`${portal.url}/`);
    await page.waitForURL(`${portal.url}/callback?**`);
    expect(await page.textContent('#status')).toBe('Signed in to demo-portal as alice');
    await page.goto(`${portal.url}/me`);
    expect(await page.textContent('#status')).toBe('service answered 200');

    await page.goto(`${spa.url}/logout`);
    await page.waitForURL(`${spa.url}/?state=signed-out`);
    expect(await page.textContent('#status')).toBe('Signed out of demo-spa');
    await page.goto(`${portal.url}/me`);
    expect(await page.textContent('#status')).toBe('service answered 401');
    await page.goto(`${portal.url}/`);
    expect(page.url()).toMatch(new RegExp(`^${system.issuerUrl}/oidc/login\\?`));
    expect(violations).toEqual([]);
    await context.close();
  });
});
