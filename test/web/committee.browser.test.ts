/**
 * 党委 (the committee) and the acceptance review in a real browser, on a round@2: during 公示 the
 * committee sees the proposed list beside an objection and reverses an approval through the form
 * (a reason is required); the round is then driven on (the objection handled, the list published,
 * acceptance opened, final reports handed in and scored); a reviewer scores a final report through
 * the acceptance score sheet, beside the report's summary; the committee cannot confirm the grades
 * while one is unproposed; once org_dept has proposed it, a confirmation on a round amended meanwhile
 * is refused (shown with its title and detail), then confirmed on the round as it is; the committee recommends the first-prize project, and org_dept
 * records the higher-level selection's outcome on the same page.
 *
 * A round under review: the committee concludes its decisions from the round's page and the round
 * goes into publicity.
 *
 * Screenshots: /tmp/web-committee-rounds.png, -publicity.png, -reversed.png, -acceptance-worklist.png,
 * -acceptance-review.png, -refusal.png, -confirmed.png, -recommended.png, -outcome.png, -project.png, -concluded.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ADMIN_TOKEN, call } from '../helpers/app.js';
import { driveToDecided, publishList } from '../helpers/decided-round.js';
import { acceptanceReviews, advanceRound, createWorld, driveTogether, fire, fireOk, type User, type World } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

const SUMMARIES = {
  fortress: '完成“党建+专业”融合工程全部活动，形成案例汇编一册',
  early: '琴房先锋岗全年结对帮扶学生 32 人，举办汇报音乐会一场',
  library: '读书会举办 12 期，参与师生 400 余人次',
};

async function ok(response: Promise<{ status: number; body: unknown }>, status = 200): Promise<void> {
  const answer = await response;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
}

/** The screen at rest: the messages of what was just done closed, so that they cover nothing photographed. */
async function quiet(page: Page): Promise<void> {
  for (const close of await page.locator('.el-message__closeBtn').all()) await close.click().catch(() => undefined);
  await expect.poll(() => page.locator('.el-message').count(), { timeout: 10_000 }).toBe(0);
}

async function project(world: World, id: string) {
  const response = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
  expect(response.status).toBe(200);
  return response.body;
}

