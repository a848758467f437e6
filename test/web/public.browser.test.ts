/**
 * What everyone signed in reads, in a real browser: in a round in 公示 (round@2 in_publicity) an
 * applicant opens the proposed list from the menu and lodges an objection to one of its projects
 * through the form (a blank reason is refused in words first); the service stores it and the
 * applicant sees it among their own. Once org_dept has handled it and published the list, a
 * reviewer opens the published list from the menu: the notice's title, the document number and
 * date, the four approved projects, the links to the other forms; printed (print media), the menu
 * and the bar are gone and the table stands alone.
 *
 * Screenshots: /tmp/web-public-publicity.png, -lodged.png, -lists.png, -published-list.png, -print.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { driveToDecided, publishList, SCRIPT_TITLE } from '../helpers/decided-round.js';
import { createWorld } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

describe.skipIf(!haveChromium)('the published list and 公示 in Chromium', () => {
  it('an applicant objects during 公示; a reviewer reads and prints the published list', async () => {
    const world = await createWorld(web.t.app);
    const { ids } = await driveToDecided(world, web.t.clock);
    const applicant = await withPassword(web.t, world.applicant, 'shengyuexi', 'applicant-secret-1');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, applicant);

    // 公示: the menu lists the round in publicity; its page shows the period and the proposed list.
    await page.getByRole('link', { name: '公示', exact: true }).click();
    await page.waitForURL(/\/publicity$/);
    await page.locator(`a[href="/rounds/${world.roundId}/publicity"]`).click();
    await page.getByTestId('publicity').waitFor();
    expect(await page.getByTestId('publicity').textContent()).toContain('公示期内');
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), { timeout: 10_000 }).toBe(4);
    expect(await page.getByTestId('proposed-list').textContent()).toContain(SCRIPT_TITLE);
    await page.getByTestId('lodge-objection').waitFor();
    await shot(page, 'web-public-publicity.png');

    // A blank reason is refused in words; then an objection to one project.
    await page.locator('[data-event="LODGE_OBJECTION"]').click();
    await page.getByRole('alert').filter({ hasText: '请填写理由' }).waitFor();
    await page.getByTestId('objection-project').click();
    await page.getByRole('option', { name: '琴房先锋岗' }).click();
    await page.locator('#objection-reason').fill('该项目与本支部常规组织生活内容重复');
    await page.locator('[data-event="LODGE_OBJECTION"]').click();
    await expect.poll(() => page.locator('[data-testid="my-objections"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    const mine = (await page.getByTestId('my-objections').textContent()) ?? '';
    expect(mine).toContain('该项目与本支部常规组织生活内容重复');
    expect(mine).toContain('琴房先锋岗');
    expect(mine).toContain('待处理');
    await shot(page, 'web-public-lodged.png');
    const stored = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` });
    expect(stored.body.items).toHaveLength(1);
    expect(stored.body.items[0]).toMatchObject({
      number: 1,
      projectId: ids.early,
      reason: '该项目与本支部常规组织生活内容重复',
      lodgedBy: { id: world.applicant.id },
      handling: null,
    });

    // org_dept handles it and publishes the list after the period.
    const handled = await call(web.t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections/1/handling`,
      payload: { outcome: 'dismissed', response: '经核实，项目内容与常规工作不同' },
    });
    expect(handled.status, JSON.stringify(handled.body)).toBe(200);
    await publishList(world, web.t.clock);

    // A reviewer (the session of ten days ago has expired: a new page, a new login).
    const reviewer = await withPassword(web.t, world.reviewers[0]!, 'pingshen1', 'reviewer-secret-1');
    await page.context().clearCookies();
    await logIn(page, web.origin, reviewer);
    await page.getByRole('link', { name: '立项名单' }).click();
    await page.waitForURL(/\/published-lists$/);
    const row = page.locator('[data-testid="published-rounds"] tbody tr').filter({ has: page.locator(`a[href="/rounds/${world.roundId}/published-list"]`) });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('党委〔2023〕12号');
    await shot(page, 'web-public-lists.png');
    await row.locator('a').click();
    await page.getByTestId('published-list').waitFor();
    expect(await page.getByTestId('notice-title').textContent()).toBe('关于公布2023年度党建项目立项名单的通知');
    expect(await page.getByTestId('document-number').textContent()).toBe('党委〔2023〕12号');
    expect(await page.getByTestId('published-on').textContent()).toBe('2023-04-20');
    const rows = page.locator('[data-testid="published-rows"] tbody tr');
    expect(await rows.count()).toBe(4);
    const table = (await page.getByTestId('published-rows').textContent()) ?? '';
    for (const title of ['“党建+专业”融合工程', '琴房先锋岗', '乐韵党课', SCRIPT_TITLE]) expect(table).toContain(title);
    expect(table).not.toContain('常规组织生活（未获立项）');
    expect(await page.getByTestId('published-total').textContent()).toContain('4');
    for (const format of ['html', 'csv', 'xlsx']) {
      expect(await page.locator(`[data-testid="other-forms"] a[data-format="${format}"]`).getAttribute('href')).toBe(
        `/api/v1/rounds/${world.roundId}/published-list?format=${format}`,
      );
    }
    // The CSV link answers the list (the session's cookie is enough to read).
    const csv = await page.request.get(`${web.origin}/api/v1/rounds/${world.roundId}/published-list?format=csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('琴房先锋岗');
    expect(await page.getByTestId('print').isVisible()).toBe(true);
    await shot(page, 'web-public-published-list.png');

    // Printed: no menu, no bar, no buttons; the list and its ruled table.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.bar').isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: '导航' }).isVisible()).toBe(false);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    expect(await page.getByTestId('other-forms').isVisible()).toBe(false);
    expect(await page.getByTestId('published-rows').isVisible()).toBe(true);
    expect(await page.evaluate('getComputedStyle(document.querySelector(\'[data-testid="published-rows"] td\')).borderTopStyle')).toBe('solid');
    await shot(page, 'web-public-print.png');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('header.bar').isVisible()).toBe(true);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);
});
