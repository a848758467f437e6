/**
 * The browser harness of the web application's tests: the built application (dist/web, built when
 * stale by `npm run build`'s script), a listening test app, Debian's headless Chromium through
 * playwright-core, pages watched for requests to other origins, script errors and breaches of the
 * Content-Security-Policy, screenshots, and people who log in with a password.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import type { User } from '../helpers/world.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = process.env.LIXIANG_SCREENSHOT_DIR ?? '/tmp';
const root = path.resolve(import.meta.dirname, '../..');
/** Whether the browser tests can run here (CI installs Chromium: there they must). */
export const haveChromium = fs.existsSync(CHROMIUM) || Boolean(process.env.CI);

/** Builds the web application when its build is stale (what `npm run build` does). */
export function buildWeb(): void {
  const build = spawnSync(process.execPath, [path.join(root, 'src/cli/build.mjs'), '--if-stale'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
}

export interface WebHarness {
  t: TestApp;
  origin: string;
  browser: Browser | undefined;
  close(): Promise<void>;
}

/** A test app listening on a free loopback port, and Chromium when it is here. */
export async function startWeb(options: Parameters<typeof createTestApp>[0] = {}): Promise<WebHarness> {
  buildWeb();
  const t = await createTestApp(options);
  const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = haveChromium ? await chromium.launch({ executablePath: CHROMIUM, args: ARGS }) : undefined;
  return {
    t,
    origin,
    browser,
    close: async () => {
      await browser?.close();
      await t.close();
    },
  };
}

export interface Watched {
  page: Page;
  /** Requests to another origin (aborted). */
  foreign: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  /** Breaches of the Content-Security-Policy. */
  violations: string[];
  /** Each script's URL and gzipped size. */
  scripts: Map<string, number>;
}

/** A new page that may load only from `origin`, reporting errors, policy breaches and script sizes. */
export async function watchedPage(browser: Browser, origin: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const watched: Watched = { page, foreign: [], errors: [], violations: [], scripts: new Map() };
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    watched.foreign.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watched.violations.push(message.text());
  });
  // The page's own report of each violation.
  await page.exposeBinding('reportViolation', (_source, directive: string) => void watched.violations.push(`securitypolicyviolation: ${directive}`));
  // In the page (a string: the tests' tsconfig has no DOM types).
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (event) => window.reportViolation(event.violatedDirective));" });
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    void response.body().then(
      (body) => watched.scripts.set(response.url(), gzipSync(body).length),
      () => undefined,
    );
  });
  return watched;
}

/**
 * A screenshot of a screen (to SCREENSHOT_DIR), and axe-core's check of it: a serious or critical
 * violation fails the test, naming the rule and the elements.
 */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The screen at rest: a dialog or message still fading has the colours of neither state. (An
  // endless animation, a spinner, is not waited for.)
  // (Polled from here: a function waited for inside the page would break its no-eval policy.)
  for (let i = 0; i < 50; i += 1) {
    const settled = await page.evaluate("document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");
    if (settled) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true, timeout: 15_000 });
  const violations = await seriousViolations(page);
  if (violations.length > 0) throw new Error(`accessibility (axe-core) on ${name}: ${JSON.stringify(violations)}`);
}

/**
 * Gives `user` a username and a password they may use at once: the admin sets the initial one,
 * then the person changes it through the session API, as the first login requires (a password
 * may not contain the username).
 */
export async function withPassword(t: TestApp, user: User, username: string, password = 'red-melody-2024'): Promise<{ username: string; password: string }> {
  const initial = `${password}-initial`;
  const set = await call(t.app, ADMIN_TOKEN, { method: 'PUT', url: `/api/v1/users/${user.id}/password`, payload: { username, password: initial } });
  if (set.status >= 300) throw new Error(`password refused: ${JSON.stringify(set.body)}`);
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: initial } });
  if (login.statusCode !== 201) throw new Error(`login refused: ${login.body}`);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const changed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/session/password',
    headers: { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken },
    payload: { currentPassword: initial, newPassword: password },
  });
  if (changed.statusCode !== 204) throw new Error(`password change refused: ${changed.body}`);
  return { username, password };
}

/** Logs in through the login screen and waits for the signed-in layout. */
export async function logIn(page: Page, origin: string, credentials: { username: string; password: string }): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.locator('#username').fill(credentials.username);
  await page.locator('#password').fill(credentials.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('who').waitFor({ timeout: 15_000 });
}

const AXE_SOURCE = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * axe-core's check of the page as it is now (WCAG 2.1 A and AA rules): the violations of impact
 * serious or critical. axe runs through the DevTools protocol, outside the page's
 * Content-Security-Policy, which forbids inline scripts.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))",
  );
  return (result as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
