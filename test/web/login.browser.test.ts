/**
 * The web application in a real browser: Debian's headless Chromium, driven by playwright-core,
 * against the built application (dist/web, built here when stale) served by a listening app.
 *
 * - The login screen renders in Chinese, switches to English and back, loads nothing from another
 *   origin, breaks no rule of the Content-Security-Policy, and its script weighs under 300 KB gzipped.
 * - A person's journey through the session API (POST /api/v1/session and the cookie): an applicant
 *   whose initial password an admin set logs in, must change it, sees the project list, opens a
 *   project, submits it with the button its allowedEvents offer, sees a refusal (a stale ETag, 412)
 *   as the problem's title and detail, and logs out. It needs the session routes; where they are
 *   absent, the journey is skipped and says so.
 *
 * Screenshots go to LIXIANG_SCREENSHOT_DIR or /tmp: web-login.png, web-password.png,
 * web-projects.png, web-project.png, web-refusal.png.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, type World } from '../helpers/world.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT_DIR = process.env.LIXIANG_SCREENSHOT_DIR ?? '/tmp';
const root = path.resolve(import.meta.dirname, '../..');
const haveChromium = fs.existsSync(CHROMIUM) || Boolean(process.env.CI);

// The built application: `npm run build`'s script, which does nothing when the build is current.
const build = spawnSync(process.execPath, [path.join(root, 'src/cli/build.mjs'), '--if-stale'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);

const t: TestApp = await createTestApp();
// The session routes (issue 17, item 2) answer 401 without a cookie; absent, the path is not found.
const probe = await t.app.inject({ method: 'GET', url: '/api/v1/session' });
const hasSessionApi = probe.statusCode !== 404;

let origin: string;
let browser: Browser | undefined;

beforeAll(async () => {
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t.close();
});

interface Watched {
  page: Page;
  foreign: string[];
  errors: string[];
  violations: string[];
  scripts: Map<string, number>;
}

async function watchedPage(): Promise<Watched> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
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
  // The page's own report of each violation (the detector is checked: see checkDetector).
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

/** An inline style element is refused and reported: the policy is in force and the watch sees it. */
async function checkDetector(watched: Watched): Promise<void> {
  const before = watched.violations.length;
  await watched.page.evaluate("document.head.append(Object.assign(document.createElement('style'), { textContent: 'body { outline: 1px solid red; }' }))");
  await expect.poll(() => watched.violations.length, { timeout: 5_000 }).toBeGreaterThan(before);
  watched.violations.splice(before);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true, timeout: 15_000 });

describe.skipIf(!haveChromium)('the web application in Chromium', () => {
  it('shows the login screen in Chinese, switches to English, stays within its origin, its policy and 300 KB of script', async () => {
    const watched = await watchedPage();
    const { page, foreign, errors, violations, scripts } = watched;
    await page.goto(`${origin}/`);
    await page.waitForURL(/\/login/, { timeout: 20_000 });
    await page.getByText('用户名').first().waitFor({ timeout: 20_000 });
    await expect(page.getByText('密码').first().isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: '登录' }).isVisible()).resolves.toBe(true);
    await page.waitForLoadState('networkidle');
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await shot(page, 'web-login.png');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Username').first().waitFor({ timeout: 5_000 });
    await expect(page.evaluate("localStorage.getItem('lixiang.language')")).resolves.toBe('en');
    await page.reload();
    await page.getByText('Username').first().waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByText('用户名').first().waitFor({ timeout: 5_000 });

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await checkDetector(watched);
    // The script the login screen loaded (each file once: the reload hits the same files).
    const kb = [...scripts.values()].reduce((sum, n) => sum + n, 0) / 1024;
    expect(scripts.size).toBeGreaterThan(0);
    expect(kb).toBeLessThan(300);
    console.log(`login screen: ${scripts.size} scripts, ${kb.toFixed(1)} KB gzipped`);
    await page.close();
  });

  // Needs POST/GET/DELETE /api/v1/session and PUT /api/v1/users/{id}/password (issue 17, item 2).
  it.skipIf(!hasSessionApi)('an applicant logs in, changes the initial password, lists, opens and submits a project, sees a refusal, logs out', async () => {
    const world: World = await createWorld(t.app);
    const draft = await createDraft(world);
    const set = await call(t.app, ADMIN_TOKEN, {
      method: 'PUT',
      url: `/api/v1/users/${world.applicant.id}/password`,
      payload: { username: 'shengyue', password: 'initial-password-1' },
    });
    expect(set.status, JSON.stringify(set.body)).toBeLessThan(300);

    const { page, foreign, errors, violations } = await watchedPage();
    await page.goto(`${origin}/projects/${draft.id}`);
    await page.waitForURL(/\/login\?next=/, { timeout: 20_000 });
    // Wrong password: the refusal's title and detail, not a JSON dump.
    await page.locator('#username').fill('shengyue');
    await page.locator('#password').fill('wrong-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor({ timeout: 10_000 });
    expect(await refusal.textContent()).not.toContain('{');

    await page.locator('#password').fill('initial-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/password$/, { timeout: 10_000 });
    await page.getByText('首次登录须修改初始密码').waitFor({ timeout: 10_000 });
    await shot(page, 'web-password.png');
    await page.locator('#current-password').fill('initial-password-1');
    await page.locator('#new-password').fill('a-new-password-2');
    await page.locator('#repeat-password').fill('a-new-password-2');
    await page.getByRole('button', { name: '保存' }).click();

    await page.waitForURL(/\/projects$/, { timeout: 10_000 });
    await page.getByText('“红色旋律”党员先锋岗').first().waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('who').textContent()).resolves.toContain('申报单位');
    await shot(page, 'web-projects.png');

    await page.getByText('“红色旋律”党员先锋岗').first().click();
    await page.waitForURL(new RegExp(`/projects/${draft.id}$`), { timeout: 10_000 });
    await page.getByTestId('project-state').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('project-state').textContent()).toContain('草稿');
    const submit = page.locator('[data-event="SUBMIT"]');
    await submit.waitFor({ timeout: 10_000 });
    await shot(page, 'web-project.png');
    await submit.click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), { timeout: 10_000 }).not.toContain('草稿');
    const after = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(after.body.state).toBe('submitted');

    // Someone else acts first: the page's ETag is stale, and the refusal (412) is shown as words.
    const withdraw = page.locator('[data-event="WITHDRAW"]');
    await withdraw.waitFor({ timeout: 10_000 });
    const elsewhere = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/events`,
      payload: { type: 'WITHDRAW', reason: '在别处撤回' },
    });
    expect(elsewhere.status).toBe(200);
    await withdraw.click();
    await page.getByTestId('confirm-event').click();
    const message = page.locator('.el-message--error');
    await message.first().waitFor({ timeout: 10_000 });
    const text = (await message.first().textContent()) ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('{');
    await shot(page, 'web-refusal.png');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    expect((await page.context().cookies()).filter((c) => c.name === 'lixiang_session' && c.value)).toEqual([]);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it.runIf(!hasSessionApi)('skips the journey: this build has no session API (GET /api/v1/session is not a route)', () => {
    expect(probe.statusCode).toBe(404);
  });
});
