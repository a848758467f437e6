/**
 * A whole round over HTTP, as the organisation department runs it, under the product's default
 * edition (round@2 governing project@2): units and users, the round opens, applications of both
 * categories from several units with their signed letters (PDF, the checksum in the log), a return
 * for revision, the deadline, automatic assignment, reviews, the ranking, the committee's decisions;
 * their conclusion opens the 公示 (the round's publicity period, 5 working days by default), in
 * which an objection is lodged and org_dept handles it; after the period the signed list (PDF) is
 * uploaded and published with it (every approved project started, each start logged); final
 * reports, the acceptance panel's reviews, org_dept's proposed grades and the committee's
 * CONFIRM_GRADES carrying them out, funding totals that add up, a recommendation and its outcome,
 * exports that open with the right rows, and an audit bundle (both editions' four machine
 * definitions) that verifies the whole story.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scores } from '../../machines/project.types.js';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { minimalPdf, multipartBody, uploadFile } from '../helpers/files.js';
import { subjectEntries } from '../helpers/log-entries.js';
import { COMPLETE_LETTER, createUnit, createUser, type User } from '../helpers/world.js';
import { parseCsv, scoresFor } from '../reports/round-story.js';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-round-'));
  t = await createTestApp({ path: path.join(dir, 'round.db') });
});

afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A call that must succeed with `status`; its body. */
async function ok(
  user: User | string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: unknown,
  status = method === 'POST' && !url.includes('/events') && !url.includes('/assignments') ? 201 : 200,
  headers: Record<string, string> = {},
) {
  const token = typeof user === 'string' ? user : user.token;
  const response = await call(t.app, token, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as never }), headers });
  expect(response.status, `${method} ${url}: ${JSON.stringify(response.body)}`).toBe(status);
  return response.body;
}

const at = (shanghai: string) => t.clock.set(Date.parse(`${shanghai}+08:00`));

