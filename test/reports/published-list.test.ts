/**
 * The published approved list (GET /rounds/{id}/published-list) over HTTP, the round driven in order
 * with the gates on: 409 list_not_published for everyone before PUBLISH_LIST; afterwards every role
 * reads the same list (no scores, no reviewers, the rejected project absent), as JSON, as a
 * printable HTML notice (escaped, no script) and as CSV / XLSX carrying the document number and
 * date; the approved-list export gains them too.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { SCRIPT_TITLE, driveToDecided, publishList, type DecidedRound } from '../helpers/decided-round.js';
import { minimalPdf, multipartBody } from '../helpers/files.js';
import { logLength } from '../helpers/log-entries.js';
import { createWorld, type User, type World } from '../helpers/world.js';
import { parseCsv } from './round-story.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADING = '关于公布2023年度党建项目立项名单的通知';

let t: TestApp;
let world: World;
let decided: DecidedRound;

beforeEach(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES, enforceRoundGates: true });
  world = await createWorld(t.app);
  decided = await driveToDecided(world, t.clock);
});
afterEach(async () => {
  await t.close();
});

const everyone = (): User[] => [
  world.applicant,
  world.otherApplicant,
  world.parentApplicant,
  decided.libraryApplicant,
  world.reviewers[0]!,
  world.orgDept,
  world.committee,
  world.auditor,
  world.admin,
];

const get = (user: User, query = '', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/api/v1/rounds/${world.roundId}/published-list${query}`, headers: { authorization: `Bearer ${user.token}`, ...headers } });

async function uploadSigned(note: string): Promise<{ id: string; sha256: string }> {
  const body = multipartBody([{ name: 'file', filename: '立项名单（盖章）.pdf', content: minimalPdf(note) }]);
  const response = await call(t.app, world.orgDept.token, {
    method: 'POST',
    url: `/api/v1/rounds/${world.roundId}/documents?kind=approved_list`,
    payload: body.payload,
    headers: body.headers,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** The titles in the order of the list: fortress first, then by unit (Chinese collation), then title. */
const ORDER = ['“党建+专业”融合工程', '乐韵党课', '琴房先锋岗', SCRIPT_TITLE];

