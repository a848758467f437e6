/**
 * 系统管理员 (admin) in a real browser: the unit tree shows the party committee's units with their
 * branches; the admin adds a branch under a 党总支, tries to move it under a 直属党支部 (refused in the
 * service's words, nothing moved), deactivates it (greyed, labelled) and cannot delete a branch its
 * users refer to. Then a user: created with its token shown once (the token works; closed, it is
 * gone from the page), its initial password set (the user must change it at first login), its
 * session revoked, its token reissued, and deactivated. Then the rounds: a new round with its settings, and a round that has opened (a
 * project submitted): a setting other than a date is refused, a date without a reason is refused,
 * with a reason it is saved. A year of the working-day calendar is set. org_dept amends a round's
 * settings but has no way to create one.
 *
 * Screenshots: /tmp/web-admin-units.png, -move-refused.png, -unit-referenced.png, -user-token.png,
 * -users.png, -round-new.png, -round-refused.png, -round-amended.png, -calendar.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { createUser, createWorld, driveTogether } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

describe.skipIf(!haveChromium)('the admin in Chromium', () => {
  it('keeps the unit tree, the users and the rounds', async () => {
    const world = await createWorld(web.t.app);
    // A round that has opened: one project submitted in it.
    const [submitted] = await driveTogether(world, ['submitted']);
    const openedRoundId = submitted!.roundId;
    const admin = await createUser(web.t.app, '孙管理员', 'admin');
    const credentials = await withPassword(web.t, admin, 'guanliyuan', 'admin-secret-2024');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);

    // ---- The unit tree ----
    await page.getByRole('link', { name: '党组织', exact: true }).click();
    await page.waitForURL(/\/admin\/units$/);
    const unitRow = (id: string) => page.locator('[data-testid="unit-tree"] tbody tr').filter({ has: page.locator(`[data-unit="${id}"]`) });
    await unitRow(world.units.branch).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('unit-tree').textContent()).toContain('音乐学院党总支');

    // A branch under 音乐学院党总支.
    await unitRow(world.units.general).locator('[data-action="add-branch"]').click();
    await page.locator('#unit-name').fill('钢琴系党支部');
    await page.getByTestId('submit-unit').click();
    await page.locator('[data-testid="unit-tree"] tbody tr').filter({ hasText: '钢琴系党支部' }).waitFor({ timeout: 10_000 });
    const units = await call(web.t.app, world.admin.token, { method: 'GET', url: '/api/v1/units?limit=500' });
    const piano = (units.body.items as { id: string; name: string; parentId: string | null; type: string }[]).find((u) => u.name === '钢琴系党支部')!;
    expect(piano.type).toBe('branch');
    expect(piano.parentId).toBe(world.units.general);
    await shot(page, 'web-admin-units.png');

    // Moving it under a 直属党支部 breaks the tree: refused in the service's words, nothing moved.
    await unitRow(piano.id).locator('[data-action="amend"]').click();
    await page.getByTestId('amend-parent').click();
    await page.getByRole('option', { name: '图书馆直属党支部（直属党支部）' }).click();
    await page.getByTestId('submit-amend-unit').click();
    await page.getByTestId('amend-unit-refusal').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('amend-unit-refusal').textContent()).toContain('党支部须隶属党总支或机关党委');
    await shot(page, 'web-admin-move-refused.png');
    const unmoved = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/units/${piano.id}` });
    expect(unmoved.body.parentId).toBe(world.units.general);
    await page.getByTestId('submit-amend-unit').locator('xpath=..').getByRole('button', { name: '取消' }).click();

    // Deactivated: greyed and labelled.
    await unitRow(piano.id).locator('[data-action="deactivate"]').click();
    await page.locator('#unit-act-reason').fill('建制调整，暂不设立');
    await page.getByTestId('submit-unit-act').click();
    await unitRow(piano.id).getByTestId('inactive').waitFor({ timeout: 10_000 });
    expect(await unitRow(piano.id).getAttribute('class')).toContain('inactive');
    const inactive = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/units/${piano.id}` });
    expect(inactive.body.active).toBe(false);

    // A branch its users refer to cannot be deleted: the service says why.
    await unitRow(world.units.branch).locator('[data-action="delete"]').click();
    await page.getByTestId('submit-unit-act').click();
    await page.getByTestId('unit-act-refusal').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('unit-act-refusal').textContent()).toContain('已被引用');
    const still = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/units/${world.units.branch}` });
    expect(still.status).toBe(200);
    await shot(page, 'web-admin-unit-referenced.png');
    await page.getByTestId('submit-unit-act').locator('xpath=..').getByRole('button', { name: '取消' }).click();

    // ---- A user: created (the token once), its password, deactivated ----
    await page.getByRole('link', { name: '用户', exact: true }).click();
    await page.waitForURL(/\/admin\/users$/);
    await page.locator('[data-testid="users"] tbody tr').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('new-user').click();
    await page.locator('#user-name').fill('赵老师');
    // An applicant needs a unit: the form says so before sending.
    await page.getByTestId('user-role').click();
    await page.getByRole('option', { name: '申报单位' }).click();
    await page.getByTestId('submit-user').click();
    expect(await page.getByTestId('create-user-refusal').textContent()).toContain('所属党组织');
    await page.getByTestId('user-unit').click();
    await page.getByRole('option', { name: '音乐学院党总支 / 声乐系党支部' }).click();
    await page.getByTestId('submit-user').click();
    await page.getByTestId('token').waitFor({ timeout: 10_000 });
    const token = await page.getByTestId('token').inputValue();
    expect(token.length).toBeGreaterThan(20);
    expect(await page.getByTestId('token-dialog').textContent()).toContain('只显示这一次');
    await shot(page, 'web-admin-user-token.png');
    const me = await call(web.t.app, token, { method: 'GET', url: '/api/v1/users/me' });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe('赵老师');
    const userId = me.body.id as string;
    await page.getByTestId('close-token').click();
    await page.getByTestId('close-token').waitFor({ state: 'hidden' });
    expect(await page.content()).not.toContain(token);

    const userRow = page.locator('[data-testid="users"] tbody tr').filter({ has: page.locator(`[data-user="${userId}"]`) });
    await userRow.waitFor({ timeout: 10_000 });
    expect(await userRow.textContent()).toContain('声乐系党支部');

    // The initial password: the form checks the length first.
    await userRow.locator('[data-action="password"]').click();
    await page.locator('#set-username').fill('zhao.laoshi');
    await page.locator('#set-password').fill('short');
    await page.getByTestId('submit-password').click();
    expect(await page.getByTestId('password-refusal').textContent()).toContain('初始密码');
    await page.locator('#set-password').fill('chushi-mima-2024');
    await page.locator('#set-reason').fill('新用户开通登录');
    await page.getByTestId('submit-password').click();
    await page.getByTestId('submit-password').waitFor({ state: 'hidden', timeout: 10_000 });
    const login = await web.t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'zhao.laoshi', password: 'chushi-mima-2024' } });
    expect(login.statusCode).toBe(201);
    expect(login.json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(true);
    // The directory names the login now.
    await expect.poll(() => userRow.locator(`[data-username="${userId}"]`).textContent(), { timeout: 10_000 }).toBe('zhao.laoshi');

    // A token reissued: shown once, the old one refused from then on.
    await userRow.locator('[data-action="token"]').click();
    await page.locator('#user-act-reason').fill('令牌遗失');
    await page.getByTestId('submit-user-act').click();
    await expect.poll(() => page.getByTestId('token').inputValue(), { timeout: 10_000 }).not.toBe('');
    const reissued = await page.getByTestId('token').inputValue();
    expect(reissued).not.toBe(token);
    await page.getByTestId('close-token').click();
    await page.getByTestId('close-token').waitFor({ state: 'hidden' });
    expect((await call(web.t.app, token, { method: 'GET', url: '/api/v1/users/me' })).status).toBe(401);
    expect((await call(web.t.app, reissued, { method: 'GET', url: '/api/v1/users/me' })).status).toBe(200);

    // Its live sessions: the login above.
    await userRow.locator('[data-action="sessions"]').click();
    await expect.poll(() => page.locator('[data-testid="sessions"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('[data-testid="sessions"] [data-session]').click();
    await expect.poll(() => page.locator('[data-testid="sessions"] tbody tr').count(), { timeout: 10_000 }).toBe(0);
    const sessions = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/sessions?userId=${userId}` });
    expect(sessions.body.items).toEqual([]);
    await page.keyboard.press('Escape');

    // Deactivated: its token is refused.
    await userRow.locator('[data-action="deactivate"]').click();
    await page.locator('#user-act-reason').fill('调离本校');
    await page.getByTestId('submit-user-act').click();
    await userRow.locator('[data-action="reactivate"]').waitFor({ timeout: 10_000 });
    expect(await userRow.textContent()).toContain('已停用');
    await shot(page, 'web-admin-users.png');
    const user = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/users/${userId}` });
    expect(user.body.active).toBe(false);
    expect((await call(web.t.app, reissued, { method: 'GET', url: '/api/v1/users/me' })).status).toBe(401);
    // The directory's filter: only the inactive.
    await page.getByTestId('filter-active').click();
    await page.getByRole('option', { name: '已停用' }).click();
    await expect.poll(() => page.locator('[data-testid="users"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('users').textContent()).toContain('赵老师');

    // ---- Rounds: a new one, with its settings ----
    await page.getByRole('link', { name: '批次设置', exact: true }).click();
    await page.waitForURL(/\/admin\/rounds$/);
    await page.getByTestId('new-round').click();
    await page.waitForURL(/\/admin\/rounds\/new$/);
    await page.locator('#round-year').fill('2024');
    await page.locator('#round-title').fill('2024年度党建工作项目立项');
    await page.locator('#round-document-number').fill('办字〔2024〕3号');
    await page.locator('#round-submissionDeadline').fill('2024-03-29');
    // The form checks the schema's rules before sending: the final acceptance date is required.
    await page.getByTestId('save-round').click();
    expect(await page.getByTestId('round-refusal').textContent()).toContain('结项验收日期');
    await page.locator('#round-finalAcceptanceDate').fill('2024-12-31');
    await page.locator('#round-funding-first').fill('3000');
    await page.locator('#round-funding-second').fill('2000');
    await page.locator('#round-funding-third').fill('1500');
    await page.locator('#round-funding-qualified').fill('1000');
    await page.getByTestId('add-contact').click();
    await page.locator('#contact-name-0').fill('邹老师');
    await page.locator('#contact-phone-0').fill('024-23870157');
    await page.locator('#contact-extension-0').fill('8012');
    await page.locator('#round-publicityWorkingDays').fill('7');
    await shot(page, 'web-admin-round-new.png');
    await page.getByTestId('save-round').click();
    await page.waitForURL(/\/admin\/rounds\/[^/]+\/settings$/, { timeout: 10_000 });
    const newRoundId = /\/admin\/rounds\/([^/]+)\/settings$/.exec(page.url())![1]!;
    const made = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/rounds/${newRoundId}` });
    expect(made.body).toMatchObject({
      year: 2024,
      title: '2024年度党建工作项目立项',
      documentNumber: '办字〔2024〕3号',
      submissionDeadline: '2024-03-29',
      finalAcceptanceDate: '2024-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      contacts: [{ name: '邹老师', phone: '024-23870157', extension: '8012' }],
      publicityWorkingDays: 7,
      scoreScale: { min: 0, max: 20 },
      recommendableGrades: ['first'],
    });
    expect(made.body.acceptanceCriteria).toHaveLength(3);

    // ---- A round that has opened: only dates, only with a reason ----
    await page.goto(`${web.origin}/admin/rounds/${openedRoundId}/settings`);
    await page.locator('#round-title').waitFor({ timeout: 15_000 });
    const before = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/rounds/${openedRoundId}` });
    await page.locator('#round-title').fill('改过的批次名称');
    await page.locator('#round-revisionDeadline').fill('2023-12-20');
    await page.locator('#round-reason').fill('申报材料较多，延长修改期限');
    await page.getByTestId('save-round').click();
    await page.getByTestId('round-refusal').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('round-refusal').textContent()).toContain('批次已开始');
    await shot(page, 'web-admin-round-refused.png');

    // Back to the round as it is; the date alone, first without a reason.
    await page.reload();
    await page.locator('#round-revisionDeadline').waitFor({ timeout: 15_000 });
    expect(await page.locator('#round-title').inputValue()).toBe(before.body.title);
    await page.locator('#round-revisionDeadline').fill('2023-12-20');
    await page.getByTestId('save-round').click();
    await expect.poll(() => page.getByTestId('round-refusal').textContent(), { timeout: 10_000 }).toContain('须说明原因');
    let round = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/rounds/${openedRoundId}` });
    expect(round.body.revisionDeadline).toBe(before.body.revisionDeadline);
    await page.locator('#round-reason').fill('申报材料较多，延长修改期限');
    await page.getByTestId('save-round').click();
    await expect
      .poll(async () => (await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/rounds/${openedRoundId}` })).body.revisionDeadline, { timeout: 10_000 })
      .toBe('2023-12-20');
    round = await call(web.t.app, world.admin.token, { method: 'GET', url: `/api/v1/rounds/${openedRoundId}` });
    expect(round.body.title).toBe(before.body.title);
    expect(round.body.version).toBe(before.body.version + 1);
    await expect.poll(() => page.locator('#round-reason').inputValue(), { timeout: 10_000 }).toBe('');
    await shot(page, 'web-admin-round-amended.png');

    // ---- The working-day calendar ----
    await page.getByRole('link', { name: '工作日历', exact: true }).click();
    await page.waitForURL(/\/admin\/calendar$/);
    await page.locator('#calendar-year').fill('2024');
    await page.getByTestId('show-year').click();
    await page.getByTestId('year-not-set').waitFor({ timeout: 10_000 });
    await page.locator('#calendar-holidays').fill('2024-10-01\n2024-10-02\n2024-10-03');
    // A weekday is no adjusted working day: the form says so before sending.
    await page.locator('#calendar-workdays').fill('2024-10-08');
    await page.getByTestId('save-calendar').click();
    expect(await page.getByTestId('calendar-refusal').textContent()).toContain('2024-10-08');
    await page.locator('#calendar-workdays').fill('2024-09-29\n2024-10-12');
    await page.locator('#calendar-reason').fill('国务院办公厅 2024 年部分节假日安排');
    await page.getByTestId('save-calendar').click();
    await page.getByTestId('year-not-set').waitFor({ state: 'hidden', timeout: 10_000 });
    await shot(page, 'web-admin-calendar.png');
    const calendar = await call(web.t.app, world.admin.token, { method: 'GET', url: '/api/v1/calendar/2024' });
    expect(calendar.body.holidays).toEqual(['2024-10-01', '2024-10-02', '2024-10-03']);
    expect(calendar.body.workdays).toEqual(['2024-09-29', '2024-10-12']);

    // org_dept amends a round's settings too, but creates none.
    const orgDept = await watchedPage(web.browser!, web.origin);
    await logIn(orgDept.page, web.origin, await withPassword(web.t, world.orgDept, 'zuzhibu', 'org-dept-secret-1'));
    await orgDept.page.getByRole('link', { name: '批次设置', exact: true }).click();
    await orgDept.page.locator(`[data-round="${newRoundId}"]`).waitFor({ timeout: 15_000 });
    expect(await orgDept.page.getByTestId('new-round').count()).toBe(0);
    await orgDept.page.locator(`[data-round="${newRoundId}"]`).click();
    await orgDept.page.locator('#round-title').waitFor({ timeout: 15_000 });
    await orgDept.page.locator('#round-title').fill('2024年度党建工作项目立项（修订）');
    await orgDept.page.getByTestId('save-round').click();
    await expect
      .poll(async () => (await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${newRoundId}` })).body.title, { timeout: 10_000 })
      .toBe('2024年度党建工作项目立项（修订）');

    for (const watched of [{ foreign, errors, violations }, orgDept]) {
      expect(watched.foreign).toEqual([]);
      expect(watched.errors).toEqual([]);
      expect(watched.violations).toEqual([]);
    }
    await orgDept.page.close();
    await page.close();
  }, 180_000);
});
