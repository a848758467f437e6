/**
 * The spreadsheets the organisation department keeps today, made from the reports: the approved
 * list, the panel ranking and the grades with funding, each as CSV or XLSX.
 *
 * CSV: UTF-8 with a byte-order mark (Excel then reads Chinese correctly), RFC 4180 quoting, CRLF
 * line ends, one header row. A text cell starting with = + - @, a tab or a carriage return is
 * prefixed with a single quote so that no spreadsheet runs it as a formula (CSV injection);
 * numbers are never altered. XLSX (exceljs): one worksheet, a bold and frozen header row, column
 * widths fitted to the content; text is stored as text, which no spreadsheet evaluates. exceljs is
 * loaded on the first XLSX asked for, not at start-up (it takes most of a second to load).
 *
 * A table of a published list carries its document: in XLSX as title rows above the header (the
 * notice's heading, then 文号 and 发文日期), in CSV as two last columns 发文字号 and 发文日期 on
 * every row, so that the file stays one header row and one record per line for any CSV reader.
 */
import { CRITERIA } from '../../machines/project.types.js';
import { CRITERION_LABELS } from '../../machines/project.machine.js';
import type { ExportFormat, ExportReport } from './reports.schemas.js';
import type { RoundHeader } from './reports.repository.js';
import type { ReportsService } from './reports.service.js';
import type { PublishedList } from './published-list.schemas.js';

export type Cell = string | number | null;

export interface Column {
  header: string;
  /** text as is; integer and decimal are numbers (decimal shown with 2 places); yuan an integer amount. */
  kind: 'text' | 'integer' | 'decimal' | 'yuan';
}

export interface Table {
  sheetName: string;
  columns: Column[];
  rows: Cell[][];
  /** A closing row (the total), bold in XLSX; its yuan cells become a SUM formula there. */
  footer?: Cell[];
  /** The published document the table belongs to: XLSX title rows, CSV columns 发文字号 / 发文日期. */
  document?: TableDocument;
}

export interface TableDocument {
  /** The notice's heading, e.g. 关于公布2023年度党建项目立项名单的通知. */
  heading: string;
  documentNumber: string;
  /** YYYY-MM-DD. */
  publishedOn: string;
}

/** 关于公布<round title>名单的通知, as the committee's notice is headed. */
export function noticeHeading(roundTitle: string): string {
  const title = roundTitle.trim();
  return `关于公布${title.endsWith('立项') ? title : `${title}立项`}名单的通知`;
}

