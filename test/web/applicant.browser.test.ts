/**
 * 党支部 (the applicant) in a real browser: creates a project from the list (a double click makes one
 * draft), sees the letter's missing fields marked and the submit button saying what is missing, fills
 * the letter (rows of activities, members) and saves it; an edit made elsewhere meanwhile makes the
 * next save stale (412): the page reloads and says so; the round requires the signed letter, so SUBMIT
 * waits for it until the applicant uploads it (a PDF), watching the
 * progress reach 100%, submits; org_dept returns it with a comment, which the applicant sees at the
 * top of the form with who and when; edits and resubmits (the edit saved first); the letter's
 * revisions show which were submitted. A project driven to in_progress gets its progress report
 * through the report form; once the acceptance opens, the final report with a document uploaded for
 * it, which org_dept returns: its comment heads the reports.
 *
 * Screenshots: /tmp/web-applicant-new.png, -missing.png, -stale.png, -uploaded.png, -returned.png,
 * -resubmitted.png, -progress.png, -final-returned.png, -english.png, -list.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/app.js';
import { minimalPdf, minimalPng } from '../helpers/files.js';
import { advanceRound, createWorld, driveTo } from '../helpers/world.js';
import { haveChromium, logIn, shot, startWeb, watchedPage, withPassword, type WebHarness } from './browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWeb();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

describe.skipIf(!haveChromium)('the applicant in Chromium', () => {
  it('creates, fills, uploads, submits, sees the return comment, resubmits and reports progress', async () => {
    const world = await createWorld(web.t.app);
    // The round asks for the signed and sealed letter before SUBMIT.
    const amended = await call(web.t.app, world.orgDept.token, {
      method: 'PATCH',
      url: `/api/v1/rounds/${world.roundId}`,
      payload: { requireSignedLetter: true, reason: '须附盖章扫描件' },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    const credentials = await withPassword(web.t, world.applicant, 'shengyuexi', 'branch-secret-1');
    const { page, foreign, errors, violations } = await watchedPage(web.browser!, web.origin);
    await logIn(page, web.origin, credentials);

    // New project: the one open round is chosen already; category, direction, title.
    await page.getByTestId('new-project').waitFor({ timeout: 10_000 });
    await shot(page, 'web-applicant-list.png');
    await page.getByTestId('new-project').click();
    await page.waitForURL(/\/projects\/new$/);
    await page.getByTestId('field-category').click();
    await page.getByRole('option', { name: /党员先锋工程/ }).click();
    await page.getByTestId('field-direction').click();
    await page.getByRole('option', { name: /党员作用发挥平台/ }).click();
    await page.locator('#letter-title').fill('“红色旋律”党员先锋岗');
    await shot(page, 'web-applicant-new.png');
    // A double click creates one draft (the form's Idempotency-Key).
    await page.getByTestId('create-project').dblclick();
    await page.waitForURL(/\/projects\/(?!new)[^/]+$/, { timeout: 15_000 });
    const id = page.url().split('/').pop()!;
    const list = await call(web.t.app, world.applicant.token, { method: 'GET', url: '/api/v1/projects' });
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([id]);

    // The letter is incomplete: each missing field marked, the submit button says what is missing.
    await page.getByTestId('letter-editor').waitFor({ timeout: 10_000 });
    for (const key of ['rationale', 'activities[0]', 'expectedOutcomes', 'leader', 'members', 'contact']) {
      await page.locator(`[data-missing="${key}"]`).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('[data-missing="title"]').count()).toBe(0);
    const blockers = (await page.getByTestId('submit-blockers').textContent()) ?? '';
    expect(blockers).toContain('立项起因');
    expect(blockers).toContain('联系方式');
    expect(blockers).toContain('盖章扫描件');
    await page.getByTestId('signed-letter-required').waitFor();
    expect(await page.locator('[data-event="SUBMIT"]').isDisabled()).toBe(true);
    await shot(page, 'web-applicant-missing.png');

    // Fill the letter: two activities, two members.
    await page.locator('#letter-rationale').fill('学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。');
    await page.getByTestId('activity-0-content').fill('“红色旋律”主题党日，党员师生共同排演革命歌曲');
    await page.getByTestId('activity-0-form').fill('主题党日 + 音乐会');
    await page.getByTestId('activity-0-when').fill('2023年5月');
    await page.getByTestId('add-activity').click();
    await page.getByTestId('activity-1-content').fill('党员先锋岗进琴房，结对帮扶学生');
    await page.getByTestId('activity-1-form').fill('结对帮扶');
    // The second row is still missing its time: marked.
    await page.locator('[data-missing="activities[1]"]').waitFor();
    await page.getByTestId('activity-1-when').fill('2023年6月至11月');
    await page.locator('#letter-outcomes').fill('形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。');
    await page.locator('#letter-leader').fill('王书记');
    await page.getByTestId('member-0').fill('李老师');
    await page.getByTestId('add-member').click();
    await page.getByTestId('member-1').fill('张老师');
    await page.locator('#letter-contact').fill('024-12345678');
    expect(await page.locator('[data-missing]').count()).toBe(0);
    // Complete, but the signed letter is still to come: SUBMIT waits for it.
    expect(await page.getByTestId('submit-blockers').textContent()).toContain('盖章扫描件');
    await page.getByTestId('save-letter').click();
    await expect
      .poll(async () => (await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body.letter.contact, { timeout: 10_000 })
      .toBe('024-12345678');
    const saved = (await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body;
    expect(saved.letter.activities).toHaveLength(2);
    expect(saved.letter.members).toEqual(['李老师', '张老师']);
    await page.getByTestId('dirty').waitFor({ state: 'hidden', timeout: 10_000 });

    // Changed elsewhere meanwhile: the page's ETag is stale, the save is refused, the page reloads and says so.
    const elsewhere = await call(web.t.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${id}`,
      headers: { 'if-match': `"${saved.version}"` },
      payload: { letter: { leader: '王书记（党支部书记）' } },
    });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    await page.locator('#letter-leader').fill('王某');
    await page.getByTestId('save-letter').click();
    await page.getByTestId('stale').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#letter-leader').inputValue(), { timeout: 10_000 }).toBe('王书记（党支部书记）');
    await shot(page, 'web-applicant-stale.png');

    // The signed letter: a PDF, the progress reaching 100%.
    await page.getByTestId('upload-file').setInputFiles({ name: '目标责任书（盖章）.pdf', mimeType: 'application/pdf', buffer: minimalPdf('目标责任书') });
    await expect.poll(() => page.getByTestId('upload-progress').getAttribute('data-percent'), { timeout: 15_000 }).toBe('100');
    await expect.poll(() => page.locator('[data-testid="files"] tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('file-link').getAttribute('href')).toMatch(new RegExp(`/api/v1/projects/${id}/files/`));
    const files = await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${id}/files` });
    expect(files.body.items.map((f: { kind: string; fileName: string }) => [f.kind, f.fileName])).toEqual([['signed_letter', '目标责任书（盖章）.pdf']]);
    await expect.poll(() => page.locator('[data-event="SUBMIT"]').isDisabled(), { timeout: 10_000 }).toBe(false);
    expect(await page.getByTestId('submit-blockers').count()).toBe(0);
    await shot(page, 'web-applicant-uploaded.png');

    // Submit.
    await page.locator('[data-event="SUBMIT"]').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), { timeout: 10_000 }).not.toContain('草稿');
    expect((await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body.state).toBe('submitted');

    // org_dept returns it with a comment.
    const returned = await call(web.t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${id}/events`,
      payload: { type: 'RETURN_FOR_REVISION', comment: '活动安排需细化到周，请补充第一项活动的具体时间。' },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    await page.reload();
    const banner = page.getByTestId('return-comment');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('活动安排需细化到周');
    expect(await banner.textContent()).toContain('组织部');
    await shot(page, 'web-applicant-returned.png');

    // Edit and resubmit: the unsaved edit is saved first.
    await page.getByTestId('activity-0-when').fill('2023年5月第2周');
    await page.getByTestId('dirty').waitFor();
    await page.locator('[data-event="SUBMIT"]').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), { timeout: 10_000 }).not.toContain('草稿');
    const resubmitted = (await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body;
    expect(resubmitted.state).toBe('submitted');
    expect(resubmitted.submissions).toBe(2);
    expect(resubmitted.letter.activities[0].when).toBe('2023年5月第2周');
    // The revisions: the two submitted ones are marked; the history names the return and its comment.
    await expect.poll(() => page.getByTestId('submitted-revision').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('latest-submitted').waitFor();
    const history = (await page.getByTestId('history').textContent()) ?? '';
    expect(history).toContain('活动安排需细化到周');
    expect(await page.locator('[data-testid="history"] [data-event-entry="SUBMIT"]').count()).toBe(2);
    await shot(page, 'web-applicant-resubmitted.png');

    // A project in progress: the progress report through its form.
    const running = await driveTo(world, 'in_progress');
    // The drive moved the service's clock past the session's life: log in again.
    await page.context().clearCookies();
    await logIn(page, web.origin, credentials);
    await page.goto(`${web.origin}/projects/${running.id}`);
    await page.getByTestId('progress-form').waitFor({ timeout: 15_000 });
    await page.locator('#progress-text').fill('已开展主题党日两次，党员参与率 95%。');
    await page.locator('[data-event="SUBMIT_PROGRESS_REPORT"]').click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('reports')
            .textContent()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toContain('党员参与率 95%');
    const log = await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${running.id}/transitions` });
    const report = log.body.items.find((e: { event: string }) => e.event === 'SUBMIT_PROGRESS_REPORT');
    expect(report?.payload.text).toBe('已开展主题党日两次，党员参与率 95%。');
    await shot(page, 'web-applicant-progress.png');

    // The acceptance opens: a final report document uploaded (progress to 100%), the final report
    // handed in with it; org_dept returns the report, whose comment then heads the section.
    await advanceRound(world, 'under_acceptance', { roundId: running.roundId });
    await page.context().clearCookies();
    await logIn(page, web.origin, credentials);
    await page.goto(`${web.origin}/projects/${running.id}`);
    await page.getByTestId('final-form').waitFor({ timeout: 15_000 });
    await page.getByTestId('upload-file').setInputFiles({ name: '活动照片.png', mimeType: 'image/png', buffer: minimalPng() });
    await expect.poll(() => page.getByTestId('upload-progress').getAttribute('data-percent'), { timeout: 15_000 }).toBe('100');
    const document = page.locator('[data-testid="final-form"] .el-checkbox', { hasText: '活动照片.png' });
    await document.waitFor({ timeout: 10_000 });
    await document.click();
    expect(await page.getByRole('checkbox', { name: '活动照片.png' }).isChecked()).toBe(true);
    await page.locator('#final-summary').fill('完成全部活动，举办汇报音乐会一场。');
    await page.locator('[data-event="SUBMIT_FINAL_REPORT"]').click();
    await expect.poll(() => page.getByTestId('project-state').textContent(), { timeout: 10_000 }).not.toContain('实施中');
    const documents = (await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${running.id}/files` })).body.items;
    const finalLog = (await call(web.t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${running.id}/transitions` })).body.items;
    const final = finalLog.find((e: { event: string }) => e.event === 'SUBMIT_FINAL_REPORT');
    expect(final?.payload.summary).toBe('完成全部活动，举办汇报音乐会一场。');
    expect(JSON.stringify(final?.payload.documents)).toContain(documents[0].id);
    const back = await call(web.t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${running.id}/events`,
      payload: { type: 'RETURN_FINAL_REPORT', comment: '请补充活动签到表。' },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    await page.reload();
    const finalReturn = page.getByTestId('final-return');
    await finalReturn.waitFor({ timeout: 10_000 });
    expect(await finalReturn.textContent()).toContain('请补充活动签到表');
    await page.getByTestId('final-form').waitFor();
    expect(await page.getByTestId('report-documents').textContent()).toContain('活动照片.png');
    await shot(page, 'web-applicant-final-returned.png');
    // The same page in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Progress and final report').waitFor({ timeout: 10_000 });
    await page.getByText('Letter revisions').waitFor();
    await shot(page, 'web-applicant-english.png');

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);
});
