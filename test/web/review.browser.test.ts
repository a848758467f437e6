/**
 * The reviewer's and the committee's screens in Chromium (src/web/screens/review), against a world
 * built through the API: two projects of one round, preliminarily checked, the round under review
 * and both projects assigned to the world's two reviewers.
 *
 * - A reviewer logs in, finds both projects in 评审任务 · My reviews, opens one, sees its letter and
 *   the signed letter's link beside the five-criterion form (the round's 0–20 scale), scores it
 *   through the form (SUBMIT_REVIEW, offered by allowedEvents), and the API holds the review.
 * - The other reviews go in through the API, org_dept closes the panel review of both; the committee
 *   logs in, sees 排名与决定 · Ranking and decisions with the round's ranking (mean totals, the
 *   disagreement of the project the reviewers split on), approves one with a meeting reference,
 *   rejects the other with a reason, concludes the round's decisions; states checked through the API.
 *
 * Screenshots: web-review-worklist.png, web-review-score.png, web-review-scored.png,
 * web-review-ranking.png, web-review-decided.png (LIXIANG_SCREENSHOT_DIR or /tmp).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { minimalPdf, multipartBody } from '../helpers/files.js';
import { advanceRound, assignReviewers, createDraft, createWorld, fire, fireOk, type World } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;
let origin: string;

beforeAll(async () => {
  web = await startWeb();
  origin = web.origin;
}, 60_000);

afterAll(async () => {
  await web?.close();
});

const RED = '“红色旋律”党员先锋岗';
const BOOKS = '“书香支部”读书分享会';

async function checkedProject(world: World, title: string, signedLetter: boolean): Promise<string> {
  const draft = await createDraft(world, { title });
  if (signedLetter) {
    const body = multipartBody([{ name: 'file', filename: '目标责任书（盖章）.pdf', contentType: 'application/pdf', content: minimalPdf('目标责任书') }]);
    const uploaded = await call(world.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`,
      payload: body.payload,
      headers: body.headers,
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  }
  await fireOk(world, draft.id, 'SUBMIT');
  await fireOk(world, draft.id, 'PASS_PRELIMINARY_CHECK');
  return draft.id;
}

describe.skipIf(!haveChromium)('the reviewer and committee screens', () => {
  it('a reviewer scores through the form; the committee sees the ranking, approves one, rejects another, concludes', async () => {
    const world = await createWorld(web.t.app);
    const red = await checkedProject(world, RED, true);
    const books = await checkedProject(world, BOOKS, false);
    await advanceRound(world, 'under_review');
    await assignReviewers(world, red);
    await assignReviewers(world, books);

    // ---- The reviewer ----
    const reviewer = world.reviewers[0]!;
    const reviewerLogin = await withPassword(web.t, reviewer, 'pingshen1', 'Qiu-shi-2023-score');
    const watched = await watchedPage(web.browser!, origin);
    const { page, foreign, errors, violations } = watched;
    await logIn(page, origin, reviewerLogin);
    await page.getByRole('link', { name: '评审任务' }).click();
    await page.waitForURL(/\/reviews$/, { timeout: 10_000 });
    await page.getByText(BOOKS).first().waitFor({ timeout: 10_000 });
    await expect(page.getByText(RED).count()).resolves.toBe(1);
    await expect(page.getByTestId('to-score').count()).resolves.toBe(2);
    await shot(page, 'web-review-worklist.png');
    // The screen's own strings follow the language switch.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My reviews' }).waitFor({ timeout: 5_000 });
    await expect(page.getByTestId('to-score').first().textContent()).resolves.toContain('To score');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '评审任务' }).waitFor({ timeout: 5_000 });

    await page.getByRole('link', { name: RED }).click();
    await page.waitForURL(new RegExp(`/reviews/${red}$`), { timeout: 10_000 });
    await page.getByTestId('score-form').waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('project-title').textContent()).resolves.toBe(RED);
    await page.getByText('学院党支部组织生活形式单一').waitFor({ timeout: 5_000 });
    const letterLink = page.getByRole('link', { name: '目标责任书（盖章）.pdf' });
    await expect(letterLink.getAttribute('href')).resolves.toMatch(new RegExp(`^/api/v1/projects/${red}/files/`));
    await expect(page.getByText('每项分值范围 0 至 20').count()).resolves.toBe(1);
    const scores = { direction: 18, innovation: 17, practicality: 19, breadth: 16, exemplarity: 18 };
    for (const [criterion, value] of Object.entries(scores)) await page.locator(`#score-${criterion}`).fill(String(value));
    await page.locator('#review-comment').fill('立意鲜明，活动载体新颖，可推广');
    await page.locator('#review-comment').blur();
    await expect.poll(() => page.getByTestId('score-total').textContent(), { timeout: 5_000 }).toContain('88');
    await shot(page, 'web-review-score.png');
    await page.locator('[data-event="SUBMIT_REVIEW"]').click();
    await page.getByTestId('my-review').waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('my-review').textContent()).resolves.toContain('88');
    await shot(page, 'web-review-scored.png');

    const reviews = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${red}/reviews` });
    expect(reviews.status).toBe(200);
    expect(reviews.body.items).toHaveLength(1);
    expect(reviews.body.items[0]).toMatchObject({ reviewerId: reviewer.id, scores, total: 88, comment: '立意鲜明，活动载体新颖，可推广' });

    await page.getByRole('link', { name: '返回评审任务' }).click();
    await page.getByTestId('scored').first().waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('scored').textContent()).resolves.toContain('88');
    await expect(page.getByTestId('to-score').count()).resolves.toBe(1);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });

    // ---- The other reviews, and org_dept closes the panel review (the API) ----
    await fireOk(world, red, 'SUBMIT_REVIEW', undefined, 1); // 77
    const high = await fire(world, books, world.reviewers[0]!, 'SUBMIT_REVIEW', {
      scores: { direction: 18, innovation: 18, practicality: 18, breadth: 18, exemplarity: 18 },
      comment: '很好',
    });
    expect(high.status).toBe(200);
    const low = await fire(world, books, world.reviewers[1]!, 'SUBMIT_REVIEW', {
      scores: { direction: 10, innovation: 10, practicality: 10, breadth: 10, exemplarity: 10 },
      comment: '一般',
    });
    expect(low.status).toBe(200);
    await fireOk(world, red, 'COMPLETE_PANEL_REVIEW');
    await fireOk(world, books, 'COMPLETE_PANEL_REVIEW');

    // ---- The committee ----
    const committeeLogin = await withPassword(web.t, world.committee, 'dangwei1', 'Hong-qi-2023-meeting');
    await logIn(page, origin, committeeLogin);
    await page.getByRole('link', { name: '排名与决定' }).click();
    await page.waitForURL(/\/rankings/, { timeout: 10_000 });
    const rows = page.getByTestId('ranking').locator('.el-table__body tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    // Red: (88 + 77) / 2 = 82.50; books: (90 + 50) / 2 = 70, a spread of 40 over the threshold of 20.
    await expect(rows.nth(0).textContent()).resolves.toContain(RED);
    await expect(rows.nth(0).textContent()).resolves.toContain('82.50');
    await expect(rows.nth(1).textContent()).resolves.toContain(BOOKS);
    await expect(rows.nth(1).textContent()).resolves.toContain('70');
    await expect(page.getByTestId('disagreement').count()).resolves.toBe(1);
    await expect(rows.nth(1).getByTestId('disagreement').count()).resolves.toBe(1);
    await expect(page.getByTestId('round-state').textContent()).resolves.toContain('评审');
    // Decisions are offered as allowedEvents say; the round cannot conclude before they are made.
    await expect(page.locator('[data-event="APPROVE"]').count()).resolves.toBe(2);
    await expect(page.locator('[data-event="REJECT"]').count()).resolves.toBe(2);
    await expect(page.locator('[data-round-event="CONCLUDE_DECISIONS"]').count()).resolves.toBe(0);
    await shot(page, 'web-review-ranking.png');

    await page.locator(`[data-event="APPROVE"][data-project="${red}"]`).click();
    // The meeting reference is required: the form says so before anything is sent.
    await page.getByTestId('confirm-decision').click();
    await page.getByRole('alert').waitFor({ timeout: 5_000 });
    await page.locator('#decision-meetingReference').fill('党委会〔2023〕5次');
    await page.getByTestId('confirm-decision').click();
    await expect.poll(() => rows.nth(0).getByTestId('ranked-state').textContent(), { timeout: 10_000 }).toContain('党委批准立项');
    await expect(rows.nth(0).locator('[data-event]').count()).resolves.toBe(0);

    await page.locator(`[data-event="REJECT"][data-project="${books}"]`).click();
    await page.locator('#decision-reason').fill('与往年项目重复，特色不足');
    await page.getByTestId('confirm-decision').click();
    await expect.poll(() => page.locator('[data-event]').count(), { timeout: 10_000 }).toBe(0);

    const redAfter = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${red}` });
    expect(redAfter.body.state).toBe('committee_approved');
    const booksAfter = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${books}` });
    expect(booksAfter.body.state).toBe('rejected');
    const transitions = await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${red}/transitions` });
    expect(JSON.stringify(transitions.body)).toContain('党委会〔2023〕5次');

    const conclude = page.locator('[data-round-event="CONCLUDE_DECISIONS"]');
    await conclude.waitFor({ timeout: 10_000 });
    await conclude.click();
    await expect
      .poll(async () => (await call(web.t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body.state, { timeout: 10_000 })
      .toBe('in_publicity');
    await expect.poll(() => page.locator('[data-round-event]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('round-state').textContent(), { timeout: 10_000 }).toContain('公示');
    await shot(page, 'web-review-decided.png');

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 90_000);
});