describe('the published list', () => {
  it('is refused to everyone before PUBLISH_LIST, in every format, and the export has no document yet', async () => {
    for (const user of everyone()) {
      for (const query of ['', '?format=html', '?format=csv', '?format=xlsx']) {
        const response = await get(user, query);
        expect(response.statusCode, `${user.role} ${query}`).toBe(409);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.json()).toMatchObject({ type: 'urn:lixiang:problem:conflict', code: 'list_not_published', roundId: world.roundId, state: 'decided' });
      }
    }
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/rounds/nope/published-list', headers: { authorization: `Bearer ${world.applicant.token}` } });
    expect(unknown.statusCode).toBe(404);
    const exported = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/exports/approved?format=csv` });
    expect(parseCsv(String(exported.body).replace(/^\uFEFF/, ''))[0]).not.toContain('发文字号');
  });

  it('is read by every role after publication: the approved projects, by category, unit and title, no scores', async () => {
    await uploadSigned('first');
    const signed = await uploadSigned('second');
    await publishList(world, t.clock);
    const before = logLength(t.db.$client);
    let first: unknown;
    for (const user of everyone()) {
      const response = await get(user);
      expect(response.statusCode, user.role).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      first ??= response.json();
      expect(response.json()).toEqual(first);
    }
    const list = first as { items: Array<Record<string, unknown>> } & Record<string, unknown>;
    expect(list).toMatchObject({
      round: { id: world.roundId, title: '2023年度党建项目立项', year: 2023 },
      documentNumber: '党委〔2023〕12号',
      publishedOn: '2023-04-20',
      signedDocument: { fileId: signed.id, sha256: signed.sha256 },
      total: 4,
    });
    expect(list.items.map((item) => item.title)).toEqual(ORDER);
    expect(list.items[0]).toEqual({
      projectId: decided.ids.fortress,
      title: '“党建+专业”融合工程',
      unitId: world.units.general,
      unitName: '音乐学院党总支',
      category: 'fortress',
      categoryLabel: { zh: '堡垒巩固工程', en: 'Fortress consolidation' },
      direction: 'integration',
      directionLabel: { zh: '融合互促', en: 'Integration and mutual promotion' },
    });
    expect(list.items[3]).toMatchObject({ unitName: '图书馆直属党支部', category: 'vanguard', directionLabel: { zh: '党员作用发挥平台（先锋岗、责任区、志愿服务队）' } });
    expect(JSON.stringify(list)).not.toMatch(/score|review|meanTotal|rank/i);
    expect(list.items.map((item) => item.projectId)).not.toContain(decided.ids.rejected);
    // Reading writes nothing.
    expect(logLength(t.db.$client)).toBe(before);
  });

  it('prints as a self-contained HTML notice, every text escaped, on format=html and on Accept: text/html', async () => {
    await publishList(world, t.clock);
    const byFormat = await get(world.applicant, '?format=html');
    const byAccept = await get(decided.libraryApplicant, '', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    for (const response of [byFormat, byAccept]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'"); // no inline script runs
      expect(response.body).toBe(byFormat.body);
    }
    const html = byFormat.body;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // The page carries its own policy: its inline style and nothing else.
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;;`);
    expect(html).toContain(`<h1>${HEADING}</h1>`);
    expect(html).toContain('文号：党委〔2023〕12号');
    expect(html).toContain('发文日期：2023年4月20日');
    expect(html).toContain('<th scope="col">序号</th><th scope="col">项目名称</th><th scope="col">申报单位</th><th scope="col">类别</th><th scope="col">方向</th>');
    expect(html).toContain('@media print');
    expect(html).toContain('size: A4');
    // The title with a script and an ampersand is text, never markup; the page has no script at all.
    expect(html).toContain('&lt;script&gt;alert(&quot;书香&quot;)&lt;/script&gt; &amp; 读书会');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=|javascript:|<link|src=/i);
    const titles = [...html.matchAll(/<tr><td class="number">(\d+)<\/td><td>([^<]*)<\/td>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(titles).toEqual(ORDER.map((title, i) => [i + 1, title.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')]));
    expect(html).toContain('共 4 项');
    // Without a signed document the page names none.
    expect(html).not.toContain('SHA-256');
  });

  it('exports as CSV and XLSX carrying the document number and date, and so does the approved-list export', async () => {
    await publishList(world, t.clock, '党委〔2023〕12号', '2023-04-20');
    const csv = await get(world.applicant, '?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers['content-disposition']).toContain('round-2023-published-list.csv');
    const records = parseCsv(csv.rawPayload.subarray(3).toString('utf8'));
    expect(records[0]).toEqual(['序号', '项目名称', '申报单位', '类别', '方向', '发文字号', '发文日期']);
    expect(records.slice(1).map((r) => r[1])).toEqual(ORDER);
    expect(records[4]).toEqual(['4', SCRIPT_TITLE, '图书馆直属党支部', '党员先锋工程', '党员作用发挥平台（先锋岗、责任区、志愿服务队）', '党委〔2023〕12号', '2023-04-20']);

    const xlsx = await get(world.reviewers[0]!, '', { accept: XLSX });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const rows = await sheetRows(xlsx.rawPayload);
    // The heading and the document line are merged across the table's width.
    expect(rows[1]).toEqual(Array(5).fill(HEADING));
    expect(rows[2]).toEqual(Array(5).fill('文号：党委〔2023〕12号　发文日期：2023年4月20日'));
    expect(rows[4]).toEqual(['序号', '项目名称', '申报单位', '类别', '方向']);
    expect([5, 6, 7, 8].map((n) => rows[n]![1])).toEqual(ORDER);

    // The approved-list export of the organisation department: the same document.
    const approvedCsv = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/exports/approved?format=csv` });
    const approved = parseCsv(String(approvedCsv.body).replace(/^\uFEFF/, ''));
    expect(approved[0]!.slice(-2)).toEqual(['发文字号', '发文日期']);
    expect(approved.slice(1).every((r) => r.slice(-2).join() === '党委〔2023〕12号,2023-04-20')).toBe(true);
    expect(approved).toHaveLength(5);
    const approvedXlsx = await t.app.inject({
      method: 'GET',
      url: `/api/v1/rounds/${world.roundId}/exports/approved?format=xlsx`,
      headers: { authorization: `Bearer ${world.committee.token}` },
    });
    const approvedRows = await sheetRows(approvedXlsx.rawPayload);
    expect(approvedRows[1]![0]).toBe(HEADING);
    expect(approvedRows[2]![0]).toBe('文号：党委〔2023〕12号　发文日期：2023年4月20日');
    expect(approvedRows[4]![0]).toBe('序号');
    expect(
      Object.keys(approvedRows)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 4, 5, 6, 7, 8]);

    // 406 when nothing offered is acceptable.
    const refused = await get(world.applicant, '', { accept: 'image/png' });
    expect(refused.statusCode).toBe(406);
    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
  });
});

/** The non-empty rows of the only worksheet, by row number, cells from column A. */
async function sheetRows(payload: Buffer): Promise<Record<number, unknown[]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ArrayBuffer);
  expect(workbook.worksheets).toHaveLength(1);
  const rows: Record<number, unknown[]> = {};
  workbook.worksheets[0]!.eachRow((row, number) => {
    rows[number] = (row.values as unknown[]).slice(1).filter((cell, i, all) => cell !== undefined || i < all.length - 1);
  });
  return rows;
}
