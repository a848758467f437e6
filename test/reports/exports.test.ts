/**
 * The exports as the organisation department opens them: CSV (BOM, CRLF, RFC 4180, no formula
 * injection) read back with an RFC 4180 reader, XLSX read back with exceljs; rows, headers, order,
 * file names and content negotiation.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { contentDisposition } from '../../src/http/content-disposition.js';
import { csvField, toCsv } from '../../src/reports/exports.js';
import { roundedRatio } from '../../src/reports/reports.service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { buildStory, parseCsv, type Story } from './round-story.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let t: TestApp;
let story: Story;

beforeAll(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  story = await buildStory(t.app);
}, 60_000);

afterAll(async () => {
  await t.close();
});

async function download(report: string, query = '', headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'GET',
    url: `/api/v1/rounds/${story.world.roundId}/exports/${report}${query}`,
    headers: { authorization: `Bearer ${story.world.committee.token}`, ...headers },
  });
}

async function csv(report: string): Promise<string[][]> {
  const response = await download(report, '?format=csv');
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
  const bytes = response.rawPayload;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replaceAll('\r\n', '')).not.toContain('\n'); // CRLF only (no field of the story holds a line break)
  return parseCsv(text);
}

async function xlsx(report: string): Promise<{ sheet: ExcelJS.Worksheet; rows: unknown[][] }> {
  const response = await download(report, '?format=xlsx');
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe(XLSX);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  expect(workbook.worksheets).toHaveLength(1);
  const sheet = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return { sheet, rows };
}

describe('ranking export', () => {
  it('is the ranking with per-criterion means, in rank order, injection neutralised', async () => {
    const { ids } = story;
    const records = await csv('ranking');
    expect(records[0]).toEqual([
      '排名',
      '项目名称',
      '申报单位',
      '类别',
      '状态',
      '评审份数',
      '平均总分',
      '先进性（平均）',
      '创新性（平均）',
      '实践性（平均）',
      '广泛性（平均）',
      '典型性（平均）',
      '总分中位数',
      '极差',
      '标准差',
      '分歧较大',
    ]);
    const rows = records.slice(1);
    expect(rows.map((row) => row[0])).toEqual(['1', '1', '3', '4', '5', '6', '7']);
    const b = rows.find((row) => row[0] === '6')!;
    // The title starts with "=": prefixed with a quote, and quoted because it holds quotes and commas.
    expect(b).toEqual([
      '6',
      `'=HYPERLINK("http://x","点我")`,
      '音乐学院党总支',
      '党员先锋工程',
      '未获立项',
      '3',
      '71.67',
      '14.67',
      '14.67',
      '14.33',
      '14.00',
      '14.00',
      '68.00',
      '27',
      '11.32',
      '是',
    ]);
    const ranking = (
      await t.app.inject({ method: 'GET', url: `/api/v1/rounds/${story.world.roundId}/rankings`, headers: { authorization: `Bearer ${story.world.auditor.token}` } })
    ).json();
    expect(rows.map((row) => row[1])).toEqual(ranking.items.map((item: { title: string }) => (item.title.startsWith('=') ? `'${item.title}` : item.title)));
    expect(ranking.items[0].projectId === ids.A || ranking.items[0].projectId === ids.C).toBe(true);
  });

  it('as XLSX: one sheet, bold frozen header, numbers as numbers, text kept as text', async () => {
    const { sheet, rows } = await xlsx('ranking');
    expect(sheet.name).toBe('评审排名');
    expect(rows[0]![0]).toBe('排名');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).font?.bold).not.toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(rows).toHaveLength(8);
    const b = rows.find((row) => row[0] === 6)!;
    expect(b.slice(0, 7)).toEqual([6, '=HYPERLINK("http://x","点我")', '音乐学院党总支', '党员先锋工程', '未获立项', 3, 71.67]);
    // A string cell, not a formula: Excel shows it, it does not run it.
    const cell = sheet.getRow(rows.indexOf(b) + 1).getCell(2);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    for (const column of sheet.columns) expect(column.width).toBeGreaterThanOrEqual(8);
    // The title column is wider than the rank column.
    expect(sheet.getColumn(2).width!).toBeGreaterThan(sheet.getColumn(1).width!);
  });
});

describe('approved list export', () => {
  it('holds the projects that passed APPROVE, by category, then rank, then unit', async () => {
    const records = await csv('approved');
    // The story's list is published: every row carries the document's number and date.
    expect(records[0]).toEqual(['序号', '类别', '项目名称', '申报单位', '项目负责人', '评审排名', '平均总分', '状态', '批准会议', '发文字号', '发文日期']);
    const rows = records.slice(1);
    expect(rows.map((row) => [row[0], row[1], row[2], row[5], row[7]])).toEqual([
      ['1', '堡垒巩固工程', '“书香党建”阅读推广', '1', '结项验收中'],
      ['2', '堡垒巩固工程', '“乐动青春”志愿服务队, 第二期', '4', '已评定等级'],
      ['3', '党员先锋工程', '“红色旋律”党员先锋岗', '1', '已评定等级'],
      ['4', '党员先锋工程', '“红色旋律”党员先锋岗', '3', '已评定等级'],
      ['5', '党员先锋工程', '书香“悦”读', '5', '未通过结项'],
    ]);
    expect(rows[0]!.slice(0, 9)).toEqual([
      '1',
      '堡垒巩固工程',
      '“书香党建”阅读推广',
      '图书馆直属党支部',
      '“书香党建”阅读推广负责人',
      '1',
      '80.00',
      '结项验收中',
      '党委会〔2023〕5次',
    ]);
    expect(new Set(rows.map((row) => `${row[9]} ${row[10]}`))).toEqual(new Set(['党委〔2023〕12号 2023-03-30']));
    // Neither the projects the committee rejected, nor the one returned at the check.
    expect(rows).toHaveLength(5);
  });

  it('as XLSX has the same rows', async () => {
    const fromCsv = (await csv('approved')).slice(1);
    const { rows } = await xlsx('approved');
    // Above the header: the notice's heading, then the document's number and date.
    const header = rows.findIndex((row) => row[0] === '序号');
    expect(rows.slice(0, header).map((row) => row[0])).toEqual(['关于公布2023年度党建项目立项名单的通知', '文号：党委〔2023〕12号\u3000发文日期：2023年3月30日']);
    expect(rows.slice(header + 1).map((row) => [row[0], row[2], row[5], row[6]])).toEqual(fromCsv.map((row) => [Number(row[0]), row[2], Number(row[5]), Number(row[6])]));
  });
});

describe('grades export', () => {
  it('lists grades and funding from first to failed, then the total', async () => {
    const records = await csv('grades');
    expect(records[0]).toEqual(['序号', '项目名称', '申报单位', '类别', '等级', '经费（元）', '择优推荐']);
    const rows = records.slice(1, -1);
    expect(rows.map((row) => [row[2], row[4], row[5]])).toEqual([
      ['声乐系党支部', '一等奖', '3000'],
      ['声乐系党支部', '一等奖', '3000'],
      ['音乐学院党总支', '合格', '1000'],
      ['图书馆直属党支部', '未通过结项', '0'],
    ]);
    expect(rows.map((row) => row[6]).filter((x) => x === '是')).toHaveLength(1);
    expect(records.at(-1)).toEqual(['', '合计', '', '', '4 项', '7000', '']);
    expect(rows.reduce((sum, row) => sum + Number(row[5]), 0)).toBe(7000);
  });

  it('as XLSX ends with a bold SUM row whose cached result is the total', async () => {
    const { sheet, rows } = await xlsx('grades');
    expect(sheet.name).toBe('结项等级与经费');
    expect(rows.slice(1, -1).map((row) => row[5])).toEqual([3000, 3000, 1000, 0]);
    const total = sheet.getRow(rows.length).getCell(6);
    expect(total.value).toEqual({ formula: 'SUM(F2:F5)', result: 7000 });
    expect(sheet.getRow(rows.length).getCell(2).font?.bold).toBe(true);
    expect(sheet.getColumn(6).numFmt).toBe('#,##0');
  });
});

describe('the download', () => {
  it('names the file in ASCII and, RFC 5987, in Chinese', async () => {
    const response = await download('grades', '?format=xlsx');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="round-2023-grades.xlsx"; filename*=UTF-8''${encodeURIComponent('2023年度党建项目立项-结项等级与经费.xlsx')}`,
    );
    expect(contentDisposition("它's (1)*.csv", 'a.csv')).toBe(`attachment; filename="a.csv"; filename*=UTF-8''%E5%AE%83%27s%20%281%29%2A.csv`);
  });

  it('negotiates on Accept without format: CSV by default, XLSX when asked, 406 when neither', async () => {
    expect((await download('ranking')).headers['content-type']).toMatch(/^text\/csv/);
    expect((await download('ranking', '', { accept: 'text/html,*/*;q=0.8' })).headers['content-type']).toMatch(/^text\/csv/);
    expect((await download('ranking', '', { accept: XLSX })).headers['content-type']).toBe(XLSX);
    const refused = await download('ranking', '', { accept: 'application/json' });
    expect(refused.statusCode).toBe(406);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ type: 'urn:lixiang:problem:not-acceptable' });
    // An explicit format wins over Accept.
    expect((await download('ranking', '?format=xlsx', { accept: 'text/csv' })).headers['content-type']).toBe(XLSX);
    expect((await download('ranking')).headers.vary).toContain('Accept');
  });

  it('refuses an unknown report or format with a 400 problem', async () => {
    for (const [report, query] of [
      ['budget', ''],
      ['ranking', '?format=pdf'],
      ['ranking', '?format=csv&extra=1'],
    ] as const) {
      const response = await download(report, query);
      expect(response.statusCode, `${report}${query}`).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('CSV fields and rounding', () => {
  it('neutralises formula starts and quotes per RFC 4180', () => {
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('+86 024')).toBe("'+86 024");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=a,"b"')).toBe(`"'=a,""b"""`);
    expect(csvField(-5, 'integer')).toBe('-5');
    expect(csvField(7.5, 'decimal')).toBe('7.50');
    expect(csvField(null)).toBe('');
    const bytes = toCsv({ sheetName: 's', columns: [{ header: '名', kind: 'text' }], rows: [['一\n二']] });
    expect(bytes.toString('utf8')).toBe('\uFEFF名\r\n"一\n二"\r\n');
    expect(parseCsv(bytes.subarray(3).toString('utf8'))).toEqual([['名'], ['一\n二']]);
  });

  it('rounds means half up to 2 decimals exactly', () => {
    expect(roundedRatio(215, 3)).toBe(71.67);
    expect(roundedRatio(241, 3)).toBe(80.33);
    expect(roundedRatio(1, 8)).toBe(0.13); // 0.125
    expect(roundedRatio(105, 2)).toBe(52.5);
    expect(roundedRatio(200, 3)).toBe(66.67);
    expect(roundedRatio(0, 4)).toBe(0);
  });
});
