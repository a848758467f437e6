/**
 * One whole round (round@2, project@2) in a real browser, every act of the people done by clicking
 * and typing in the web application. Only the setup (units, people, the open round with its review
 * panel: the admin's prior work), the passwords and the test's clock are outside the UI; `call` GETs
 * check what the service stored after each step.
 *
 * 1. The applicant creates a project from the list, fills the letter, uploads the signed letter
 *    (a PDF file chosen from disk) and submits it.
 * 2. org_dept passes the preliminary check on the project's page; past the deadline, closes the
 *    submissions and starts the review on the round's page; assigns the reviewers automatically.
 * 3. Each of the two reviewers scores it through the worklist's scoring form.
 * 4. org_dept completes the panel review on the project's page.
 * 5. The committee approves it in the ranking with its meeting reference and concludes the
 *    decisions on its round page: the round is in 公示.
 * 6. Past the publicity period, org_dept uploads the signed list, gives its number and date and
 *    publishes it: the project is in progress.
 * 7. The applicant reports progress; org_dept opens the acceptance; the clock goes to the acceptance day.
 * 8. The applicant hands in the final report; org_dept names the acceptance panel, adds both
 *    reviewers and assigns them on the project's page; each scores the final report.
 * 9. org_dept proposes the grade on the acceptance screen; the committee confirms the round's grades.
 * 10. The published list shows the project; the project's page shows it graded.
 *
 * Screenshots: /tmp/web-round-01-new.png … web-round-18-graded-orgdept.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { minimalPdf } from '../helpers/files.js';
import { createWorld, type World } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;
let tmp: string;

beforeAll(async () => {
  web = await startWeb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-round-'));
}, 120_000);

afterAll(async () => {
  await web?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const TITLE = '“红色旋律”党员先锋岗';
const WAIT = { timeout: 30_000 };
const shanghai = (at: string) => web.t.clock.set(Date.parse(`${at}+08:00`));

/** Picks an option of an Element Plus select by its visible name. */
async function pick(page: Page, select: ReturnType<Page['locator']>, option: string): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The screen at rest: the messages of what was just done closed, so that they cover nothing photographed. */
async function quiet(page: Page): Promise<void> {
  for (const close of await page.locator('.el-message__closeBtn').all()) await close.click().catch(() => undefined);
  await expect.poll(() => page.locator('.el-message').count(), WAIT).toBe(0);
}

