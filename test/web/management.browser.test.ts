/**
 * 党委组织部 (org_dept) manages a round's review in a real browser: in a fresh round with two projects
 * submitted (声乐系党支部's and 舞蹈学院党总支's), org_dept names the review panel and adds two
 * reviewers from the directory, then two more; assigns automatically; a hand assignment of the
 * reviewer of the project's own branch is refused and the conflicting unit is named on screen; a
 * reviewer is replaced for a reason; on the project's page the reviewers show the replacement and
 * the preliminary check passes a project; an extension is granted to a unit that has not submitted
 * and shows on the quota dashboard, then is revoked; the exports list each report in CSV and XLSX, and
 * one downloads; a member leaves the panel and the screen says what is left to replace. A second test
 * proposes a grade on the acceptance screen, and on another project's page replaces an acceptance
 * reviewer who has not scored.
 *
 * Screenshots: /tmp/web-management-panels.png, -assigned.png, -refusal.png, -replaced.png,
 * -project.png, -quota.png, -exports.png, -acceptance.png, -acceptance-replaced.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, call } from '../helpers/app.js';
import { acceptanceReviews, addToPanel, COMPLETE_LETTER, createPanel, createUser, createWorld, driveTo, fire, type User } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

/** Picks an option of an Element Plus select by its visible name. */
async function pick(page: Page, select: ReturnType<Page['locator']>, option: string): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe.skipIf(!haveChromium)('org_dept manages a round’s review in Chromium', () => {
  it('names the panel, assigns, sees a conflict refused, replaces a reviewer, grants an extension and opens the exports', async () => {
    const world = await createWorld(web.t.app, { reviewers: 3 });
    const app = web.t.app;
    // A round of its own, with no panel yet.
    const round = await call(app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2023,
        title: '2023年度党建项目立项（第二批）',
        documentNumber: '办字〔2023〕21号',
        submissionDeadline: '2023-03-29',
        finalAcceptanceDate: '2023-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        minReviews: 2,
        scoreScale: { min: 0, max: 20 },
      },
    });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    const roundId = round.body.id as string;
    const submitted: string[] = [];
    for (const [owner, title] of [
      [world.applicant, '“红色旋律”党员先锋岗'],
      [world.otherApplicant, '舞韵党课进排练厅'],
    ] as const) {
      const draft = await call(app, owner.token, {
        method: 'POST',
        url: '/api/v1/projects',
        payload: { roundId, category: 'vanguard', direction: 'member_platforms', title, letter: COMPLETE_LETTER },
      });
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      const sent = await fire(world, draft.body.id, owner, 'SUBMIT');
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      submitted.push(draft.body.id as string);
    }
    const [vocal, dance] = submitted as [string, string];
    const credentials = await withPassword(web.t, world.orgDept, 'zuzhibu', 'org-dept-secret-1');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);

    // The round's page links to its panels.
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}`);
    await page.getByTestId('management-links').waitFor();
    await page.locator('[data-link="panels"]').click();
    await page.waitForURL(/\/panels$/);
    await page.getByTestId('panel-review').waitFor();
    expect(await page.getByTestId('panel-review').textContent()).toContain('尚未组建');

    // Name the review panel, then add two reviewers from the directory (names and units).
    await page.locator('#review-name').fill('2023年度第二批评审组');
    await page.getByTestId('save-panel-review').click();
    await page.getByTestId('members-review').waitFor();
    const review = page.getByTestId('panel-review');
    await pick(page, review.getByTestId('choose-review'), '评审1（机关党委）');
    await page.getByTestId('add-review').click();
    await expect.poll(() => page.locator('[data-testid="members-review"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await pick(page, review.getByTestId('choose-review'), '评审2（舞蹈学院党总支）');
    await page.getByTestId('add-review').click();
    await expect.poll(() => page.locator('[data-testid="members-review"] tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await review.textContent()).toContain('在任成员 2 人');
    await shot(page, 'web-management-panels.png');
    // Two more: one spare for replacements, and the reviewer of 声乐系党支部 itself.
    await pick(page, review.getByTestId('choose-review'), '评审3（舞蹈系党支部）');
    await page.getByTestId('add-review').click();
    await expect.poll(() => page.locator('[data-testid="members-review"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    await pick(page, review.getByTestId('choose-review'), '本支部评审（声乐系党支部）');
    await page.getByTestId('add-review').click();
    await expect.poll(() => page.locator('[data-testid="members-review"] tbody tr').count(), { timeout: 10_000 }).toBe(4);
    const panel = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/panels/review` });
    expect(panel.body.name).toBe('2023年度第二批评审组');
    expect(panel.body.members.map((m: { name: string }) => m.name).sort()).toEqual(['评审1', '评审2', '评审3', '本支部评审'].sort());

    // Automatic assignment: each project gets the round's two reviewers.
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}/assignments`);
    await page.getByTestId('auto-assign').waitFor();
    await expect.poll(() => page.locator('[data-testid="assignable"] tbody tr').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('auto-assign').click();
    await expect.poll(() => page.getByTestId('auto-result').textContent(), { timeout: 10_000 }).toContain('本次新分配 4 项');
    await expect.poll(() => page.locator('[data-testid="pending"] tbody tr').count(), { timeout: 10_000 }).toBe(4);
    const vocalReviewers = async () =>
      (await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${vocal}/reviewers` })).body.items as {
        reviewerName: string;
        reviewerId: string;
        state: string;
        replaceReason: string | null;
      }[];
    const assigned = await vocalReviewers();
    expect(assigned).toHaveLength(2);
    expect(assigned.map((a) => a.reviewerName)).not.toContain('本支部评审');
    const danceReviewers = (await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${dance}/reviewers` })).body.items as { reviewerName: string }[];
    expect(danceReviewers).toHaveLength(2);
    await shot(page, 'web-management-assigned.png');

    // By hand: the reviewer of 声乐系党支部 on its own project is refused, the unit named.
    const form = page.getByTestId(`assign-${vocal}`);
    await pick(page, form.getByTestId('assign-choose'), '本支部评审（声乐系党支部）');
    await form.getByTestId('assign-submit').click();
    await form.getByTestId('conflicting-units').waitFor({ timeout: 10_000 });
    expect(await form.getByTestId('conflicting-units').textContent()).toContain('声乐系党支部');
    await shot(page, 'web-management-refusal.png');
    expect(await vocalReviewers()).toHaveLength(2);

    // Replace one of the project's reviewers with the spare, for a reason.
    const old = assigned[0]!;
    const spare = ['评审1', '评审2', '评审3'].find((name) => !assigned.some((a) => a.reviewerName === name))!;
    await page.locator(`[data-replace="${vocal}:${old.reviewerName}"]`).click();
    await pick(page, page.getByTestId('replacement'), `${spare}（${spare === '评审1' ? '机关党委' : spare === '评审2' ? '舞蹈学院党总支' : '舞蹈系党支部'}）`);
    await page.locator('#replace-reason').fill('出差三周，无法按期评审');
    await page.getByTestId('confirm-replace').click();
    await expect.poll(() => page.locator(`[data-replace="${vocal}:${spare}"]`).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator(`[data-replace="${vocal}:${old.reviewerName}"]`).count()).toBe(0);
    await shot(page, 'web-management-replaced.png');
    const after = await vocalReviewers();
    const replaced = after.find((a) => a.reviewerId === old.reviewerId)!;
    expect(replaced.state).toBe('replaced');
    expect(replaced.replaceReason).toBe('出差三周，无法按期评审');
    expect(after.filter((a) => a.state === 'assigned').map((a) => a.reviewerName)).toContain(spare);

    // The project's page: its reviewers (the replaced one marked), and the preliminary check.
    await page.goto(`${web.origin}/projects/${vocal}`);
    await page.getByTestId('project-reviewers').waitFor();
    await expect.poll(() => page.getByTestId('project-reviewer-list').textContent(), { timeout: 10_000 }).toContain('出差三周，无法按期评审');
    await page.getByTestId('preliminary-check').waitFor();
    expect(await page.locator('[data-testid="letter-completeness"] [data-given="true"]').count()).toBe(6);
    await shot(page, 'web-management-project.png');
    await page.getByTestId('pre-pass').click();
    await page.locator('#preliminary-text').fill('材料齐全');
    await page.getByTestId('pre-confirm').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), { timeout: 10_000 }).toContain('初审通过');
    expect(await page.getByTestId('preliminary-check').count()).toBe(0);
    expect((await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${vocal}` })).body.state).toBe('preliminarily_checked');

    // The quota: 机关党委 and 图书馆直属党支部 have not submitted; the library gets an extension.
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}/quota`);
    await page.getByTestId('quota-summary').waitFor();
    expect(await page.getByTestId('quota-summary').textContent()).toContain('未申报 2 个');
    expect(await page.locator('[data-extended="图书馆直属党支部"]').textContent()).toBe('—');
    await pick(page, page.getByTestId('grant-unit'), '图书馆直属党支部');
    await page.locator('#grant-until').fill('2023-04-10');
    await page.locator('#grant-reason').fill('图书馆闭馆装修，材料延后报送');
    await page.getByTestId('grant-submit').click();
    await expect.poll(() => page.locator('[data-extended="图书馆直属党支部"]').textContent(), { timeout: 10_000 }).toBe('2023-04-10');
    expect(await page.getByTestId('extensions').textContent()).toContain('图书馆闭馆装修，材料延后报送');
    await shot(page, 'web-management-quota.png');
    const extensions = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/extensions` });
    expect(extensions.body.items).toHaveLength(1);
    expect(extensions.body.items[0]).toMatchObject({ unitId: world.units.direct, submissionDeadline: '2023-04-10' });
    // Revoked again, for a reason: the unit is back to the round's deadline.
    await page.locator('[data-revoke="图书馆直属党支部"]').click();
    await page.locator('#revoke-reason').fill('已按期报送');
    await page.getByTestId('confirm-revoke').click();
    await expect.poll(() => page.locator('[data-extended="图书馆直属党支部"]').textContent(), { timeout: 10_000 }).toBe('—');
    const revoked = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/extensions` });
    expect(revoked.body.items).toHaveLength(0);

    // The exports: three reports, each in CSV and XLSX; one downloads.
    await page.locator('a', { hasText: '返回批次' }).click();
    await page.locator('[data-link="exports"]').click();
    await page.getByTestId('exports').waitFor();
    expect(await page.locator('[data-export]').count()).toBe(6);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="ranking.csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await shot(page, 'web-management-exports.png');

    // A member leaves the panel for a reason: the answer names the assignments to replace.
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}/panels`);
    await page.locator('[data-remove="本支部评审"]').click();
    await page.locator('#review-reason').fill('工作调动，无法参加本批次评审');
    await page.getByTestId('confirm-remove-review').click();
    await page.getByTestId('pending-after-removal').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('pending-after-removal').textContent()).toContain('1 项未评分的分配');
    expect(await page.getByTestId('members-review').textContent()).toContain('工作调动，无法参加本批次评审');
    const left = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/panels/review` });
    expect(left.body.members.find((m: { name: string }) => m.name === '本支部评审')).toMatchObject({ active: false, removeReason: '工作调动，无法参加本批次评审' });

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows the acceptance scores and proposes a grade where the project allows it', async () => {
    // The same app as the first test: a round of another document number.
    const world = await createWorld(web.t.app, { reviewers: 3, documentNumber: '办字〔2023〕30号' });
    const app = web.t.app;
    const project = await driveTo(world, 'final_acceptance');
    await acceptanceReviews(world, project.roundId, project.id);
    const before = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
    expect(before.body.allowedEvents).toContain('PROPOSE_GRADE');
    // Another project under final acceptance (driven before signing in: its round moves the clock on): one acceptance reviewer
    // has scored, the other never does; org_dept replaces it for a reason on the project's page.
    const stuck = await driveTo(world, 'final_acceptance');
    const spare = await createUser(app, '结项备用评审', 'reviewer', world.units.direct);
    const [r0, r1] = world.reviewers as [User, User];
    await createPanel(app, stuck.roundId, '结项评审组', 'acceptance', world.orgDept.token);
    await addToPanel(app, stuck.roundId, [r0, r1, spare], 'acceptance', world.orgDept.token);
    for (const reviewer of [r0, r1]) {
      const assigned = await call(app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${stuck.id}/acceptance-reviewers`, payload: { reviewerId: reviewer.id } });
      expect(assigned.status).toBe(201);
    }
    const scored = await fire(world, stuck.id, r0, 'SUBMIT_ACCEPTANCE_REVIEW', { scores: { completion: 18, effect: 17, documentation: 16 }, comment: '成果扎实' });
    expect(scored.status).toBe(200);
    const credentials = await withPassword(web.t, world.orgDept, 'zuzhibu2', 'org-dept-secret-2');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);
    await page.goto(`${web.origin}/orgdept/rounds/${project.roundId}`);
    await page.locator('[data-link="acceptance"]').click();
    await page.waitForURL(/\/acceptance$/);
    await page.getByTestId('acceptance').waitFor();
    await expect.poll(() => page.locator('[data-testid="acceptance"] tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('acceptance').textContent()).toContain('结项评审 3/3');
    expect(await page.getByTestId('proposal-summary').textContent()).toContain('尚无建议 1 项');

    await page.locator(`[data-event="PROPOSE_GRADE"][data-project="${project.id}"]`).click();
    await pick(page, page.getByTestId('proposal-grade'), '不予结项 · Fail');
    await page.getByTestId('confirm-proposal').click();
    await page.getByRole('alert').filter({ hasText: '须填写说明' }).waitFor();
    await pick(page, page.getByTestId('proposal-grade'), '二等奖 · Second');
    await page.locator('#proposal-comment').fill('结项评审平均分 51，成果扎实');
    await page.getByTestId('confirm-proposal').click();
    await expect.poll(() => page.locator(`[data-proposal="${project.id}"]`).textContent(), { timeout: 10_000 }).toBe('二等奖');
    expect(await page.getByTestId('proposal-summary').textContent()).toContain('尚无建议 0 项');
    await shot(page, 'web-management-acceptance.png');
    const after = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
    expect(after.body.proposal).toEqual({ grade: 'second', comment: '结项评审平均分 51，成果扎实' });

    // The project's page lists its acceptance reviewers.
    await page.goto(`${web.origin}/projects/${project.id}`);
    await expect.poll(() => page.locator('[data-testid="project-acceptance-list"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.getByTestId('preliminary-check').count()).toBe(0);

    // The project's acceptance reviewer who never scored is replaced on its page.
    await page.goto(`${web.origin}/projects/${stuck.id}`);
    await expect.poll(() => page.locator('[data-testid="project-acceptance-list"] tbody tr').count(), { timeout: 10_000 }).toBe(2);
    // Only the reviewer who has not scored can be replaced.
    expect(await page.locator('[data-replace-acceptance="评审1"]').count()).toBe(0);
    await page.locator('[data-replace-acceptance="评审2"]').click();
    await page.getByTestId('confirm-replace').click();
    await page.getByTestId('replace-refusal').filter({ hasText: '请填写' }).waitFor();
    await pick(page, page.getByTestId('replacement'), '结项备用评审（图书馆直属党支部）');
    await page.locator('#replace-reason').fill('评审人长期出差，无法按期评分');
    await page.getByTestId('confirm-replace').click();
    await expect.poll(() => page.locator('[data-testid="project-acceptance-list"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    const list = page.getByTestId('project-acceptance-list');
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toContain('由 结项备用评审 接替：评审人长期出差，无法按期评分');
    expect(await page.locator('[data-replace-acceptance="评审2"]').count()).toBe(0);
    expect(await page.locator('[data-replace-acceptance="结项备用评审"]').count()).toBe(1);
    await shot(page, 'web-management-acceptance-replaced.png');
    const stored = await call(app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${stuck.id}/acceptance-reviewers` });
    expect(stored.body.items.find((a: { reviewerId: string }) => a.reviewerId === r1.id)).toMatchObject({
      state: 'replaced',
      replacedBy: spare.id,
      replaceReason: '评审人长期出差，无法按期评分',
    });

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);
});