/** 2023-04-20 → 2023年4月20日. */
export function chineseDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${year}年${month}月${day}日`;
}

/** The columns a CSV of a published list gains. */
const CSV_DOCUMENT_HEADERS = ['发文字号', '发文日期'];

export interface RenderedExport {
  content: Buffer;
  mediaType: string;
  /** ASCII-only name for `filename=`, and the Chinese name for `filename*=`. */
  asciiName: string;
  fileName: string;
}

export const CSV_MEDIA_TYPE = 'text/csv';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MEDIA_TYPES: Record<ExportFormat, string> = { csv: CSV_MEDIA_TYPE, xlsx: XLSX_MEDIA_TYPE };

const REPORT_NAMES: Record<ExportReport, string> = { approved: '立项名单', ranking: '评审排名', grades: '结项等级与经费' };

const yesNo = (value: boolean) => (value ? '是' : '否');

/** The table of one report of a round. */
export function buildTable(service: ReportsService, roundId: string, report: ExportReport): Table {
  switch (report) {
    case 'approved': {
      const rows = service.approved(roundId);
      const publication = service.publication(roundId);
      const round = service.round(roundId);
      return {
        sheetName: REPORT_NAMES.approved,
        ...(publication ? { document: { heading: noticeHeading(round.title), ...publication } } : {}),
        columns: [
          { header: '序号', kind: 'integer' },
          { header: '类别', kind: 'text' },
          { header: '项目名称', kind: 'text' },
          { header: '申报单位', kind: 'text' },
          { header: '项目负责人', kind: 'text' },
          { header: '评审排名', kind: 'integer' },
          { header: '平均总分', kind: 'decimal' },
          { header: '状态', kind: 'text' },
          { header: '批准会议', kind: 'text' },
        ],
        rows: rows.map((row, index) => [
          index + 1,
          row.project.categoryLabel.zh,
          row.project.title,
          row.project.unitName,
          row.leader,
          row.rank,
          row.meanTotal,
          row.project.stateLabel.zh,
          row.meetingReference,
        ]),
      };
    }
    case 'ranking': {
      const ranking = service.ranking(roundId);
      return {
        sheetName: REPORT_NAMES.ranking,
        columns: [
          { header: '排名', kind: 'integer' },
          { header: '项目名称', kind: 'text' },
          { header: '申报单位', kind: 'text' },
          { header: '类别', kind: 'text' },
          { header: '状态', kind: 'text' },
          { header: '评审份数', kind: 'integer' },
          { header: '平均总分', kind: 'decimal' },
          ...CRITERIA.map((c) => ({ header: `${CRITERION_LABELS[c].zh}（平均）`, kind: 'decimal' as const })),
          { header: '总分中位数', kind: 'decimal' },
          { header: '极差', kind: 'integer' },
          { header: '标准差', kind: 'decimal' },
          { header: '分歧较大', kind: 'text' },
        ],
        rows: ranking.items.map((item) => [
          item.rank,
          item.title,
          item.unitName,
          item.categoryLabel.zh,
          item.stateLabel.zh,
          item.reviewCount,
          item.meanTotal,
          ...CRITERIA.map((c) => item.meanScores[c]),
          item.medianTotal,
          item.spread,
          item.standardDeviation,
          yesNo(item.disagreement),
        ]),
      };
    }
    case 'grades': {
      const funding = service.funding(roundId);
      return {
        sheetName: REPORT_NAMES.grades,
        columns: [
          { header: '序号', kind: 'integer' },
          { header: '项目名称', kind: 'text' },
          { header: '申报单位', kind: 'text' },
          { header: '类别', kind: 'text' },
          { header: '等级', kind: 'text' },
          { header: '经费（元）', kind: 'yuan' },
          { header: '择优推荐', kind: 'text' },
        ],
        rows: funding.items.map((row, index) => [index + 1, row.title, row.unitName, row.categoryLabel.zh, row.gradeLabel.zh, row.amount, yesNo(row.recommended)]),
        footer: [null, '合计', null, null, `${funding.total.count} 项`, funding.total.amount, null],
      };
    }
  }
}

// --- CSV

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: neutralised if it could start a formula, quoted (RFC 4180) when it must be. */
export function csvField(cell: Cell, kind: Column['kind'] = 'text'): string {
  if (cell === null) return '';
  let text: string;
  if (typeof cell === 'number') text = kind === 'decimal' ? cell.toFixed(2) : String(cell);
  else text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(table: Table): Buffer {
  const document = table.document;
  const trailing: Cell[] = document ? [document.documentNumber, document.publishedOn] : [];
  const line = (cells: readonly Cell[]) => [...cells.map((cell, i) => csvField(cell, table.columns[i]?.kind)), ...trailing.map((cell) => csvField(cell))].join(',');
  const header = [...table.columns.map((c) => csvField(c.header)), ...(document ? CSV_DOCUMENT_HEADERS : [])].join(',');
  const lines = [header, ...table.rows.map(line), ...(table.footer ? [line(table.footer)] : [])];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

// --- XLSX

/** Display width in character cells: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return width;
}

const NUMBER_FORMATS: Record<Column['kind'], string | undefined> = { text: undefined, integer: '0', decimal: '0.00', yuan: '#,##0' };

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export async function toXlsx(table: Table, created: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'lixiang';
  workbook.created = created;
  workbook.modified = created;
  // A published list's title rows: the heading, the document's number and date, a blank row.
  const titleRows = table.document ? 3 : 0;
  const sheet = workbook.addWorksheet(table.sheetName, { views: [{ state: 'frozen', ySplit: titleRows + 1 }] });
  const all = [...table.rows, ...(table.footer ? [table.footer] : [])];
  sheet.columns = table.columns.map((column, i) => {
    const cells = all.map((row) => {
      const cell = row[i];
      if (cell === null || cell === undefined) return '';
      return typeof cell === 'number' && column.kind === 'decimal' ? cell.toFixed(2) : String(cell);
    });
    const width = Math.min(60, Math.max(8, ...[column.header, ...cells].map(displayWidth)) + 2);
    const numFmt = NUMBER_FORMATS[column.kind];
    return { header: column.header, key: `c${i}`, width, ...(numFmt ? { style: { numFmt } } : {}) };
  });
  if (table.document) {
    // Inserted above the header row that `columns` wrote; the columns' widths and formats stay.
    const { heading, documentNumber, publishedOn } = table.document;
    sheet.spliceRows(1, 0, [heading], [`文号：${documentNumber}\u3000发文日期：${chineseDate(publishedOn)}`], []);
    const last = columnLetter(table.columns.length - 1);
    sheet.mergeCells(`A1:${last}1`);
    sheet.mergeCells(`A2:${last}2`);
    sheet.getRow(1).font = { bold: true, size: 16 };
    sheet.getRow(1).alignment = { horizontal: 'center' };
    sheet.getRow(2).alignment = { horizontal: 'center' };
  }
  sheet.getRow(titleRows + 1).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((cell) => cell ?? undefined));
  if (table.footer) {
    const first = titleRows + 2;
    const last = titleRows + table.rows.length + 1;
    const footer = sheet.addRow(
      table.footer.map((cell, i) =>
        table.columns[i]?.kind === 'yuan' && typeof cell === 'number'
          ? { formula: table.rows.length > 0 ? `SUM(${columnLetter(i)}${first}:${columnLetter(i)}${last})` : '0', result: cell }
          : (cell ?? undefined),
      ),
    );
    footer.font = { bold: true };
  }
  const written = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(written) ? written : Buffer.from(written);
}

// --- The file

/** A file name without path separators, control or reserved characters. */
function safeName(name: string): string {
  return (
    name
      .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_')
      .trim()
      .slice(0, 120) || 'export'
  );
}

/** A table as a CSV or XLSX file named `<asciiBase>.<format>` and `<round title>-<name>.<format>`. */
export async function renderTable(table: Table, format: ExportFormat, now: Date, names: { asciiBase: string; title: string; name: string }): Promise<RenderedExport> {
  const content = format === 'csv' ? toCsv(table) : await toXlsx(table, now);
  return {
    content,
    mediaType: format === 'csv' ? `${CSV_MEDIA_TYPE}; charset=utf-8; header=present` : XLSX_MEDIA_TYPE,
    asciiName: `${names.asciiBase}.${format}`,
    fileName: safeName(`${names.title}-${names.name}.${format}`),
  };
}

export async function renderExport(service: ReportsService, round: RoundHeader, report: ExportReport, format: ExportFormat, now: Date): Promise<RenderedExport> {
  return renderTable(buildTable(service, round.id, report), format, now, { asciiBase: `round-${round.year}-${report}`, title: round.title, name: REPORT_NAMES[report] });
}

/** The published list as a table: 序号, 项目名称, 申报单位, 类别, 方向, with its document. */
export function publishedListTable(list: PublishedList): Table {
  return {
    sheetName: '立项名单',
    columns: [
      { header: '序号', kind: 'integer' },
      { header: '项目名称', kind: 'text' },
      { header: '申报单位', kind: 'text' },
      { header: '类别', kind: 'text' },
      { header: '方向', kind: 'text' },
    ],
    rows: list.items.map((item, index) => [index + 1, item.title, item.unitName, item.categoryLabel.zh, item.directionLabel.zh]),
    document: { heading: noticeHeading(list.round.title), documentNumber: list.documentNumber, publishedOn: list.publishedOn },
  };
}

export function renderPublishedList(list: PublishedList, format: ExportFormat, now: Date): Promise<RenderedExport> {
  return renderTable(publishedListTable(list), format, now, { asciiBase: `round-${list.round.year}-published-list`, title: list.round.title, name: '立项名单' });
}
