/**
 * The web application in a real browser: Debian's headless Chromium, driven by playwright-core,
 * against the built application (dist/web, built here when stale) served by a listening app.
 *
 * - The login screen renders in Chinese, switches to English and back, loads nothing from another
 *   origin, breaks no rule of the Content-Security-Policy, and its script weighs under 300 KB gzipped.
 * - A person's journey through the session API (POST /api/v1/session and the cookie): an applicant
 *   whose initial password an admin set logs in, must change it, sees the project list, opens a
 *   project, submits it with the button its allowedEvents offer, sees a refusal (a stale ETag, 412)
 *   as the problem's title and detail, and logs out.
 *
 * Screenshots go to LIXIANG_SCREENSHOT_DIR or /tmp: web-login.png, web-password.png,
 * web-projects.png, web-project.png, web-refusal.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call } from '../helpers/app.js';
import { createDraft, createWorld, type World } from '../helpers/world.js';
import { haveChromium, shot, startWeb, watchedPage as watch, type Watched, type WebHarness } from './browser.js';

let web: WebHarness;
let origin: string;

beforeAll(async () => {
  web = await startWeb();
  origin = web.origin;
}, 60_000);

afterAll(async () => {
  await web.close();
});

const watchedPage = () => watch(web.browser!, origin);

/** An inline style element is refused and reported: the policy is in force and the watch sees it. */
async function checkDetector(watched: Watched): Promise<void> {
  const before = watched.violations.length;
  await watched.page.evaluate("document.head.append(Object.assign(document.createElement('style'), { textContent: 'body { outline: 1px solid red; }' }))");
  await expect.poll(() => watched.violations.length, { timeout: 5_000 }).toBeGreaterThan(before);
  watched.violations.splice(before);
}

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
  it('an applicant logs in, changes the initial password, lists, opens and submits a project, sees a refusal, logs out', async () => {
    const world: World = await createWorld(web.t.app);
    const draft = await createDraft(world);
    const set = await call(web.t.app, ADMIN_TOKEN, {
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
    // The role's label comes with the machine's definition (GET /machine), loaded beside the list.
    await expect.poll(() => page.getByTestId('who').textContent(), { timeout: 10_000 }).toContain('申报单位');
    // Each row names its unit and its round.
    await expect.poll(() => page.getByTestId('projects').locator('tbody tr').first().textContent(), { timeout: 10_000 }).toContain('声乐系党支部');
    expect(await page.getByTestId('projects').locator('tbody tr').first().textContent()).toContain('2023年度党建项目立项');
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
    const after = await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(after.body.state).toBe('submitted');

    // Someone else acts first: the page's ETag is stale, and the refusal (412) is shown as words.
    const withdraw = page.locator('[data-event="WITHDRAW"]');
    await withdraw.waitFor({ timeout: 10_000 });
    const elsewhere = await call(web.t.app, world.applicant.token, {
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
    // The event's form closes on the refusal: the screen as it then stays.
    await page.locator('.el-overlay').first().waitFor({ state: 'hidden', timeout: 10_000 });
    await shot(page, 'web-refusal.png');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    expect((await page.context().cookies()).filter((c) => c.name === 'lixiang_session' && c.value)).toEqual([]);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });
});