describe('a whole round, 办字〔2023〕8号, over HTTP', () => {
  it('runs from the call to the funding, without a spreadsheet', async () => {
    at('2023-03-01T09:00:00');
    // --- units and users (admin) -----------------------------------------------------------
    const organ = await createUnit(t.app, '机关党委', 'organ_committee');
    const music = await createUnit(t.app, '音乐学院党总支', 'general_branch');
    const vocal = await createUnit(t.app, '声乐系党支部', 'branch', music);
    const dance = await createUnit(t.app, '舞蹈学院党总支', 'general_branch');
    const danceBranch = await createUnit(t.app, '舞蹈系党支部', 'branch', dance);
    const library = await createUnit(t.app, '图书馆直属党支部', 'direct_branch');
    const logistics = await createUnit(t.app, '后勤直属党支部', 'direct_branch');

    const applicant = {
      organ: await createUser(t.app, '机关党委书记', 'applicant', organ),
      vocal: await createUser(t.app, '声乐系书记', 'applicant', vocal),
      dance: await createUser(t.app, '舞蹈学院书记', 'applicant', dance),
      library: await createUser(t.app, '图书馆书记', 'applicant', library),
    };
    const orgDept = await createUser(t.app, '组织部干事', 'org_dept');
    const committee = await createUser(t.app, '党委会议秘书', 'committee');
    const auditor = await createUser(t.app, '纪委监督员', 'auditor');
    const reviewers = [
      await createUser(t.app, '评审甲', 'reviewer', organ),
      await createUser(t.app, '评审乙', 'reviewer', danceBranch),
      await createUser(t.app, '评审丙', 'reviewer', logistics),
      await createUser(t.app, '评审丁', 'reviewer', library),
    ];

    // --- the round opens ------------------------------------------------------------------------
    const round = await ok(ADMIN_TOKEN, 'POST', '/rounds', {
      year: 2023,
      title: '2023年度党建“堡垒巩固工程”和“党员先锋工程”项目立项',
      documentNumber: '办字〔2023〕8号',
      submissionDeadline: '2023-03-29',
      revisionDeadline: '2023-04-05',
      finalAcceptanceDate: '2023-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      minReviews: 3,
      scoreScale: { min: 0, max: 20 },
      requireSignedLetter: true,
    });
    // Created now, the round runs the second edition, with its default publicity period and acceptance settings.
    expect(round).toMatchObject({
      state: 'open',
      documentNumber: '办字〔2023〕8号',
      requireSignedLetter: true,
      machine: { id: 'round', version: 2 },
      projectMachine: { id: 'project', version: 2 },
      publicityWorkingDays: 5,
      minAcceptanceReviews: 3,
      recommendableGrades: ['first'],
    });
    const R = `/rounds/${round.id}`;
    // The round's review panel: reviewers are drawn only from its members.
    await ok(orgDept, 'PUT', `${R}/panels/review`, { name: '2023年度评审组' }, 201);
    for (const reviewer of reviewers) await ok(orgDept, 'POST', `${R}/panels/review/members`, { userId: reviewer.id });

    // --- applications: both categories, several units -----------------------------------------
    const apply = async (owner: User, title: string, category: 'fortress' | 'vanguard', direction: string) =>
      (await ok(owner, 'POST', '/projects', { roundId: round.id, category, direction, title, letter: { ...COMPLETE_LETTER, leader: `${title}负责人` } })).id as string;
    const fire = (user: User, id: string, type: string, payload: Record<string, unknown> = {}) => ok(user, 'POST', `/projects/${id}/events`, { type, ...payload });

    const P = {
      redMelody: await apply(applicant.vocal, '“红色旋律”党员先锋岗', 'vanguard', 'member_platforms'),
      soul: await apply(applicant.organ, '机关“凝心铸魂”理论学习工程', 'fortress', 'soul'),
      dancePost: await apply(applicant.dance, '舞蹈学院“融合互促”育人计划', 'fortress', 'integration'),
      ethics: await apply(applicant.library, '图书馆师德师风示范岗', 'vanguard', 'teacher_ethics'),
      revised: await apply(applicant.vocal, '声乐系“固本强基”支部标准化', 'fortress', 'foundation'),
      withdrawn: await apply(applicant.library, '图书馆读书会（撤回）', 'vanguard', 'member_education'),
      routine: await apply(applicant.dance, '舞蹈学院日常教学检查', 'fortress', 'service'),
    };
    // The round wants the signed and sealed letter: no submission without it.
    const unsigned = await call(t.app, applicant.vocal.token, { method: 'POST', url: `/api/v1/projects/${P.redMelody}/events`, payload: { type: 'SUBMIT' } });
    expect(unsigned.status).toBe(422);
    expect(unsigned.body.violation.code).toBe('signed_letter_required');
    const letters: Record<string, { id: string; sha256: string }> = {};
    const sign = async (owner: User, id: string) => {
      const uploaded = await uploadFile(t.app, owner.token, id, 'signed_letter', minimalPdf(`盖章扫描件 ${id}`), { fileName: '目标责任书（盖章）.pdf' });
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
      letters[id] = uploaded.body;
    };
    for (const [owner, id] of [
      [applicant.vocal, P.redMelody],
      [applicant.organ, P.soul],
    ] as const) {
      await sign(owner, id);
      const submitted = await fire(owner, id, 'SUBMIT');
      // The log entry keeps the signed letter's checksum and the letter's own hash.
      expect(submitted.transition.payload).toMatchObject({ signedLetter: { fileId: letters[id]!.id, sha256: letters[id]!.sha256 } });
      expect(Object.keys(submitted.transition.payload).sort()).toEqual(['contextSha256', 'letterRevision', 'letterSha256', 'signedLetter']);
    }

    // Compliance before the deadline: who has not submitted yet (a branch counts for its parent).
    const early = await ok(orgDept, 'GET', `${R}/quota-units`);
    expect(early.missing.map((u: { name: string }) => u.name).sort()).toEqual(['后勤直属党支部', '图书馆直属党支部', '舞蹈学院党总支'].sort());
    expect(early.complied.map((u: { name: string }) => u.name).sort()).toEqual(['机关党委', '音乐学院党总支'].sort());

    for (const [owner, id] of [
      [applicant.dance, P.dancePost],
      [applicant.library, P.ethics],
      [applicant.vocal, P.revised],
      [applicant.library, P.withdrawn],
      [applicant.dance, P.routine],
    ] as const) {
      await sign(owner, id);
      await fire(owner, id, 'SUBMIT');
    }
    await fire(applicant.library, P.withdrawn, 'WITHDRAW', { reason: '与另一项目合并' });

    // A return for revision, a corrected letter, a resubmission.
    at('2023-03-27T10:00:00');
    await fire(orgDept, P.revised, 'RETURN_FOR_REVISION', { comment: '活动安排需细化到月' });
    const draft = await ok(applicant.vocal, 'GET', `/projects/${P.revised}`);
    expect(draft.state).toBe('draft');
    await ok(applicant.vocal, 'PATCH', `/projects/${P.revised}`, { letter: { activities: [{ content: '支部标准化建设自查', form: '专题组织生活会', when: '2023年5月' }] } }, 200, {
      'if-match': `"${draft.version}"`,
    });
    await fire(applicant.vocal, P.revised, 'SUBMIT');

    const compliance = await ok(orgDept, 'GET', `${R}/quota-units`);
    expect(compliance.missing.map((u: { name: string }) => u.name)).toEqual(['后勤直属党支部']);

    // --- the deadline passes ------------------------------------------------------------------------
    at('2023-03-30T09:00:00');
    await ok(orgDept, 'POST', `${R}/events`, { type: 'CLOSE_SUBMISSIONS' });
    const late = await call(t.app, applicant.dance.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: round.id, category: 'vanguard', direction: 'member_service', title: '迟到的项目' },
    });
    expect(late.status).toBe(409);

    // Preliminary checks: one rejected as routine work dressed up as a project.
    for (const id of [P.redMelody, P.soul, P.dancePost, P.ethics, P.revised]) await fire(orgDept, id, 'PASS_PRELIMINARY_CHECK');
    await fire(orgDept, P.routine, 'REJECT', { reason: '属于常规教学工作，不符合立项要求' });
    await ok(orgDept, 'POST', `${R}/events`, { type: 'START_REVIEW' });

    // --- automatic assignment: three reviewers each, never one of the project's own line ---------
    const assignment = await ok(orgDept, 'POST', `${R}/assignments`, { mode: 'automatic' });
    expect(assignment.refused).toEqual([]);
    expect(assignment.assigned).toHaveLength(15);
    const lineOf: Record<string, string[]> = {
      [P.redMelody]: [vocal, music],
      [P.revised]: [vocal, music],
      [P.soul]: [organ],
      [P.dancePost]: [dance, danceBranch],
      [P.ethics]: [library],
    };
    const unitOf = new Map(reviewers.map((r) => [r.id, r.unitId]));
    for (const pair of assignment.assigned as Array<{ projectId: string; reviewerId: string }>) {
      expect(lineOf[pair.projectId]).not.toContain(unitOf.get(pair.reviewerId));
    }
    const load = reviewers.map((r) => assignment.assigned.filter((a: { reviewerId: string }) => a.reviewerId === r.id).length);
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);

    // --- reviews, from each reviewer's worklist ---------------------------------------------------
    const totals: Record<string, number[]> = {
      [P.redMelody]: [86, 84, 85],
      [P.soul]: [80, 82, 78],
      [P.ethics]: [79, 77, 78],
      [P.dancePost]: [50, 72, 90],
      [P.revised]: [60, 62, 58],
    };
    const given: Record<string, Scores[]> = {};
    for (const reviewer of reviewers) {
      const worklist = (await ok(reviewer, 'GET', '/my-assignments')).items;
      for (const item of worklist as Array<{ id: string; reviewed: boolean }>) {
        expect(item.reviewed).toBe(false);
        const scores = scoresFor(totals[item.id]![(given[item.id] ??= []).length]!);
        given[item.id]!.push(scores);
        await fire(reviewer, item.id, 'SUBMIT_REVIEW', { scores, comment: `${reviewer.id.slice(-4)} 的评审意见` });
      }
      expect((await ok(reviewer, 'GET', '/my-assignments')).items.every((i: { reviewed: boolean }) => i.reviewed)).toBe(true);
    }
    for (const id of Object.keys(totals)) await fire(orgDept, id, 'COMPLETE_PANEL_REVIEW');

    // --- the ranking ----------------------------------------------------------------------------------
    const ranking = await ok(committee, 'GET', `${R}/rankings`);
    expect(ranking.items.map((i: { projectId: string }) => i.projectId)).toEqual([P.redMelody, P.soul, P.ethics, P.dancePost, P.revised]);
    expect(ranking.items.map((i: { rank: number }) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    const dancing = ranking.items[3];
    expect(dancing).toMatchObject({ reviewCount: 3, meanTotal: 70.67, medianTotal: 72, spread: 40, disagreement: true });
    expect(ranking.items.filter((i: { disagreement: boolean }) => i.disagreement)).toHaveLength(1);
    const first = ranking.items[0];
    const mean = (criterion: keyof Scores) => Math.round((given[P.redMelody]!.reduce((s, g) => s + g[criterion], 0) / 3) * 100) / 100;
    expect(first.meanScores).toEqual({
      direction: mean('direction'),
      innovation: mean('innovation'),
      practicality: mean('practicality'),
      breadth: mean('breadth'),
      exemplarity: mean('exemplarity'),
    });
    // The applicant never sees the ranking.
    expect((await call(t.app, applicant.vocal.token, { method: 'GET', url: `/api/v1${R}/rankings` })).status).toBe(403);

    // --- the committee decides; the proposed list goes into 公示 ----------------------------------------
    const approvedIds = [P.redMelody, P.soul, P.ethics, P.dancePost];
    for (const id of approvedIds) await fire(committee, id, 'APPROVE', { meetingReference: '党委会〔2023〕第5次' });
    await fire(committee, P.revised, 'REJECT', { reason: '排名末位，本年度不予立项' });
    // Thursday 2023-04-06, 10:00: five working days are Fri 7, Mon 10 … Thu 13; the period ends at the Shanghai midnight after the 13th.
    at('2023-04-06T10:00:00');
    const concluded = await ok(committee, 'POST', `${R}/events`, { type: 'CONCLUDE_DECISIONS' });
    const publicity = { startedAt: '2023-04-06T02:00:00.000Z', endsAt: '2023-04-13T16:00:00.000Z', workingDays: 5 };
    expect(concluded.round).toMatchObject({ state: 'in_publicity', publicity, objections: { open: 0, handled: 0 }, publication: null });
    const proposed = await ok(applicant.library, 'GET', `${R}/proposed-list`);
    expect(proposed.publicity).toEqual({ ...publicity, over: false });
    expect(proposed.projects.map((p: { id: string }) => p.id).sort()).toEqual([...approvedIds].sort());
    expect(JSON.stringify(proposed)).not.toMatch(/score|review/i);

    // An objection during the period; org_dept looks into it and records how it was handled.
    at('2023-04-10T15:00:00');
    const objection = await ok(applicant.dance, 'POST', `${R}/objections`, { projectId: P.ethics, reason: '该项目与图书馆日常服务工作重复' });
    expect(objection).toMatchObject({ number: 1, projectId: P.ethics, lodgedBy: { id: applicant.dance.id, name: '舞蹈学院书记' }, handling: null });
    // Not before the period is over, and not with an objection open.
    const tooSoon = await call(t.app, orgDept.token, {
      method: 'POST',
      url: `/api/v1${R}/events`,
      payload: { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-10' },
    });
    expect(tooSoon.status).toBe(422);
    expect(tooSoon.body.violation).toMatchObject({ code: 'publicity_not_over', detail: { endsAt: publicity.endsAt } });
    const handled = await ok(orgDept, 'POST', `${R}/objections/1/handling`, { outcome: 'dismissed', response: '经核实，该项目以师德师风建设为主题，不属于日常服务工作' }, 200);
    expect(handled.handling).toMatchObject({ outcome: 'dismissed', by: { id: orgDept.id, name: '组织部干事' } });
    expect((await ok(auditor, 'GET', `${R}/objections`)).items).toEqual([expect.objectContaining({ number: 1, handling: expect.objectContaining({ outcome: 'dismissed' }) })]);

    // --- after the period: the signed list is uploaded and published with it ----------------------------
    at('2023-04-20T10:00:00');
    expect(t.clock.now()).toBeGreaterThan(Date.parse(publicity.endsAt));
    const signedList = minimalPdf('关于公布2023年度党建项目立项名单的通知（盖章）');
    const upload = multipartBody([{ name: 'file', filename: '立项名单（盖章）.pdf', contentType: 'application/pdf', content: signedList }]);
    const listDocument = await ok(orgDept, 'POST', `${R}/documents?kind=approved_list`, upload.payload, 201, upload.headers);
    expect(listDocument).toMatchObject({ roundId: round.id, kind: 'approved_list', sha256: createHash('sha256').update(signedList).digest('hex') });
    const published = await ok(
      orgDept,
      'POST',
      `${R}/events`,
      { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20', document: listDocument.id },
      200,
      { 'x-request-id': 'publish-2023-list' },
    );
    expect(published.transition.payload).toMatchObject({ document: listDocument.id, documentSha256: listDocument.sha256 });
    // The upload is an audited entry of its own, with the document's checksum.
    expect(subjectEntries(t.db.$client, 'round_document', listDocument.id)).toEqual([
      expect.objectContaining({ event: 'UPLOAD_ROUND_DOCUMENT', actorId: orgDept.id, payload: expect.objectContaining({ roundId: round.id, sha256: listDocument.sha256 }) }),
    ]);
    expect(published.round).toMatchObject({
      state: 'in_execution',
      objections: { open: 0, handled: 1 },
      publication: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20', document: { fileId: listDocument.id, sha256: listDocument.sha256 } },
    });
    expect(published.transition.subject).toEqual({ kind: 'round', id: published.round.id });
    expect(published.started.map((e: { subject: { kind: string; id: string } }) => e.subject.id).sort()).toEqual([...approvedIds].sort());
    for (const entry of published.started) expect(entry).toMatchObject({ subject: { kind: 'project', id: entry.projectId } });
    for (const id of approvedIds) {
      const history = (await ok(auditor, 'GET', `/projects/${id}/transitions`)).items;
      const start = history.filter((e: { event: string }) => e.event === 'START');
      expect(start).toHaveLength(1);
      expect(start[0]).toMatchObject({ requestId: 'publish-2023-list', fromState: 'committee_approved', toState: 'in_progress' });
      expect((await ok(orgDept, 'GET', `/projects/${id}`)).state).toBe('in_progress');
    }

    // The approved list, as CSV and XLSX.
    const approvedCsv = await t.app.inject({ method: 'GET', url: `/api/v1${R}/exports/approved?format=csv`, headers: { authorization: `Bearer ${orgDept.token}` } });
    expect(approvedCsv.statusCode).toBe(200);
    const approvedRows = parseCsv(approvedCsv.rawPayload.subarray(3).toString('utf8'));
    expect(approvedRows[0]!.slice(0, 4)).toEqual(['序号', '类别', '项目名称', '申报单位']);
    expect(
      approvedRows
        .slice(1)
        .map((r) => r[2])
        .sort(),
    ).toEqual(['“红色旋律”党员先锋岗', '机关“凝心铸魂”理论学习工程', '图书馆师德师风示范岗', '舞蹈学院“融合互促”育人计划'].sort());

    // --- execution and final acceptance --------------------------------------------------------------
    at('2023-07-01T10:00:00');
    const owners: Record<string, User> = { [P.redMelody]: applicant.vocal, [P.soul]: applicant.organ, [P.ethics]: applicant.library, [P.dancePost]: applicant.dance };
    for (const id of approvedIds) await fire(owners[id]!, id, 'SUBMIT_PROGRESS_REPORT', { text: '已开展主题党日两次' });
    at('2023-12-01T10:00:00');
    await ok(orgDept, 'POST', `${R}/events`, { type: 'OPEN_ACCEPTANCE' });
    // Opened ahead of time: final reports and grades from the final-acceptance date (2023-12-31) on.
    const beforeTheDay = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${P.redMelody}/events`,
      headers: { authorization: `Bearer ${applicant.vocal.token}` },
      payload: { type: 'SUBMIT_FINAL_REPORT', summary: '提前提交' },
    });
    expect(beforeTheDay.statusCode).toBe(409);
    expect(beforeTheDay.json()).toMatchObject({ type: 'urn:lixiang:problem:round-gate-closed', code: 'acceptance_not_open', condition: { opensOn: '2023-12-31' } });
    at('2023-12-31T09:00:00');
    // The final report of 红色旋律 comes with a document; its checksum goes into the log entry.
    const photos = minimalPdf('结项总结与活动照片');
    const document = await uploadFile(t.app, applicant.vocal.token, P.redMelody, 'final_report_document', photos, { fileName: '结项总结.pdf' });
    expect(document.status).toBe(201);
    for (const id of approvedIds) {
      const documents = id === P.redMelody ? { documents: [document.body.id] } : {};
      const reported = await fire(owners[id]!, id, 'SUBMIT_FINAL_REPORT', { summary: `${id.slice(-4)}：完成全部活动，形成可推广经验`, ...documents });
      if (id === P.redMelody) expect(reported.transition.payload.documents).toEqual([{ fileId: document.body.id, sha256: createHash('sha256').update(photos).digest('hex') }]);
    }
    await fire(orgDept, P.ethics, 'RETURN_FINAL_REPORT', { comment: '请补充活动照片' });
    const acceptanceWhileReturned = await ok(orgDept, 'GET', `${R}/final-reports`);
    expect(acceptanceWhileReturned.items.map((i: { projectId: string }) => i.projectId).sort()).toEqual([P.redMelody, P.soul, P.dancePost].sort());
    await fire(applicant.library, P.ethics, 'SUBMIT_FINAL_REPORT', { summary: '补充了活动照片与学生评价' });
    const acceptance = await ok(orgDept, 'GET', `${R}/final-reports`);
    expect(acceptance.items).toHaveLength(4);
    const ethicsReport = acceptance.items.find((i: { projectId: string }) => i.projectId === P.ethics);
    expect(ethicsReport.finalReport.summary).toBe('补充了活动照片与学生评价');
    expect(ethicsReport.returns.map((r: { text: string }) => r.text)).toEqual(['请补充活动照片']);
    expect(ethicsReport.progressReports).toHaveLength(1);
    const melodyReport = acceptance.items.find((i: { projectId: string }) => i.projectId === P.redMelody);
    expect(melodyReport.finalReport.documents).toEqual([
      { fileId: document.body.id, fileName: '结项总结.pdf', mediaType: 'application/pdf', size: photos.length, sha256: document.body.sha256 },
    ]);
    const downloaded = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${P.redMelody}/files/${document.body.id}`,
      headers: { authorization: `Bearer ${orgDept.token}` },
    });
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.rawPayload.equals(photos)).toBe(true);

    // --- the acceptance review: the acceptance panel scores each final report -------------------------
    await ok(orgDept, 'PUT', `${R}/panels/acceptance`, { name: '2023年度结项评审组' }, 201);
    for (const reviewer of reviewers) await ok(orgDept, 'POST', `${R}/panels/acceptance/members`, { userId: reviewer.id });
    // Three members per final report, never one of the project's own line (the panel stage's conflict rules).
    const acceptanceReviewersOf = (id: string) => reviewers.filter((r) => !lineOf[id]!.includes(r.unitId!)).slice(0, 3);
    for (const id of approvedIds) {
      for (const reviewer of acceptanceReviewersOf(id)) await ok(orgDept, 'POST', `/projects/${id}/acceptance-reviewers`, { reviewerId: reviewer.id });
    }
    const conflicted = await call(t.app, orgDept.token, { method: 'POST', url: `/api/v1/projects/${P.soul}/acceptance-reviewers`, payload: { reviewerId: reviewers[0]!.id } });
    expect(conflicted.status).toBe(422);
    expect(conflicted.body).toMatchObject({ code: 'conflict_of_interest' });
    const acceptanceScores: Record<string, { completion: number; effect: number; documentation: number }> = {
      [P.redMelody]: { completion: 19, effect: 19, documentation: 18 },
      [P.soul]: { completion: 17, effect: 17, documentation: 16 },
      [P.ethics]: { completion: 14, effect: 13, documentation: 14 },
      [P.dancePost]: { completion: 8, effect: 7, documentation: 9 },
    };
    for (const reviewer of reviewers) {
      const worklist = (await ok(reviewer, 'GET', '/my-acceptance-assignments')).items as Array<{ id: string; reviewed: boolean }>;
      expect(worklist.map((i) => i.id).sort()).toEqual(approvedIds.filter((id) => acceptanceReviewersOf(id).includes(reviewer)).sort());
      for (const item of worklist) {
        expect(item.reviewed).toBe(false);
        await fire(reviewer, item.id, 'SUBMIT_ACCEPTANCE_REVIEW', { scores: acceptanceScores[item.id], comment: `${reviewer.id.slice(-4)} 的结项评审意见` });
      }
    }

    // --- org_dept proposes the grades, the committee confirms them ---------------------------------------
    await fire(orgDept, P.redMelody, 'PROPOSE_GRADE', { grade: 'first', comment: '结项评审平均 56 分，成果突出' });
    await fire(orgDept, P.soul, 'PROPOSE_GRADE', { grade: 'second', comment: '结项评审平均 50 分' });
    await fire(orgDept, P.ethics, 'PROPOSE_GRADE', { grade: 'qualified', comment: '结项评审平均 41 分' });
    await fire(orgDept, P.dancePost, 'PROPOSE_GRADE', { grade: 'fail', comment: '活动未按计划完成' });
    // Under the second edition a grade is the committee's, and only through its confirmation: fired directly, org_dept's is
    // not its role's, and the committee's own is refused by the round's gate.
    const byOrgDept = await call(t.app, orgDept.token, { method: 'POST', url: `/api/v1/projects/${P.redMelody}/events`, payload: { type: 'GRADE', grade: 'first' } });
    expect(byOrgDept.status).toBe(403);
    const direct = await call(t.app, committee.token, { method: 'POST', url: `/api/v1/projects/${P.redMelody}/events`, payload: { type: 'GRADE', grade: 'first' } });
    expect(direct.status).toBe(409);
    expect(direct.body).toMatchObject({
      type: 'urn:lixiang:problem:round-gate-closed',
      roundState: 'under_acceptance',
      gate: { name: 'grade_confirmation', onlyVia: 'CONFIRM_GRADES' },
    });
    const acceptanceSummary = await ok(committee, 'GET', `${R}/acceptance-scores`);
    expect(acceptanceSummary.proposals).toEqual({ byGrade: { first: 1, second: 1, qualified: 1, fail: 1 }, missing: 0 });
    expect(acceptanceSummary.items.find((i: { projectId: string }) => i.projectId === P.redMelody)).toMatchObject({ reviewCount: 3, meanTotal: 56 });
    for (const reviewer of reviewers) expect(JSON.stringify(acceptanceSummary)).not.toContain(reviewer.id);
    const confirmed = await ok(committee, 'POST', `${R}/events`, { type: 'CONFIRM_GRADES', meetingReference: '党委会〔2024〕第1次' });
    expect(confirmed.round.state).toBe('grades_confirmed');
    expect(confirmed.graded.map((e: { subject: { id: string }; event: string; actor: { role: string } }) => [e.subject.id, e.event, e.actor.role]).sort()).toEqual(
      [
        [P.redMelody, 'GRADE', 'committee'],
        [P.soul, 'GRADE', 'committee'],
        [P.ethics, 'GRADE', 'committee'],
        [P.dancePost, 'FAIL', 'committee'],
      ].sort(),
    );
    // The first prize is recommended upward; org_dept records the selection's outcome.
    await fire(committee, P.redMelody, 'RECOMMEND', { note: '推荐参加省级高校党建项目评选' });
    await fire(orgDept, P.redMelody, 'RECORD_RECOMMENDATION_OUTCOME', { outcome: 'selected', level: '省级', note: '入选省级高校党建示范项目' });
    expect(await ok(applicant.vocal, 'GET', `/projects/${P.redMelody}`)).toMatchObject({
      state: 'graded',
      grade: 'first',
      funding: 3000,
      recommended: true,
      recommendationOutcome: { outcome: 'selected', level: '省级', note: '入选省级高校党建示范项目' },
    });

    // --- grades and funding --------------------------------------------------------------------------

    const funding = await ok(committee, 'GET', `${R}/grades`);
    expect(funding.items.map((i: { projectId: string; grade: string; amount: number }) => [i.projectId, i.grade, i.amount])).toEqual([
      [P.redMelody, 'first', 3000],
      [P.soul, 'second', 2000],
      [P.ethics, 'qualified', 1000],
      [P.dancePost, 'failed', 0],
    ]);
    expect(funding.total).toEqual({ count: 4, amount: 6000 });
    const sum = (rows: Array<{ amount: number; count: number }>) => rows.reduce((s, r) => ({ amount: s.amount + r.amount, count: s.count + r.count }), { amount: 0, count: 0 });
    expect(sum(funding.byUnit)).toEqual(funding.total);
    expect(sum(funding.byGrade)).toEqual(funding.total);
    expect(funding.items.reduce((s: number, i: { amount: number }) => s + i.amount, 0)).toBe(6000);
    expect(funding.byUnit.find((u: { unitName: string }) => u.unitName === '舞蹈学院党总支')).toMatchObject({ count: 1, amount: 0 });

    // Grades with funding, and the ranking, as spreadsheets that open.
    const gradesXlsx = await t.app.inject({ method: 'GET', url: `/api/v1${R}/exports/grades?format=xlsx`, headers: { authorization: `Bearer ${auditor.token}` } });
    expect(gradesXlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(gradesXlsx.rawPayload as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0]!.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows[0]).toEqual(['序号', '项目名称', '申报单位', '类别', '等级', '经费（元）', '择优推荐']);
    expect(rows.slice(1, 5).map((r) => [r[1], r[4], r[5], r[6]])).toEqual([
      ['“红色旋律”党员先锋岗', '一等奖', 3000, '是'],
      ['机关“凝心铸魂”理论学习工程', '二等奖', 2000, '否'],
      ['图书馆师德师风示范岗', '合格', 1000, '否'],
      ['舞蹈学院“融合互促”育人计划', '未通过结项', 0, '否'],
    ]);
    const rankingCsv = await t.app.inject({ method: 'GET', url: `/api/v1${R}/exports/ranking?format=csv`, headers: { authorization: `Bearer ${committee.token}` } });
    const rankingRows = parseCsv(rankingCsv.rawPayload.subarray(3).toString('utf8'));
    expect(rankingRows.slice(1).map((r) => r[1])).toEqual([
      '“红色旋律”党员先锋岗',
      '机关“凝心铸魂”理论学习工程',
      '图书馆师德师风示范岗',
      '舞蹈学院“融合互促”育人计划',
      '声乐系“固本强基”支部标准化',
    ]);

    // --- the round closes; the auditor verifies the whole story ---------------------------------------
    at('2024-01-05T10:00:00');
    const closed = await ok(orgDept, 'POST', `${R}/events`, { type: 'CLOSE_ROUND' });
    expect(closed.round.state).toBe('closed');
    const roundHistory = (await ok(auditor, 'GET', `${R}/transitions`)).items;
    for (const entry of roundHistory) expect(entry.subject).toEqual({ kind: 'round', id: closed.round.id });
    expect(roundHistory.map((e: { event: string }) => e.event)).toEqual([
      'CREATE_ROUND',
      'CLOSE_SUBMISSIONS',
      'START_REVIEW',
      'CONCLUDE_DECISIONS',
      'LODGE_OBJECTION',
      'HANDLE_OBJECTION',
      'PUBLISH_LIST',
      'OPEN_ACCEPTANCE',
      'CONFIRM_GRADES',
      'CLOSE_ROUND',
    ]);
    expect((await ok(auditor, 'GET', '/audit/verify')).valid).toBe(true);

    const kept = await ok(auditor, 'POST', '/audit/checkpoints');
    fs.writeFileSync(path.join(dir, 'kept.txt'), kept.note);
    const bundle = await t.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: { authorization: `Bearer ${auditor.token}` } });
    expect(bundle.statusCode).toBe(200);
    fs.writeFileSync(path.join(dir, 'bundle.tar.gz'), bundle.rawPayload);
    const unpacked = path.join(dir, 'unpacked');
    fs.mkdirSync(unpacked);
    await extract({ file: path.join(dir, 'bundle.tar.gz'), cwd: unpacked });
    const [name] = fs.readdirSync(unpacked);
    // Both editions' definitions go with the log: round@1, project@1, round@2, project@2.
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, name!, 'manifest.json'), 'utf8')) as { machines: Array<{ id: string; version: number }> };
    expect(manifest.machines.map((m) => `${m.id}@${m.version}`).sort()).toEqual(['project@1', 'project@2', 'round@1', 'round@2']);
    const verified = spawnSync(process.execPath, [path.join(unpacked, name!, 'verify.mjs'), path.join(unpacked, name!), '--checkpoint', path.join(dir, 'kept.txt')], {
      encoding: 'utf8',
    });
    expect(verified.stdout).toMatch(/RESULT: VALID/);
    expect(verified.stdout).toMatch(/1 rounds/);
    expect(verified.status).toBe(0);
  }, 120_000);
});