async function get(world: World, url: string) {
  const response = await call(world.app, world.orgDept.token, { method: 'GET', url });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

describe.skipIf(!haveChromium)('one whole round in Chromium', () => {
  it('goes from an applicant’s draft to the published list and the confirmed grade, all through the screens', async () => {
    const world = await createWorld(web.t.app);
    const roundId = world.roundId;
    const projectOf = (id: string) => get(world, `/api/v1/projects/${id}`);
    const roundState = async () => (await get(world, `/api/v1/rounds/${roundId}`)).state as string;
    const applicant = await withPassword(web.t, world.applicant, 'shengyuexi', 'branch-secret-1');
    const orgDept = await withPassword(web.t, world.orgDept, 'zuzhibu', 'org-dept-secret-1');
    const committee = await withPassword(web.t, world.committee, 'dangwei', 'committee-secret-1');
    const reviewers = [
      await withPassword(web.t, world.reviewers[0]!, 'pingshen1', 'reviewer-secret-1'),
      await withPassword(web.t, world.reviewers[1]!, 'pingshen2', 'reviewer-secret-2'),
    ];
    const signedLetter = path.join(tmp, '目标责任书（盖章）.pdf');
    fs.writeFileSync(signedLetter, minimalPdf('目标责任书'));
    const signedList = path.join(tmp, '立项名单（盖章）.pdf');
    fs.writeFileSync(signedList, minimalPdf('立项名单'));

    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    /** Another person at the same browser: the last one's session ends, the next logs in. */
    const as = async (credentials: { username: string; password: string }) => {
      await page.context().clearCookies();
      await logIn(page, web.origin, credentials);
    };

    // ---- 1. The applicant: a new project, its letter, the signed letter, SUBMIT ----
    await as(applicant);
    await page.getByTestId('new-project').waitFor(WAIT);
    await page.getByTestId('new-project').click();
    await page.waitForURL(/\/projects\/new$/, WAIT);
    await page.getByTestId('field-category').click();
    await page.getByRole('option', { name: /党员先锋工程/ }).click();
    await page.getByTestId('field-direction').click();
    await page.getByRole('option', { name: /党员作用发挥平台/ }).click();
    await page.locator('#letter-title').fill(TITLE);
    await shot(page, 'web-round-01-new.png');
    await page.getByTestId('create-project').click();
    await page.waitForURL(/\/projects\/(?!new)[^/]+$/, WAIT);
    const id = page.url().split('/').pop()!;
    await page.getByTestId('letter-editor').waitFor(WAIT);
    await page.locator('#letter-rationale').fill('学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。');
    await page.getByTestId('activity-0-content').fill('“红色旋律”主题党日，党员师生共同排演革命歌曲');
    await page.getByTestId('activity-0-form').fill('主题党日 + 音乐会');
    await page.getByTestId('activity-0-when').fill('2023年5月');
    await page.locator('#letter-outcomes').fill('形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。');
    await page.locator('#letter-leader').fill('王书记');
    await page.getByTestId('member-0').fill('李老师');
    await page.getByTestId('add-member').click();
    await page.getByTestId('member-1').fill('张老师');
    await page.locator('#letter-contact').fill('024-12345678');
    expect(await page.locator('[data-missing]').count()).toBe(0);
    await page.getByTestId('save-letter').click();
    await page.getByTestId('dirty').waitFor({ state: 'hidden', ...WAIT });
    await expect.poll(async () => (await projectOf(id)).letter.contact, WAIT).toBe('024-12345678');
    await page.getByTestId('upload-file').setInputFiles(signedLetter);
    await expect.poll(() => page.getByTestId('upload-progress').getAttribute('data-percent'), WAIT).toBe('100');
    await expect.poll(() => page.locator('[data-testid="files"] tbody tr').count(), WAIT).toBe(1);
    const files = await get(world, `/api/v1/projects/${id}/files`);
    expect(files.items.map((f: { kind: string; fileName: string }) => [f.kind, f.fileName])).toEqual([['signed_letter', '目标责任书（盖章）.pdf']]);
    await expect.poll(() => page.locator('[data-event="SUBMIT"]').isDisabled(), WAIT).toBe(false);
    await quiet(page);
    await shot(page, 'web-round-02-letter.png');
    await page.locator('[data-event="SUBMIT"]').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), WAIT).not.toContain('草稿');
    expect((await projectOf(id)).state).toBe('submitted');

    // ---- 2. org_dept: the preliminary check; past the deadline, close submissions, start the review, assign ----
    await as(orgDept);
    await page.goto(`${web.origin}/projects/${id}`);
    await page.getByTestId('preliminary-check').waitFor(WAIT);
    await shot(page, 'web-round-03-preliminary.png');
    await page.getByTestId('pre-pass').click();
    await page.locator('#preliminary-text').fill('材料齐全，符合申报要求');
    await page.getByTestId('pre-confirm').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), WAIT).toContain('初审通过');
    expect((await projectOf(id)).state).toBe('preliminarily_checked');

    // The day after the deadline (2023-03-29): the session has expired, org_dept logs in again.
    shanghai('2023-03-30T09:00:00');
    await as(orgDept);
    await page.getByRole('link', { name: '立项批次' }).click();
    await page.waitForURL(/\/orgdept\/rounds$/, WAIT);
    await page.locator(`a[href="/orgdept/rounds/${roundId}"]`).click();
    await page.getByTestId('round-state').waitFor(WAIT);
    for (const [event, state] of [
      ['CLOSE_SUBMISSIONS', 'submissions_closed'],
      ['START_REVIEW', 'under_review'],
    ] as const) {
      await page.locator(`[data-event="${event}"]`).click();
      await page.getByTestId('confirm-round-event').click();
      await expect.poll(roundState, WAIT).toBe(state);
    }
    await expect.poll(() => page.getByTestId('round-state').textContent(), WAIT).toContain('评审');
    await quiet(page);
    await shot(page, 'web-round-04-under-review.png');

    await page.locator('[data-link="assignments"]').click();
    await page.waitForURL(/\/assignments$/, WAIT);
    await expect.poll(() => page.locator('[data-testid="assignable"] tbody tr').count(), WAIT).toBe(1);
    await page.getByTestId('auto-assign').click();
    await expect.poll(() => page.getByTestId('auto-result').textContent(), WAIT).toContain('本次新分配 2 项');
    const assigned = await get(world, `/api/v1/projects/${id}/reviewers`);
    expect(assigned.items.map((a: { reviewerId: string }) => a.reviewerId).sort()).toEqual(world.reviewers.map((r) => r.id).sort());
    await quiet(page);
    await shot(page, 'web-round-05-assigned.png');

    // ---- 3. Each reviewer scores it in the worklist's form ----
    const reviewScores = [
      { direction: 18, innovation: 17, practicality: 19, breadth: 16, exemplarity: 18 },
      { direction: 17, innovation: 16, practicality: 18, breadth: 17, exemplarity: 16 },
    ];
    for (const [i, credentials] of reviewers.entries()) {
      await as(credentials);
      await page.getByRole('link', { name: '评审任务' }).click();
      await page.waitForURL(/\/reviews$/, WAIT);
      await page.getByRole('link', { name: TITLE }).click();
      await page.waitForURL(new RegExp(`/reviews/${id}$`), WAIT);
      await page.getByTestId('score-form').waitFor(WAIT);
      for (const [criterion, value] of Object.entries(reviewScores[i]!)) await page.locator(`#score-${criterion}`).fill(String(value));
      await page.locator('#review-comment').fill(i === 0 ? '立意鲜明，活动载体新颖，可推广' : '问题导向明确，党员参与面广');
      await page.locator('#review-comment').blur();
      await page.locator('[data-event="SUBMIT_REVIEW"]').click();
      await page.getByTestId('my-review').waitFor(WAIT);
      if (i === 0) {
        await quiet(page);
        await shot(page, 'web-round-06-scored.png');
      }
    }
    const reviews = await get(world, `/api/v1/projects/${id}/reviews`);
    expect(reviews.items.map((r: { total: number }) => r.total).sort()).toEqual([84, 88]);

    // ---- 4. org_dept completes the panel review ----
    await as(orgDept);
    await page.goto(`${web.origin}/projects/${id}`);
    await page.locator('[data-event="COMPLETE_PANEL_REVIEW"]').click();
    // Its form: an optional comment.
    const confirmEvent = page.getByTestId('confirm-event');
    await confirmEvent.waitFor(WAIT);
    await page.locator('.el-dialog textarea').fill('两位评审均已评分，评审结束');
    await shot(page, 'web-round-07-complete-panel.png');
    await confirmEvent.click();
    await expect.poll(async () => (await projectOf(id)).state, WAIT).toBe('panel_reviewed');
    await expect.poll(() => page.getByTestId('project-state').textContent(), WAIT).toContain('评审完成');
    const completed = (await get(world, `/api/v1/projects/${id}/transitions`)).items.find((e: { event: string }) => e.event === 'COMPLETE_PANEL_REVIEW');
    expect(completed?.payload.comment).toBe('两位评审均已评分，评审结束');

    // ---- 5. The committee approves it in the ranking and concludes the decisions ----
    await as(committee);
    await page.goto(`${web.origin}/rankings?round=${roundId}`);
    const rows = page.getByTestId('ranking').locator('.el-table__body tr');
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    expect(await rows.nth(0).textContent()).toContain('86');
    await shot(page, 'web-round-08-ranking.png');
    await page.locator(`[data-event="APPROVE"][data-project="${id}"]`).click();
    await page.locator('#decision-meetingReference').fill('党委会〔2023〕5次');
    await page.getByTestId('confirm-decision').click();
    await expect.poll(() => rows.nth(0).getByTestId('ranked-state').textContent(), WAIT).toContain('党委批准立项');
    expect((await projectOf(id)).state).toBe('committee_approved');
    const approval = (await get(world, `/api/v1/projects/${id}/transitions`)).items.find((e: { event: string }) => e.event === 'APPROVE');
    expect(approval?.payload.meetingReference).toBe('党委会〔2023〕5次');
    await page.getByRole('link', { name: '党委研究' }).click();
    await page.waitForURL(/\/committee\/rounds$/, WAIT);
    await page.locator(`[data-round="${roundId}"]`).click();
    await page.locator('[data-event="CONCLUDE_DECISIONS"]').click();
    await page.getByTestId('confirm-round-event').click();
    await expect.poll(() => page.getByTestId('round-state').textContent(), WAIT).toContain('公示');
    await expect.poll(() => page.locator('[data-testid="proposed-list"] tbody tr').count(), WAIT).toBe(1);
    expect(await roundState()).toBe('in_publicity');
    await quiet(page);
    await shot(page, 'web-round-09-publicity.png');

    // ---- 6. Past the publicity period: org_dept uploads the signed list and publishes ----
    shanghai('2023-04-20T10:00:00');
    await as(orgDept);
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}`);
    await page.locator('#signed-list').waitFor(WAIT);
    await page.locator('#signed-list').setInputFiles(signedList);
    await page.getByTestId('upload-list').click();
    await page.getByTestId('uploaded').waitFor(WAIT);
    await page.locator('#document-number').fill('党委〔2023〕12号');
    await page.locator('#published-on').fill('2023-04-20');
    await page.locator('[data-event="PUBLISH_LIST"]').click();
    await page.getByTestId('confirm-round-event').click();
    await page.getByTestId('publication').waitFor(WAIT);
    expect(await page.getByTestId('publication').textContent()).toContain('党委〔2023〕12号');
    expect(await roundState()).toBe('in_execution');
    expect((await projectOf(id)).state).toBe('in_progress');
    await quiet(page);
    await shot(page, 'web-round-10-published.png');

    // ---- 7. The applicant's progress report; org_dept opens the acceptance ----
    await as(applicant);
    await page.goto(`${web.origin}/projects/${id}`);
    await page.getByTestId('progress-form').waitFor(WAIT);
    await page.locator('#progress-text').fill('已开展主题党日两次，党员参与率 95%。');
    await page.locator('[data-event="SUBMIT_PROGRESS_REPORT"]').click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('reports')
            .textContent()
            .catch(() => ''),
        WAIT,
      )
      .toContain('党员参与率 95%');
    const progress = await get(world, `/api/v1/projects/${id}/transitions`);
    expect(progress.items.find((e: { event: string }) => e.event === 'SUBMIT_PROGRESS_REPORT')?.payload.text).toBe('已开展主题党日两次，党员参与率 95%。');

    await as(orgDept);
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}`);
    await page.locator('[data-event="OPEN_ACCEPTANCE"]').click();
    await page.getByTestId('confirm-round-event').click();
    await expect.poll(roundState, WAIT).toBe('under_acceptance');

    // ---- 8. The acceptance day: the final report, the acceptance panel, its reviewers, their scores ----
    shanghai('2023-12-31T09:00:00');
    await as(applicant);
    await page.goto(`${web.origin}/projects/${id}`);
    await page.getByTestId('final-form').waitFor(WAIT);
    await page.locator('#final-summary').fill('完成全部活动，举办汇报音乐会一场，结对帮扶学生 32 人。');
    await page.locator('[data-event="SUBMIT_FINAL_REPORT"]').click();
    await expect.poll(async () => (await projectOf(id)).state, WAIT).toBe('final_acceptance');
    await expect.poll(() => page.getByTestId('project-state').textContent(), WAIT).not.toContain('实施中');
    await quiet(page);
    await shot(page, 'web-round-11-final-report.png');

    await as(orgDept);
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}`);
    await page.locator('[data-link="panels"]').click();
    await page.waitForURL(/\/panels$/, WAIT);
    await page.getByTestId('panel-acceptance').waitFor(WAIT);
    await page.locator('#acceptance-name').fill('2023年度结项评审组');
    await page.getByTestId('save-panel-acceptance').click();
    await page.getByTestId('members-acceptance').waitFor(WAIT);
    const acceptancePanel = page.getByTestId('panel-acceptance');
    for (const [n, name] of ['评审1（机关党委）', '评审2（舞蹈学院党总支）'].entries()) {
      await pick(page, acceptancePanel.getByTestId('choose-acceptance'), name);
      await page.getByTestId('add-acceptance').click();
      await expect.poll(() => page.locator('[data-testid="members-acceptance"] tbody tr').count(), WAIT).toBe(n + 1);
    }
    const panel = await get(world, `/api/v1/rounds/${roundId}/panels/acceptance`);
    expect(panel.members.map((m: { name: string }) => m.name).sort()).toEqual(['评审1', '评审2']);

    await page.goto(`${web.origin}/projects/${id}`);
    const assign = page.getByTestId(`assign-acceptance-${id}`);
    await assign.waitFor(WAIT);
    for (const [n, name] of ['评审1（机关党委）', '评审2（舞蹈学院党总支）'].entries()) {
      await pick(page, assign.getByTestId('assign-choose'), name);
      await assign.getByTestId('assign-submit').click();
      await expect.poll(() => page.locator('[data-testid="project-acceptance-list"] tbody tr').count(), WAIT).toBe(n + 1);
    }
    await quiet(page);
    await shot(page, 'web-round-12-acceptance-reviewers.png');

    const acceptanceScores = [
      { completion: 19, effect: 18, documentation: 17 },
      { completion: 18, effect: 17, documentation: 18 },
    ];
    for (const [i, credentials] of reviewers.entries()) {
      await as(credentials);
      await page.getByRole('link', { name: '结项评审' }).click();
      await page.waitForURL(/\/acceptance-reviews$/, WAIT);
      await page.locator(`a[href="/acceptance-reviews/${id}"]`).first().click();
      await page.getByTestId('final-report-summary').waitFor(WAIT);
      expect(await page.getByTestId('final-report-summary').textContent()).toContain('结对帮扶学生 32 人');
      for (const [criterion, value] of Object.entries(acceptanceScores[i]!)) await page.locator(`#acceptance-${criterion}`).fill(String(value));
      await page.locator('#acceptance-comment').fill(i === 0 ? '帮扶成效突出，材料齐全' : '活动扎实，成果可推广');
      await page.locator('#acceptance-comment').blur();
      await page.locator('[data-event="SUBMIT_ACCEPTANCE_REVIEW"]').click();
      await page.getByTestId('my-acceptance-review').waitFor(WAIT);
      if (i === 0) {
        await quiet(page);
        await shot(page, 'web-round-13-acceptance-scored.png');
      }
    }
    const scores = await get(world, `/api/v1/rounds/${roundId}/acceptance-scores`);
    const mine = (scores.items as { projectId: string; reviewCount: number; meanTotal: number }[]).find((item) => item.projectId === id);
    expect(mine?.reviewCount).toBe(2);
    expect(mine?.meanTotal).toBe(53.5);

    // ---- 9. org_dept proposes the grade; the committee confirms the grades ----
    await as(orgDept);
    await page.goto(`${web.origin}/orgdept/rounds/${roundId}`);
    await page.locator('[data-link="acceptance"]').click();
    await page.waitForURL(/\/acceptance$/, WAIT);
    await page.locator(`[data-event="PROPOSE_GRADE"][data-project="${id}"]`).click();
    await pick(page, page.getByTestId('proposal-grade'), '一等奖 · First');
    await page.locator('#proposal-comment').fill('结项评审平均分 53.5，成果突出');
    await page.getByTestId('confirm-proposal').click();
    await expect.poll(() => page.locator(`[data-proposal="${id}"]`).textContent(), WAIT).toBe('一等奖');
    expect((await projectOf(id)).proposal).toEqual({ grade: 'first', comment: '结项评审平均分 53.5，成果突出' });
    await quiet(page);
    await shot(page, 'web-round-14-proposed.png');

    await as(committee);
    await page.goto(`${web.origin}/committee/rounds/${roundId}`);
    await page.locator('#confirm-meeting').waitFor(WAIT);
    await page.locator('#confirm-meeting').fill('党委会〔2024〕1次');
    await page.locator('[data-event="CONFIRM_GRADES"]').click();
    await expect.poll(() => page.getByTestId('round-state').textContent(), WAIT).toContain('已确认');
    await expect.poll(() => page.locator('[data-testid="grades"] tbody tr').count(), WAIT).toBe(1);
    expect(await page.getByTestId('grades-total').textContent()).toContain('3000');
    await quiet(page);
    await shot(page, 'web-round-15-confirmed.png');
    expect(await roundState()).toBe('grades_confirmed');
    const graded = await projectOf(id);
    expect([graded.state, graded.grade, graded.funding]).toEqual(['graded', 'first', 3000]);

    // ---- 10. The published list and the project's page ----
    await as(applicant);
    await page.getByRole('link', { name: '立项名单' }).click();
    await page.waitForURL(/\/published-lists$/, WAIT);
    await page.locator(`a[href="/rounds/${roundId}/published-list"]`).click();
    await page.getByTestId('published-list').waitFor(WAIT);
    expect(await page.getByTestId('document-number').textContent()).toBe('党委〔2023〕12号');
    expect(await page.getByTestId('published-rows').textContent()).toContain(TITLE);
    await shot(page, 'web-round-16-published-list.png');
    await page.goto(`${web.origin}/projects/${id}`);
    await expect.poll(() => page.getByTestId('project-state').textContent(), WAIT).toContain(graded.stateLabel.zh);
    await page.getByTestId('history').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('reports').textContent(), WAIT).toContain('结对帮扶学生 32 人');
    // The applicant reads the grade and the funding it brings.
    await page.getByTestId('recommendation').waitFor(WAIT);
    const gradeText = (await page.getByTestId('recommendation').textContent()) ?? '';
    expect(gradeText).toContain('一等奖');
    expect(gradeText).toContain('3000');
    await shot(page, 'web-round-17-graded.png');
    // org_dept's page of the project names its grade and funding.
    await as(orgDept);
    await page.goto(`${web.origin}/projects/${id}`);
    await page.getByTestId('recommendation').waitFor(WAIT);
    expect(await page.getByTestId('recommendation').textContent()).toContain('一等奖');
    await page.getByTestId('history').waitFor(WAIT);
    await shot(page, 'web-round-18-graded-orgdept.png');

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 600_000);
});
