/**
 * The round reports over HTTP: ranking (order, ties, hand-computed aggregates, the disagreement
 * flag), the acceptance list, grades and funding (totals that add up), and who may read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/web/api/schema.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import type { User } from '../helpers/world.js';
import { buildStory, type Story } from './round-story.js';

// Rows of the reports, as the OpenAPI document describes them (the generated client's types).
type RankingItem = components['schemas']['RoundRanking']['items'][number];
type FundingItem = components['schemas']['RoundFunding']['items'][number];

let t: TestApp;
let story: Story;

beforeAll(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  story = await buildStory(t.app);
}, 60_000);

afterAll(async () => {
  await t.close();
});

const get = (url: string, user: User = story.world.orgDept) => call(t.app, user.token, { method: 'GET', url });
const reportUrl = (report: string, roundId = story.world.roundId) => `/api/v1/rounds/${roundId}/${report}`;

describe('ranking', () => {
  it('ranks every reviewed project by mean, then median, with ties sharing a rank', async () => {
    const { ids } = story;
    const response = await get(reportUrl('rankings'));
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ roundId: story.world.roundId, scoreScale: { min: 0, max: 20 }, totalScale: { min: 0, max: 100 }, disagreementThreshold: 20, minReviews: 2 });
    const tied = [ids.A, ids.C].sort();
    expect(body.items.map((item: { projectId: string }) => item.projectId)).toEqual([...tied, ids.D, ids.G, ids.H, ids.B, ids.E]);
    expect(body.items.map((item: { rank: number }) => item.rank)).toEqual([1, 1, 3, 4, 5, 6, 7]);
    // The project returned at the check, without reviews, is not ranked.
    expect(body.items.some((item: { projectId: string }) => item.projectId === ids.N)).toBe(false);
  });

  it('aggregates the reviews: hand-computed means, median, spread, deviation and labels', async () => {
    const { ids } = story;
    const items = new Map<string, RankingItem>((await get(reportUrl('rankings'))).body.items.map((item: RankingItem) => [item.projectId, item]));
    // B: totals 60, 68, 87; criteria (12,12,12,12,12), (14,14,14,13,13), (18,18,17,17,17).
    expect(items.get(ids.B)).toEqual({
      rank: 6,
      projectId: ids.B,
      title: '=HYPERLINK("http://x","点我")',
      unitId: story.world.units.general,
      unitName: '音乐学院党总支',
      category: 'vanguard',
      categoryLabel: { zh: '党员先锋工程', en: 'Member vanguard' },
      direction: 'member_platforms',
      state: 'rejected',
      stateLabel: { zh: '未获立项', en: 'Not approved' },
      reviewCount: 3,
      meanTotal: 71.67, // 215 / 3 = 71.666…
      meanScores: { direction: 14.67, innovation: 14.67, practicality: 14.33, breadth: 14, exemplarity: 14 },
      medianTotal: 68,
      minTotal: 60,
      maxTotal: 87,
      spread: 27,
      standardDeviation: 11.32, // √(((60−71.67)² + (68−71.67)² + (87−71.67)²) / 3)
      disagreement: true,
      allowedEvents: [], // rejected: nothing more to do
    });
    expect(items.get(ids.A)).toMatchObject({ meanTotal: 80, medianTotal: 80, spread: 10, standardDeviation: 4.08, disagreement: false, state: 'graded' });
    expect(items.get(ids.A)?.meanScores).toEqual({ direction: 16, innovation: 16, practicality: 16, breadth: 16, exemplarity: 16 });
    // C's spread is exactly the threshold (20): not a disagreement; G's (24) is.
    expect(items.get(ids.C)).toMatchObject({
      meanTotal: 80,
      medianTotal: 80,
      spread: 20,
      standardDeviation: 8.16,
      disagreement: false,
      unitName: '图书馆直属党支部',
      category: 'fortress',
    });
    expect(items.get(ids.G)).toMatchObject({ meanTotal: 76, medianTotal: 84, spread: 24, standardDeviation: 11.31, disagreement: true });
    expect(items.get(ids.H)).toMatchObject({ meanTotal: 76, medianTotal: 76, spread: 0, standardDeviation: 0, disagreement: false, state: 'failed' });
    // Two reviews (the round's minimum): an even count, the median is the mean of the middle two.
    expect(items.get(ids.E)).toMatchObject({
      reviewCount: 2,
      meanTotal: 52.5,
      medianTotal: 52.5,
      minTotal: 50,
      maxTotal: 55,
      spread: 5,
      standardDeviation: 2.5,
      state: 'rejected',
      stateLabel: { zh: '未获立项', en: 'Not approved' },
    });
  });

  it('gives each project the events the caller may fire on it now, as the project itself answers them', async () => {
    const { world } = story;
    let offered = 0;
    for (const user of [world.orgDept, world.committee, world.auditor]) {
      const items = (await get(reportUrl('rankings'), user)).body.items as RankingItem[];
      for (const item of items) {
        const project = await get(`/api/v1/projects/${item.projectId}`, user);
        expect(item.allowedEvents, `${item.projectId} for ${user.role}`).toEqual(project.body.allowedEvents);
        if (user.role === 'auditor') expect(item.allowedEvents).toEqual([]);
        offered += item.allowedEvents.length;
      }
    }
    // Some project of the story still waits for someone (org_dept's acceptance, the committee's grade).
    expect(offered).toBeGreaterThan(0);
  });

  it('never names a reviewer', async () => {
    const text = JSON.stringify((await get(reportUrl('rankings'))).body);
    for (const reviewer of story.world.reviewers) {
      expect(text).not.toContain(reviewer.id);
    }
    expect(text).not.toContain('评审意见');
  });

  it('is empty for a round without reviews', async () => {
    const other = await call(t.app, story.world.admin.token, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2024,
        title: '2024年度党建项目立项',
        documentNumber: '办字〔2024〕3号',
        submissionDeadline: '2024-03-29',
        finalAcceptanceDate: '2024-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        scoreScale: { min: 1, max: 10 },
      },
    });
    expect(other.status).toBe(201);
    const ranking = await get(reportUrl('rankings', other.body.id));
    expect(ranking.status).toBe(200);
    expect(ranking.body).toMatchObject({ scoreScale: { min: 1, max: 10 }, totalScale: { min: 5, max: 50 }, disagreementThreshold: 9, items: [] });
    const funding = await get(reportUrl('grades', other.body.id));
    expect(funding.body.total).toEqual({ count: 0, amount: 0 });
    expect(funding.body.byGrade.map((g: { count: number }) => g.count)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('acceptance list', () => {
  it('lists the projects under final acceptance with their latest final report, progress reports and returns', async () => {
    const response = await get(reportUrl('final-reports'));
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(1);
    const [item] = response.body.items;
    expect(item).toMatchObject({
      projectId: story.ids.C,
      title: '“书香党建”阅读推广',
      unitId: story.world.units.direct,
      unitName: '图书馆直属党支部',
      category: 'fortress',
      state: 'final_acceptance',
      stateLabel: { zh: '结项验收中', en: 'Under final acceptance' },
      leader: '“书香党建”阅读推广负责人',
      finalReport: { summary: '举办读书会六期，参与师生三百余人' },
      progressReports: [{ text: '已举办读书会两期' }],
      returns: [{ text: '请补充活动照片' }],
    });
    expect(item.finalReport.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('funding', () => {
  it('lists graded and failed projects by grade with integer amounts; failed is 0', async () => {
    const { ids, world } = story;
    const response = await get(reportUrl('grades'));
    expect(response.status).toBe(200);
    const body = response.body;
    const rows = body.items.map((row: FundingItem) => [row.projectId, row.grade, row.amount, row.recommended]);
    const firsts = [ids.A, ids.D].sort(); // same grade and unit: by id
    expect(rows).toEqual([
      [firsts[0], 'first', 3000, firsts[0] === ids.A],
      [firsts[1], 'first', 3000, firsts[1] === ids.A],
      [ids.G, 'qualified', 1000, false],
      [ids.H, 'failed', 0, false],
    ]);
    expect(body.items.find((row: FundingItem) => row.projectId === ids.H)).toMatchObject({ gradeLabel: { zh: '未通过结项', en: 'Failed final acceptance' }, state: 'failed' });
    expect(body.total).toEqual({ count: 4, amount: 7000 });
    expect(body.byGrade).toEqual([
      { grade: 'first', label: { zh: '一等奖', en: 'First prize' }, count: 2, amount: 6000 },
      { grade: 'second', label: { zh: '二等奖', en: 'Second prize' }, count: 0, amount: 0 },
      { grade: 'third', label: { zh: '三等奖', en: 'Third prize' }, count: 0, amount: 0 },
      { grade: 'qualified', label: { zh: '合格', en: 'Qualified' }, count: 1, amount: 1000 },
      { grade: 'failed', label: { zh: '未通过结项', en: 'Failed final acceptance' }, count: 1, amount: 0 },
    ]);
    // By unit name in Chinese collation: 声乐系 (sheng), 图书馆 (tu), 音乐学院 (yin).
    expect(body.byUnit).toEqual([
      { unitId: world.units.branch, unitName: '声乐系党支部', count: 2, amount: 6000 },
      { unitId: world.units.direct, unitName: '图书馆直属党支部', count: 1, amount: 0 },
      { unitId: world.units.general, unitName: '音乐学院党总支', count: 1, amount: 1000 },
    ]);
  });

  it('adds up: sum of rows = sum per unit = sum per grade = the round total, all integers', async () => {
    const body = (await get(reportUrl('grades'))).body;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const rows = sum(body.items.map((row: { amount: number }) => row.amount));
    const perUnit = sum(body.byUnit.map((unit: { amount: number }) => unit.amount));
    const perGrade = sum(body.byGrade.map((grade: { amount: number }) => grade.amount));
    expect([rows, perUnit, perGrade]).toEqual([body.total.amount, body.total.amount, body.total.amount]);
    expect(sum(body.byUnit.map((unit: { count: number }) => unit.count))).toBe(body.total.count);
    expect(sum(body.byGrade.map((grade: { count: number }) => grade.count))).toBe(body.total.count);
    expect(body.items).toHaveLength(body.total.count);
    for (const amount of [...body.items, ...body.byUnit, ...body.byGrade, body.total].map((x: { amount: number }) => x.amount)) {
      expect(Number.isInteger(amount)).toBe(true);
    }
  });
});

describe('who may read the reports', () => {
  const REPORTS = ['rankings', 'final-reports', 'grades', 'quota-units', 'exports/ranking', 'exports/approved?format=xlsx'];

  it('answers org_dept, the committee and auditors', async () => {
    const { world } = story;
    for (const report of REPORTS) {
      for (const user of [world.orgDept, world.committee, world.auditor]) {
        expect((await get(reportUrl(report), user)).status, `${report} by ${user.role}`).toBe(200);
      }
    }
  });

  it('refuses applicants, reviewers and the admin with a 403 problem', async () => {
    const { world } = story;
    for (const report of REPORTS) {
      for (const user of [world.applicant, world.parentApplicant, world.reviewers[0]!, world.conflictedReviewer, world.admin]) {
        const response = await get(reportUrl(report), user);
        expect(response.status, `${report} by ${user.role}`).toBe(403);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:forbidden', status: 403, allowedRoles: ['org_dept', 'committee', 'auditor'] });
      }
    }
  });

  it('answers 401 without a token and 404 for an unknown round, as problems', async () => {
    for (const report of REPORTS) {
      const anonymous = await call(t.app, null, { method: 'GET', url: reportUrl(report) });
      expect(anonymous.status).toBe(401);
      const missing = await get(reportUrl(report, '01870d4f-3a00-7b1c-8e2a-000000000000'));
      expect(missing.status, report).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ type: 'urn:lixiang:problem:not-found', status: 404 });
      expect(missing.body.detail).toContain('01870d4f-3a00-7b1c-8e2a-000000000000');
    }
  });
});
