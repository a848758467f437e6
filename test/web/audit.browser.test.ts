/**
 * The auditor's screens in Chromium: an auditor (韩静) logs in with a username and password, opens
 * 审计日志 from the menu, pages the log (20 a page), filters it to the rounds' entries and then to one actor's, runs the
 * verification (valid, its figures those of the API), signs a checkpoint and sees it as the latest,
 * and finds the bundle download link; every count shown is the API's.
 *
 * Screenshots: web-audit-log.png, web-audit-filtered.png, web-audit-verify.png, web-audit-checkpoints.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { createWorld, type World } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 60_000);

afterAll(async () => {
  await web.close();
});

/** Every entry of the log the API answers for `query`, as the auditor. */
async function logged(world: World, query = ''): Promise<number[]> {
  const page = await call(web.t.app, world.auditor.token, { method: 'GET', url: `/api/v1/audit/transitions?limit=500${query}` });
  expect(page.status).toBe(200);
  return (page.body.items as { seq: number }[]).map((entry) => entry.seq);
}

describe.skipIf(!haveChromium)('the audit screens in Chromium', () => {
  it('an auditor pages and filters the log, verifies it, signs a checkpoint and finds the bundle', async () => {
    const world = await createWorld(web.t.app);
    const credentials = await withPassword(web.t, world.auditor, 'hanjing', 'jiwei-shenji-2024');
    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);

    // The menu offers the audit screens to an auditor.
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.waitForURL(/\/audit\/log$/, { timeout: 10_000 });
    const all = await logged(world);
    expect(all.length).toBeGreaterThan(20);
    const seqs = page.getByTestId('audit-seq');
    await expect.poll(() => seqs.count(), { timeout: 10_000 }).toBe(20);
    expect(await seqs.allTextContents()).toEqual(all.slice(0, 20).map(String));
    await expect(page.getByTestId('audit-page').textContent()).resolves.toContain('第 1 页，本页 20 条');
    // Labels from the machines: the round's creation, and a unit's.
    await page.getByText('CREATE_ROUND').first().waitFor({ timeout: 5_000 });
    await shot(page, 'web-audit-log.png');

    // The next page, then back.
    await page.getByTestId('audit-next').click();
    const rest = Math.min(20, all.length - 20);
    await expect.poll(() => page.getByTestId('audit-page').textContent(), { timeout: 10_000 }).toContain(`第 2 页，本页 ${rest} 条`);
    expect(await seqs.allTextContents()).toEqual(all.slice(20, 40).map(String));
    await page.getByTestId('audit-previous').click();
    await expect.poll(() => page.getByTestId('audit-page').textContent(), { timeout: 10_000 }).toContain('第 1 页');
    expect(await seqs.first().textContent()).toBe(String(all[0]));

    // Filtered to the rounds' entries: exactly what the API answers for subjectKind=round.
    const rounds = await logged(world, '&subjectKind=round');
    expect(rounds.length).toBeGreaterThan(0);
    await page.getByTestId('audit-kind').click();
    await page.getByRole('option', { name: '批次 · Round' }).click();
    await page.getByTestId('audit-search').click();
    await expect.poll(async () => (await seqs.allTextContents()).join(','), { timeout: 10_000 }).toBe(rounds.map(String).join(','));
    await expect(page.getByTestId('audit-next').isDisabled()).resolves.toBe(true);
    // Then by actor instead (cleared first): the organisation department's entries, as the API has them.
    await page.getByRole('button', { name: '清除筛选' }).click();
    await expect.poll(() => seqs.count(), { timeout: 10_000 }).toBe(20);
    const byOrgDept = await logged(world, `&actorId=${world.orgDept.id}`);
    expect(byOrgDept.length).toBeGreaterThan(0);
    await page.getByTestId('audit-actor').click();
    await page.getByRole('option', { name: '组织部 (org_dept)' }).click();
    await page.getByTestId('audit-search').click();
    await expect.poll(async () => (await seqs.allTextContents()).join(','), { timeout: 10_000 }).toBe(byOrgDept.slice(0, 20).map(String).join(','));
    await shot(page, 'web-audit-filtered.png');

    // The verification: valid, in words, with the API's figures.
    await page.getByRole('link', { name: '日志校验' }).click();
    await page.waitForURL(/\/audit\/verify$/, { timeout: 10_000 });
    await page.getByTestId('audit-verify').click();
    const verdict = page.getByTestId('audit-verdict');
    await verdict.waitFor({ timeout: 20_000 });
    const api = await call(web.t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(api.body).toMatchObject({ valid: true, chainValid: true });
    expect(await verdict.textContent()).toContain('校验通过：日志完好');
    expect(await page.getByTestId('audit-chain').textContent()).toContain(`已校验 ${api.body.count as number} 条`);
    // The progress the service streamed (server-sent events) ran to every row: the log's entries and more (the audited tables' rows).
    const rows = page.getByTestId('verify-rows');
    const [done, total] = [Number(await rows.getAttribute('data-done')), Number(await rows.getAttribute('data-total'))];
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(api.body.count as number);
    const link = page.getByTestId('audit-export');
    expect(await link.getAttribute('href')).toBe('/api/v1/audit/export');
    expect(await page.evaluate("fetch('/api/v1/audit/export').then((r) => r.status + ' ' + r.headers.get('content-type'))")).toBe('200 application/gzip');
    await shot(page, 'web-audit-verify.png');

    // Checkpoints: none yet; one signed with the button, then shown as the latest and listed.
    await page.getByRole('link', { name: '检查点' }).click();
    await page.waitForURL(/\/audit\/checkpoints$/, { timeout: 10_000 });
    const before = await call(web.t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/checkpoints?limit=500' });
    const existing = (before.body.items as unknown[]).length;
    if (existing === 0) await page.getByTestId('audit-latest-none').getByText('尚无检查点').waitFor({ timeout: 10_000 });
    await page.getByTestId('audit-sign').click();
    await page.getByTestId('audit-latest').waitFor({ timeout: 10_000 });
    const after = await call(web.t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/checkpoints?limit=500' });
    const items = after.body.items as { id: number; size: number; note: string }[];
    expect(items).toHaveLength(existing + 1);
    const signed = items.at(-1)!;
    expect((await page.getByTestId('audit-latest').textContent())?.trim()).toBe(signed.note.trim());
    await expect.poll(() => page.getByTestId('audit-checkpoints').locator('tbody tr').count(), { timeout: 5_000 }).toBe(existing + 1);
    await page.getByText(`已签名第 ${signed.id} 号检查点（${signed.size} 条）`).waitFor({ timeout: 5_000 });
    await shot(page, 'web-audit-checkpoints.png');

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });
});