describe.skipIf(!haveChromium)('the committee and the acceptance review in Chromium', () => {
  it('reverses a decision in publicity, confirms the grades, recommends; a reviewer scores a final report', async () => {
    const world = await createWorld(web.t.app);
    const { ids, libraryApplicant } = await driveToDecided(world, web.t.clock);
    await ok(
      call(web.t.app, world.otherApplicant.token, {
        method: 'POST',
        url: `/api/v1/rounds/${world.roundId}/objections`,
        payload: { projectId: ids.late, reason: '乐韵党课与声乐系常规党课内容重复' },
      }),
      201,
    );
    const committee = await withPassword(web.t, world.committee, 'dangwei', 'committee-secret-1');

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, committee);

    // The committee's rounds, with their stage.
    await page.getByRole('link', { name: '党委研究' }).click();
    await page.waitForURL(/\/committee\/rounds$/);
    await page.locator(`[data-round="${world.roundId}"]`).waitFor();
    expect(await page.getByTestId('committee-rounds').textContent()).toContain('公示');
    await shot(page, 'web-committee-rounds.png');

    // 公示: the proposed list, the objection, a reversal with its reason.
    await page.locator(`[data-round="${world.roundId}"]`).click();
    await page.getByTestId('round-state').waitFor();
    expect(await page.getByTestId('round-state').textContent()).toContain('公示');
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), { timeout: 10_000 }).toBe(4);
    expect(await page.getByTestId('objections').textContent()).toContain('乐韵党课与声乐系常规党课内容重复');
    expect(await page.getByTestId('objection-counts').textContent()).toContain('未处理 1 项');
    // The committee's own rejection may be reversed to an approval too.
    await page.locator(`[data-testid="not-approved"] [data-event="REVERSE_DECISION"][data-project="${ids.rejected}"]`).waitFor();
    await shot(page, 'web-committee-publicity.png');

    await page.locator(`[data-testid="proposed-list"] [data-event="REVERSE_DECISION"][data-project="${ids.late}"]`).click();
    await page.getByTestId('submit-event').click();
    await page.getByRole('alert').filter({ hasText: '请填写' }).waitFor();
    await page.locator('#event-reason').fill('公示期间收到异议，经核实该项目与常规党课重复，改为不予立项');
    await page.locator('#event-meetingReference').fill('党委会〔2023〕7次');
    await page.getByTestId('submit-event').click();
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('not-approved').textContent(), { timeout: 10_000 }).toContain('乐韵党课');
    await quiet(page);
    await shot(page, 'web-committee-reversed.png');
    const late = await project(world, ids.late);
    expect(late.state).toBe('rejected');
    const reversal = await call(web.t.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${ids.late}/transitions` });
    const entry = (reversal.body.items as { event: string; payload: Record<string, unknown> }[]).find((e) => e.event === 'REVERSE_DECISION');
    expect(entry?.payload.meetingReference).toBe('党委会〔2023〕7次');

    // Driven on: the objection handled, the list published, acceptance opened (2023-12-31), final reports in.
    await ok(
      call(web.t.app, world.orgDept.token, {
        method: 'POST',
        url: `/api/v1/rounds/${world.roundId}/objections/1/handling`,
        payload: { outcome: 'upheld', response: '党委已改变决定' },
      }),
    );
    await publishList(world, web.t.clock);
    await advanceRound(world, 'under_acceptance');
    const owners: Record<'fortress' | 'early' | 'library', User> = { fortress: world.parentApplicant, early: world.applicant, library: libraryApplicant };
    for (const key of ['fortress', 'early', 'library'] as const) {
      await ok(fire(world, ids[key], owners[key], 'SUBMIT_FINAL_REPORT', { summary: SUMMARIES[key] }));
    }
    await acceptanceReviews(world, world.roundId, ids.fortress);
    await acceptanceReviews(world, world.roundId, ids.library);
    for (const reviewer of world.reviewers) {
      await ok(call(web.t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${ids.early}/acceptance-reviewers`, payload: { reviewerId: reviewer.id } }), 201);
    }
    await ok(fire(world, ids.early, world.reviewers[1]!, 'SUBMIT_ACCEPTANCE_REVIEW', { scores: { completion: 15, effect: 14, documentation: 16 }, comment: '完成情况良好' }));
    await fireOk(world, ids.fortress, 'PROPOSE_GRADE');
    await fireOk(world, ids.library, 'PROPOSE_GRADE', { grade: 'second', comment: '成效明显' });

    // The reviewer scores the final report still waiting for it.
    const reviewer = await withPassword(web.t, world.reviewers[0]!, 'pingshen1', 'reviewer-secret-1');
    const scoring = await watchedPage(web.browser!, web.origin);
    const rpage = scoring.page;
    await logIn(rpage, web.origin, reviewer);
    await rpage.getByRole('link', { name: '结项评审' }).click();
    await rpage.waitForURL(/\/acceptance-reviews$/);
    await expect.poll(() => rpage.locator('[data-testid="acceptance-worklist"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    expect(await rpage.locator('[data-testid="acceptance-worklist"] [data-testid="to-score"]').count()).toBe(1);
    await shot(rpage, 'web-committee-acceptance-worklist.png');
    await rpage.locator(`a[href="/acceptance-reviews/${ids.early}"]`).first().click();
    await rpage.getByTestId('final-report-summary').waitFor();
    expect(await rpage.getByTestId('final-report-summary').textContent()).toContain(SUMMARIES.early);
    await rpage.locator('#acceptance-completion').fill('19');
    await rpage.locator('#acceptance-effect').fill('18');
    await rpage.locator('#acceptance-documentation').fill('17');
    await rpage.locator('#acceptance-documentation').blur();
    await rpage.locator('[data-event="SUBMIT_ACCEPTANCE_REVIEW"]').click();
    await rpage.getByRole('alert').filter({ hasText: '结项评审意见' }).waitFor();
    expect(await rpage.getByTestId('acceptance-total').textContent()).toContain('54');
    await rpage.locator('#acceptance-comment').fill('帮扶成效突出，材料齐全');
    await rpage.locator('[data-event="SUBMIT_ACCEPTANCE_REVIEW"]').click();
    await rpage.getByTestId('my-acceptance-review').waitFor({ timeout: 10_000 });
    expect(await rpage.getByTestId('my-acceptance-review').textContent()).toContain('54');
    await quiet(rpage);
    await shot(rpage, 'web-committee-acceptance-review.png');
    const scores = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/acceptance-scores` });
    const early = (scores.body.items as { projectId: string; reviewCount: number; meanTotal: number }[]).find((i) => i.projectId === ids.early);
    expect(early?.reviewCount).toBe(2);
    expect(early?.meanTotal).toBe(49.5);
    expect(scoring.foreign).toEqual([]);
    expect(scoring.errors).toEqual([]);
    expect(scoring.violations).toEqual([]);
    await rpage.close();

    // The committee (its session long expired by the service's clock): a grade still unproposed, no confirmation yet.
    await logIn(page, web.origin, committee);
    await page.goto(`${web.origin}/committee/rounds/${world.roundId}`);
    await page.getByTestId('proposals').waitFor();
    expect(await page.getByTestId('missing-proposals').textContent()).toContain('1');
    expect(await page.getByTestId('proposals').textContent()).toContain(SUMMARIES.fortress);
    expect(await page.locator('#confirm-meeting').count()).toBe(0);

    // org_dept proposes the last grade: the committee may confirm.
    await fireOk(world, ids.early, 'PROPOSE_GRADE', { grade: 'third' });
    await page.reload();
    await page.locator('#confirm-meeting').waitFor();
    expect(await page.locator('[data-testid="missing-proposals"]').count()).toBe(0);
    expect(await page.getByTestId('prize-caps').textContent()).toContain('不限');
    // Meanwhile the round is amended elsewhere: the confirmation, made on the round as it was, is refused in words.
    await ok(
      call(web.t.app, ADMIN_TOKEN, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { revisionDeadline: '2023-04-05', reason: '补记退回修改的截止日' } }),
    );
    await page.locator('#confirm-meeting').fill('党委会〔2023〕20次');
    await page.locator('[data-event="CONFIRM_GRADES"]').click();
    await page.getByTestId('confirm-refusal').waitFor({ timeout: 10_000 });
    const words = (await page.getByTestId('confirm-refusal').textContent()) ?? '';
    expect(words).toContain('版本');
    expect(words.length).toBeGreaterThan(0);
    expect(words).not.toContain('{');
    await quiet(page);
    await shot(page, 'web-committee-refusal.png');
    expect((await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body.state).toBe('under_acceptance');

    // Confirmed on the round as it is now.
    await page.locator('[data-event="CONFIRM_GRADES"]').click();
    await expect.poll(() => page.getByTestId('round-state').textContent(), { timeout: 10_000 }).toContain('已确认');
    await expect.poll(() => page.locator('[data-testid="grades"] tbody tr').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.getByTestId('grades-total').textContent()).toContain('6500');
    await quiet(page);
    await shot(page, 'web-committee-confirmed.png');
    const fortress = await project(world, ids.fortress);
    expect([fortress.state, fortress.grade, fortress.funding]).toEqual(['graded', 'first', 3000]);
    expect((await project(world, ids.early)).grade).toBe('third');

    // RECOMMEND the first prize, with a note.
    const recommend = page.locator(`[data-event="RECOMMEND"][data-project="${ids.fortress}"]`);
    await recommend.click();
    await page.locator('#event-note').fill('推荐参加省级党建工作优秀项目评选');
    await page.getByTestId('submit-event').click();
    await expect.poll(() => page.locator(`[data-recommended="${ids.fortress}"]`).textContent(), { timeout: 10_000 }).toBe('已推荐');
    expect(await recommend.count()).toBe(0);
    expect(await page.locator(`[data-event="RECOMMEND"][data-project="${ids.library}"]`).count()).toBe(0);
    await quiet(page);
    await shot(page, 'web-committee-recommended.png');
    expect((await project(world, ids.fortress)).recommended).toBe(true);

    // org_dept records the selection's outcome on the round's page.
    const orgDept = await withPassword(web.t, world.orgDept, 'zuzhibu', 'org-dept-secret-1');
    const dept = await watchedPage(web.browser!, web.origin);
    const dpage = dept.page;
    await logIn(dpage, web.origin, orgDept);
    await dpage.goto(`${web.origin}/committee/rounds/${world.roundId}`);
    await dpage.locator(`[data-event="RECORD_RECOMMENDATION_OUTCOME"][data-project="${ids.fortress}"]`).click();
    await dpage.locator('.el-dialog .el-select').first().click();
    await dpage.getByRole('option', { name: /^入选/ }).click();
    await dpage.locator('#event-level').fill('省级');
    await dpage.locator('#event-note').fill('入选省级优秀党建项目');
    await dpage.getByTestId('submit-event').click();
    await expect.poll(() => dpage.locator(`[data-outcome="${ids.fortress}"]`).textContent(), { timeout: 10_000 }).toContain('入选');
    await quiet(dpage);
    await shot(dpage, 'web-committee-outcome.png');
    const outcome = (await project(world, ids.fortress)).recommendationOutcome;
    expect(outcome).toMatchObject({ outcome: 'selected', level: '省级', note: '入选省级优秀党建项目' });
    // The project's page shows the same.
    await dpage.locator(`a[href="/projects/${ids.fortress}"]`).first().click();
    await dpage.getByTestId('recommendation-outcome').waitFor({ timeout: 10_000 });
    expect(await dpage.getByTestId('recommendation-outcome').textContent()).toContain('入选（省级）');
    expect(await dpage.getByTestId('recommended').textContent()).toBe('已推荐');
    await shot(dpage, 'web-committee-project.png');

    expect(dept.foreign).toEqual([]);
    expect(dept.errors).toEqual([]);
    expect(dept.violations).toEqual([]);
    await dpage.close();

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);

  it('concludes the decisions of a round under review: the round goes into publicity', async () => {
    // A service of its own: the first test's world holds the units and the round number this one needs.
    const web = await startWeb();
    onTestFinished(() => web.close());
    const world = await createWorld(web.t.app);
    const [approved] = await driveTogether(world, ['committee_approved']);
    const roundId = approved!.roundId;
    expect((await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}` })).body.state).toBe('under_review');
    const committee = await withPassword(web.t, world.committee, 'dangwei2', 'committee-secret-2');
    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, committee);
    await page.goto(`${web.origin}/committee/rounds/${roundId}`);
    await page.locator('[data-event="CONCLUDE_DECISIONS"]').waitFor();
    expect(await page.getByTestId('round-state').textContent()).toContain('评审');
    expect(await page.getByTestId('to-ranking').getAttribute('href')).toContain(`round=${roundId}`);
    await page.locator('[data-event="CONCLUDE_DECISIONS"]').click();
    await page.getByTestId('confirm-round-event').click();
    await expect.poll(() => page.getByTestId('round-state').textContent(), { timeout: 10_000 }).toContain('公示');
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-event="CONCLUDE_DECISIONS"]').count()).toBe(0);
    await quiet(page);
    await shot(page, 'web-committee-concluded.png');
    const round = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}` });
    expect(round.body.state).toBe('in_publicity');
    expect(round.body.publicity).not.toBeNull();
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);
});
