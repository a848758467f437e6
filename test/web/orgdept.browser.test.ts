/**
 * 党委组织部 (org_dept) in a real browser: the "waiting for me" inbox counts projects by round and
 * opens the filtered list; a round in 公示 (round@2 in_publicity, the committee's decisions
 * concluded) shows its period and an applicant's two objections; org_dept handles one through the
 * form, and the other, handled elsewhere meanwhile, is refused and shown as words; the list cannot
 * be published during the period (no form, a word of why); once the clock passes
 * the period, org_dept uploads the signed list (a PDF), gives the document number and date and
 * publishes: the round is in_execution.
 *
 * Screenshots: /tmp/web-orgdept-inbox.png, -waiting.png, -round.png, -handled.png, -refusal.png, -published.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { driveToDecided } from '../helpers/decided-round.js';
import { minimalPdf } from '../helpers/files.js';
import { createWorld, driveTogether } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

describe.skipIf(!haveChromium)('org_dept in Chromium', () => {
  it('sees what waits, handles an objection in publicity, uploads the signed list and publishes it', async () => {
    const world = await createWorld(web.t.app);
    const { ids } = await driveToDecided(world, web.t.clock);
    // A second round with two projects waiting for the preliminary check.
    const waiting = await driveTogether(world, ['submitted', 'submitted']);
    const objection = await call(web.t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections`,
      payload: { projectId: ids.rejected, reason: '本支部认为该项目不应被否决' },
    });
    expect(objection.status, JSON.stringify(objection.body)).toBe(201);
    const second = await call(web.t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections`,
      payload: { reason: '名单公示范围不够广' },
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const credentials = await withPassword(web.t, world.orgDept, 'zuzhibu', 'org-dept-secret-1');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);

    // The inbox: one row per round still running, each count a link.
    await page.getByRole('link', { name: '待办' }).click();
    await page.waitForURL(/\/orgdept\/inbox$/);
    const secondRow = page.locator('[data-testid="inbox"] tbody tr').filter({ has: page.locator(`a[href*="${waiting[0]!.roundId}"]`) });
    await secondRow.locator('[data-count="preliminaryCheck"]').waitFor({ timeout: 15_000 });
    expect(await secondRow.locator('[data-count="preliminaryCheck"]').textContent()).toBe('2');
    expect(await secondRow.locator('[data-count="closePanel"]').textContent()).toBe('0');
    const firstRow = page.locator('[data-testid="inbox"] tbody tr').filter({ has: page.locator(`a[href="/orgdept/rounds/${world.roundId}"]`) });
    expect(await firstRow.locator('[data-count="preliminaryCheck"]').textContent()).toBe('0');
    await expect(firstRow.textContent()).resolves.toContain('公示');
    await shot(page, 'web-orgdept-inbox.png');
    await secondRow.locator('[data-count="preliminaryCheck"]').click();
    await page.waitForURL(/\/orgdept\/projects\?/);
    await page.getByRole('heading', { name: '待初审' }).waitFor();
    await expect.poll(() => page.locator('[data-testid="waiting-projects"] tbody tr').count(), { timeout: 10_000 }).toBe(2);
    await shot(page, 'web-orgdept-waiting.png');

    // The rounds, then the round in publicity.
    await page.getByRole('link', { name: '立项批次' }).click();
    await page.waitForURL(/\/orgdept\/rounds$/);
    await page.locator(`a[href="/orgdept/rounds/${world.roundId}"]`).click();
    await page.getByTestId('round-state').waitFor();
    expect(await page.getByTestId('round-state').textContent()).toContain('公示');
    await page.getByTestId('publicity').waitFor();
    expect(await page.getByTestId('publicity').textContent()).toContain('公示期内');
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), { timeout: 10_000 }).toBe(4);
    expect(await page.getByTestId('objection-counts').textContent()).toContain('未处理 2 项');
    expect(await page.getByTestId('objections').textContent()).toContain('本支部认为该项目不应被否决');
    await shot(page, 'web-orgdept-round.png');

    // Handle the objection: a blank form is refused in words first.
    await page.locator('[data-objection="1"]').click();
    await page.getByTestId('submit-handling').click();
    await page.getByRole('alert').filter({ hasText: '请填写' }).waitFor();
    await page.getByTestId('objection-outcome').click();
    await page.getByRole('option', { name: '异议不成立' }).click();
    await page.locator('#objection-response').fill('经核实，党委的决定符合立项要求');
    await page.getByTestId('submit-handling').click();
    await expect.poll(() => page.getByTestId('objection-counts').textContent(), { timeout: 10_000 }).toContain('未处理 1 项');
    expect(await page.getByTestId('objections').textContent()).toContain('经核实，党委的决定符合立项要求');
    await shot(page, 'web-orgdept-handled.png');
    const objections = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` });
    expect(objections.body.items[0].handling.outcome).toBe('dismissed');

    // During the period the list cannot be published yet: no form, a word of why.
    await page.getByTestId('publish-later').waitFor();
    expect(await page.locator('#signed-list').count()).toBe(0);

    // Someone handles objection 2 elsewhere while its form is open: the refusal is shown as words.
    await page.locator('[data-objection="2"]').click();
    await page.getByTestId('objection-outcome').click();
    await page.getByRole('option', { name: '异议成立' }).click();
    await page.locator('#objection-response').fill('在此处处理');
    const elsewhere = await call(web.t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections/2/handling`,
      payload: { outcome: 'dismissed', response: '已在别处处理' },
    });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    await page.getByTestId('submit-handling').click();
    const refusal = page.locator('.el-message--error');
    await refusal.first().waitFor({ timeout: 10_000 });
    const words = (await refusal.first().textContent()) ?? '';
    expect(words.length).toBeGreaterThan(0);
    expect(words).not.toContain('{');
    await page.getByTestId('submit-handling').waitFor({ state: 'hidden', timeout: 10_000 });
    await shot(page, 'web-orgdept-refusal.png');
    await expect.poll(() => page.getByTestId('objections').textContent(), { timeout: 10_000 }).toContain('已在别处处理');

    // Past the period: upload, number, date, publish.
    const pdf = { name: '立项名单（盖章）.pdf', mimeType: 'application/pdf', buffer: minimalPdf('立项名单') };
    // Ten days on, the session has expired (the service's clock): log in again, back to the round.
    web.t.clock.set(Date.parse('2023-04-20T10:00:00+08:00'));
    await logIn(page, web.origin, credentials);
    await page.goto(`${web.origin}/orgdept/rounds/${world.roundId}`);
    await page.getByTestId('round-state').waitFor();
    await page.locator('#signed-list').setInputFiles(pdf);
    await page.getByTestId('upload-list').click();
    await page.getByTestId('uploaded').waitFor();
    await page.locator('#document-number').fill('党委〔2023〕12号');
    await page.locator('#published-on').fill('2023-04-20');
    await page.locator('[data-event="PUBLISH_LIST"]').click();
    await page.getByTestId('confirm-round-event').click();
    await expect.poll(() => page.getByTestId('round-state').textContent(), { timeout: 10_000 }).not.toContain('公示');
    await page.getByTestId('publication').waitFor();
    expect(await page.getByTestId('publication').textContent()).toContain('党委〔2023〕12号');
    await shot(page, 'web-orgdept-published.png');

    const round = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
    expect(round.body.state).toBe('in_execution');
    expect(round.body.publication.documentNumber).toBe('党委〔2023〕12号');
    const fortress = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${ids.fortress}` });
    expect(fortress.body.state).toBe('in_progress');

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 90_000);
});
