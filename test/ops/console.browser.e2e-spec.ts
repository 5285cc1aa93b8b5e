import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestSystem, TestSystem } from '../support/test-system';

jest.setTimeout(90_000);

/** Debian's chromium, driven by playwright-core (no browser download). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The console in a real headless browser: sign in, see the timeline, rotate with confirmation, see the new key. */
describe('operator console in a browser', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('signs in, draws the key timeline, rotates after a confirmation and shows the new active key, with no CSP violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    // Console errors (CSP violations are reported there) and failed responses; the browser's own favicon probe aside.
    page.on('console', (message) => message.type() === 'error' && !/status of 404/.test(message.text()) && problems.push(message.text()));
    page.on(
      'response',
      (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && problems.push(`${response.status()} ${response.url()}`),
    );
    page.on('pageerror', (error) => problems.push(error.message));
    // The console signs in through the issuer's own code flow: its button leads to the issuer's sign-in page.
    await page.goto(`${system.issuerUrl}/console`);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForURL(`${system.issuerUrl}/oidc/login?**`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'admin-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#timeline svg rect');
    expect(await page.textContent('#who')).toBe('admin');
    // Page-side code as strings: the test compiles without the DOM library.
    const rows = () =>
      page.evaluate<string[][]>(
        "Array.from(document.querySelectorAll('#keys tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 3).map((td) => td.textContent))",
      );
    const before = await rows();
    const activeBefore = before.find((row) => row[2] === 'active')![0];
    const pendingBefore = before.find((row) => row[2] === 'pending')![0];
    expect(await page.locator('#events tbody tr').count()).toBeGreaterThan(0);
    // The token is nowhere but in the script's memory; the code left the address bar and the round-trip state is gone.
    expect(await page.evaluate('[sessionStorage.length, localStorage.length, document.cookie, location.href]')).toEqual([
      0,
      0,
      '',
      `${system.issuerUrl}/console`,
    ]);

    await page.click('#rotate');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-ok');
    // Polled from the test (waitForFunction would eval in the page, which the console's CSP forbids).
    for (let i = 0; i < 100 && !(await rows()).some((row) => row[0] === pendingBefore && row[2] === 'active'); i++) await page.waitForTimeout(100);
    const after = await rows();
    expect(after.find((row) => row[0] === activeBefore)?.[2]).toBe('retired');
    expect(after.filter((row) => row[2] === 'pending')).toHaveLength(1);
    await page.waitForSelector('#status:has-text("Rotated")');

    // CONSOLE_SCREENSHOT=docs/images/operator-console.png refreshes the picture in the docs; otherwise a temp file.
    const shot = process.env.CONSOLE_SCREENSHOT ?? join(tmpdir(), `operator-console-${process.pid}.png`);
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    expect(problems).toEqual([]);

    // Single sign-on: a new tab signs in without the password form.
    const again = await context.newPage();
    await again.goto(`${system.issuerUrl}/console`);
    await again.click('#sign-in-form button[type=submit]');
    await again.waitForSelector('#timeline svg rect');
    expect(await again.locator('input[name=password]').count()).toBe(0);
    await context.close();
  });

  it('a user without role admin is told so and holds no token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${system.issuerUrl}/console`);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForURL(`${system.issuerUrl}/oidc/login?**`);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#sign-in-error:has-text("Not an admin")');
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(await page.evaluate('[sessionStorage.length, location.href]')).toEqual([0, `${system.issuerUrl}/console`]);
    await context.close();
  });
});
