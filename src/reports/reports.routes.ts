import { Type } from 'typebox';
import type { Clock } from '../clock.js';
import { preferredMediaType } from '../http/media-type.js';
import { Problem } from '../http/problems.js';
import { EXAMPLE } from '../http/examples.js';
import { IdParams, json, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { contentDisposition } from '../http/content-disposition.js';
import { CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, renderExport, renderPublishedList } from './exports.js';
import { HTML_MEDIA_TYPE, renderPublishedListHtml } from './published-list-html.js';
import { PUBLISHED_LIST_EXAMPLE, PUBLISHED_LIST_EXAMPLES, PublishedListQuery, PublishedListSchema, type PublishedListFormat } from './published-list.schemas.js';
import {
  COMPLIANCE_EXAMPLES,
  ComplianceSchema,
  EXPORT_FORMATS,
  EXPORT_REPORTS,
  FINAL_REPORTS_EXAMPLES,
  FUNDING_EXAMPLES,
  FinalReportsSchema,
  FundingSchema,
  RANKING_EXAMPLES,
  RankingSchema,
  type ExportFormat,
  type RankingEntry,
} from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';
import { principalOf } from '../plugins/auth.js';
import type { ProjectsService } from '../projects/projects.service.js';

/** The organisation department, the party committee and the auditors read every report. */
export const REPORT_READERS = ['org_dept', 'committee', 'auditor'] as const;

const ExportParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: '立项批次标识 / The round’s id', examples: [EXAMPLE.roundId] }),
    report: Type.Enum(EXPORT_REPORTS, {
      description: '报表 / The report: approved 立项名单, ranking 评审排名, grades 结项等级与经费',
      examples: ['ranking'],
    }),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(EXPORT_FORMATS, {
        description: '文件格式；不给时按 Accept 协商（默认 CSV）/ File format; when absent, negotiated on Accept (CSV by default)',
        examples: ['xlsx'],
      }),
    ),
  },
  { additionalProperties: false },
);

const FORMAT_OF_MEDIA_TYPE: Record<string, ExportFormat> = { [CSV_MEDIA_TYPE]: 'csv', [XLSX_MEDIA_TYPE]: 'xlsx' };

const JSON_MEDIA_TYPE = 'application/json';
const PUBLISHED_LIST_FORMAT_OF: Record<string, PublishedListFormat> = {
  [JSON_MEDIA_TYPE]: 'json',
  [HTML_MEDIA_TYPE]: 'html',
  [CSV_MEDIA_TYPE]: 'csv',
  [XLSX_MEDIA_TYPE]: 'xlsx',
};

const PUBLISHED_CSV_EXAMPLE =
  '\uFEFF序号,项目名称,申报单位,类别,方向,发文字号,发文日期\r\n' +
  '1,“红色旋律”党员先锋岗,声乐系党支部,党员先锋工程,党员作用发挥平台（先锋岗、责任区、志愿服务队）,党委〔2023〕12号,2023-04-20\r\n';

const CSV_EXAMPLE =
  '\uFEFF排名,项目名称,申报单位,类别,状态,评审份数,平均总分,先进性（平均）,创新性（平均）,实践性（平均）,广泛性（平均）,典型性（平均）,总分中位数,极差,标准差,分歧较大\r\n' +
  '1,“红色旋律”党员先锋岗,声乐系党支部,党员先锋工程,评审完成（待党委研究）,3,80.33,16.67,16.00,17.00,15.00,15.67,80.00,7,2.87,否\r\n';

const ROUND_READ_NOTE =
  '组织部、党委与审计人员可查看；申报人与评审人 403。批次不存在时 404。\n' +
  'For org_dept, committee and auditors; applicants and reviewers get 403. 404 when the round does not exist.';

export async function reportsRoutes(app: App, { reports, projects, clock }: { reports: ReportsService; projects: ProjectsService; clock: Clock }) {
  app.get(
    '/rounds/:id/rankings',
    {
      config: { roles: REPORT_READERS },
      schema: {
        operationId: 'getRoundRanking',
        tags: ['reports'],
        summary: '批次评审排名 / The panel ranking of a round',
        description: [
          '批次中至少有一份评审意见的每个项目（不论当前状态），及其评审汇总：份数、平均总分、五项标准各自的平均分、总分中位数、最低与最高总分、极差、总体标准差。',
          '平均分是精确值四舍五入到两位小数。排序：平均总分（精确比较）降序，再按中位数降序，再按项目标识；平均总分与中位数都相同的项目并列同一名次，其后名次顺延（1, 2, 2, 4）。',
          '`disagreement`（分歧较大）：极差大于总分范围的 20%，即 (scoreMax−scoreMin)×5×20%，恰为一项标准的分值范围（0–20 分制时为 20 分）。',
          '只给汇总，从不列出评审人或单份分数。',
          '',
          'Every project of the round with at least one review (whatever its state now), with its reviews aggregated: count, mean total, mean of each',
          'of the five criteria, median total, lowest and highest total, spread and population standard deviation. Means are exact, rounded half up to',
          '2 decimals. Order: mean total descending (compared exactly), then median descending, then project id; projects equal on both mean and',
          'median share a rank and the next rank skips (1, 2, 2, 4). `disagreement`: the spread exceeds 20% of the total range,',
          '(scoreMax − scoreMin) × 5 × 0.2, which is one criterion’s range (20 points on a 0–20 scale), also given as `disagreementThreshold`.',
          'Aggregates only: never who scored what.',
          '每项附调用者此刻可对该项目触发的事件（allowedEvents）/ Each item carries the events the caller may fire on the project now (allowedEvents).',
          '',
          ROUND_READ_NOTE,
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(RankingSchema), '评审排名 / The ranking', RANKING_EXAMPLES),
          ...problems('not-found'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return reports.ranking(request.params.id, (projectId) => projects.allowedEventsOf(principal, projectId) as RankingEntry['allowedEvents']);
    },
  );

  app.get(
    '/rounds/:id/final-reports',
    {
      config: { roles: REPORT_READERS },
      schema: {
        operationId: 'listRoundFinalReports',
        tags: ['reports'],
        summary: '结项验收清单 / The acceptance list of a round',
        description: [
          '处于“结项验收中”的项目，及其最近一次提交的结项报告（成果总结与提交时间）、实施中的全部进展报告，以及此前被退回的结项报告意见。',
          '按类别、申报单位名称、项目标识排列。',
          '',
          'The projects under final acceptance, each with its latest final report (summary and when), every progress report it sent while in',
          'progress, and the comments of earlier returns of its final report; by category, then unit name, then project id.',
          '',
          ROUND_READ_NOTE,
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(FinalReportsSchema), '结项验收清单 / The acceptance list', FINAL_REPORTS_EXAMPLES),
          ...problems('not-found'),
        },
      },
    },
    async (request) => reports.finalReports(request.params.id),
  );

  app.get(
    '/rounds/:id/grades',
    {
      config: { roles: REPORT_READERS },
      schema: {
        operationId: 'getRoundFunding',
        tags: ['reports'],
        summary: '结项等级与经费 / Grades and funding of a round',
        description: [
          '已评定等级（graded）与未通过结项（failed，经费 0）的项目，及其等级与经费（元，整数）；合计：整个批次、按项目的申报单位、按等级（五个等级都列出，含 0）。',
          '各单位之和与各等级之和都等于批次合计。项目按等级（一等奖、二等奖、三等奖、合格、未通过）、申报单位名称排列。',
          '',
          'The graded projects and the failed ones (funding 0), with grade and funding in whole yuan; totals for the whole round, per applicant unit',
          'of the project and per grade (all five listed, zeros included). The per-unit sums and the per-grade sums both equal the round total.',
          'Projects by grade (first, second, third, qualified, failed), then unit name.',
          '',
          ROUND_READ_NOTE,
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(FundingSchema), '等级与经费 / Grades and funding', FUNDING_EXAMPLES),
          ...problems('not-found'),
        },
      },
    },
    async (request) => reports.funding(request.params.id),
  );

  app.get(
    '/rounds/:id/quota-units',
    {
      config: { roles: REPORT_READERS },
      schema: {
        operationId: 'getRoundCompliance',
        tags: ['reports'],
        summary: '申报完成情况 / Quota compliance of a round',
        description: [
          '机关党委、每个党总支和每个直属党支部每批次至少申报一个项目。列出尚未申报的（`missing`）与已申报的及计入项目数（`complied`），任何时候都可查看（截止前也可）。',
          '计入规则：项目离开草稿即计入，除“草稿”与“已撤回”外的任何状态都算（退回修改回到草稿的不算，撤回的不算，未获立项的算）；',
          '党支部的项目计入其上级中最近的须申报党组织（通常是所属党总支）。',
          '',
          'The organ committee, every general branch and every direct branch must each submit at least one project per round. Lists those without',
          'one (`missing`) and those with, with the projects counted (`complied`); available at any time, before the deadline too.',
          'Rule: a project counts once it left draft, in every state but draft and withdrawn (one returned for revision to draft does not count,',
          'a withdrawn one does not, a rejected one does). A branch’s project counts for the nearest quota unit above it (normally its general branch).',
          '',
          ROUND_READ_NOTE,
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(ComplianceSchema), '申报完成情况 / Quota compliance', COMPLIANCE_EXAMPLES),
          ...problems('not-found'),
        },
      },
    },
    async (request) => reports.compliance(request.params.id),
  );

  app.get(
    '/rounds/:id/exports/:report',
    {
      config: { roles: REPORT_READERS },
      schema: {
        operationId: 'exportRoundReport',
        tags: ['reports'],
        summary: '导出报表（CSV / XLSX）/ Export a report as CSV or XLSX',
        description: [
          '以附件下载一份报表：`approved` 立项名单（党委批准立项的项目：党委批准立项、实施中、结项验收中、已评定等级、未通过结项；按类别、评审排名、申报单位排列），',
          '`ranking` 评审排名（含五项标准的平均分，按名次），`grades` 结项等级与经费（按等级、申报单位，末行为合计）。',
          '格式由 `format` 决定；不给时按 `Accept` 协商（`text/csv` 或 XLSX，默认 CSV），都不可接受时 406。',
          'CSV：UTF-8 带 BOM（Excel 可直接打开中文）、RFC 4180 引号规则、CRLF 换行；以 = + - @ 开头的文本单元格前加单引号，防止公式注入。',
          'XLSX：一个工作表，表头加粗并冻结，列宽适应内容。文件名见 `Content-Disposition`（`filename*` 为 RFC 5987 编码的中文名）。',
          '立项名单公布后，`approved` 带上发文字号与发文日期：XLSX 在表头上方加标题行（通知标题、文号与发文日期），CSV 在每行末尾加“发文字号”“发文日期”两列（仍为一行表头、每行一条记录）。',
          '',
          'Downloads a report as an attachment: `approved`, the approved list (projects that passed APPROVE: committee_approved, in_progress,',
          'final_acceptance, graded, failed; by category, then panel rank, then unit); `ranking`, the panel ranking with the mean of each criterion',
          '(by rank); `grades`, grades and funding (by grade, then unit; the last row is the total).',
          'The format is `format`; without it, it is negotiated on `Accept` (`text/csv` or XLSX, CSV by default), 406 when neither is acceptable.',
          'CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), RFC 4180 quoting, CRLF line ends; a text cell starting with = + - @ (or a tab',
          'or carriage return) is prefixed with a single quote against formula injection. XLSX: one worksheet, bold frozen header row, fitted column',
          'widths. `Content-Disposition` names the file, with the Chinese name as RFC 5987 `filename*`. Headers are in Chinese.',
          'Once the list is published, `approved` carries the document number and date: XLSX as title rows above the header (the notice’s heading,',
          'then 文号 and 发文日期), CSV as two last columns 发文字号 and 发文日期 on every row (still one header row and one record per line).',
          '',
          ROUND_READ_NOTE,
        ].join('\n'),
        params: ExportParams,
        querystring: ExportQuery,
        response: {
          200: {
            description: '报表文件 / The report file',
            headers: {
              'Content-Disposition': {
                type: 'string',
                description: '附件及文件名 / Attachment and file name, e.g. attachment; filename="round-2023-ranking.csv"; filename*=UTF-8\'\'…',
              },
            },
            content: {
              [CSV_MEDIA_TYPE]: {
                schema: Type.String({ description: 'CSV（UTF-8 带 BOM，CRLF）/ CSV, UTF-8 with BOM, CRLF' }),
                examples: { ranking: { summary: '评审排名（一行）/ The ranking, one row', value: CSV_EXAMPLE } },
              },
              [XLSX_MEDIA_TYPE]: {
                schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'XLSX 工作簿 / An XLSX workbook' }),
              },
            },
          },
          ...problems('not-found', 'not-acceptable'),
        },
      },
    },
    async (request, reply) => {
      const round = reports.round(request.params.id);
      reply.header('Vary', 'Accept');
      let format = request.query.format;
      if (!format) {
        const type = preferredMediaType(request.headers.accept, [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE]);
        if (type === null) {
          throw new Problem(
            'not-acceptable',
            `可提供 ${CSV_MEDIA_TYPE} 或 ${XLSX_MEDIA_TYPE}，或用 format 参数 / Acceptable: ${CSV_MEDIA_TYPE} or ${XLSX_MEDIA_TYPE}, or pass format`,
          );
        }
        format = FORMAT_OF_MEDIA_TYPE[type]!;
      }
      const file = await renderExport(reports, round, request.params.report, format, new Date(clock.now()));
      return reply.type(file.mediaType).header('Content-Disposition', contentDisposition(file.fileName, file.asciiName)).send(file.content);
    },
  );
  app.get(
    '/rounds/:id/published-list',
    {
      schema: {
        operationId: 'getPublishedList',
        tags: ['reports'],
        summary: '已公布的立项名单（可打印）/ The published approved list, printable',
        description: [
          '立项名单公布（PUBLISH_LIST）后，所有登录用户（批次涉及全校各党组织）都可查看：批次名称与年度、发文字号、发文日期、盖章名单的文件标识与 SHA-256（如已上传），',
          '以及立项项目（公布时启动的项目及其后续状态：实施中、结项验收中、已评定等级、未通过结项）的名称、申报单位、类别与方向；不含分数与评审人。',
          '按类别、申报单位、项目名称排列。公布前对任何人都答 409（code `list_not_published`）。',
          '`format`（或按 `Accept` 协商，默认 JSON）：`html` 为可直接打印的通知页（A4，标题如「关于公布2023年度党建项目立项名单的通知」，含文号、发文日期与',
          '序号/项目名称/申报单位/类别/方向表格；内嵌样式、无脚本，所有文字已转义）；`csv`、`xlsx` 为表格（XLSX 表头上方为标题、文号与发文日期；CSV 每行末尾为发文字号、发文日期两列）。',
          '',
          'Once the list is published (PUBLISH_LIST), every authenticated user (every unit of the institution takes part in the round) reads it: the round’s',
          'title and year, the document number and date, the signed list’s id and SHA-256 when one was uploaded, and the approved projects (started by the',
          'publication, and every later state: in_progress, final_acceptance, graded, failed) with title, unit, category and direction; no scores, no reviewers.',
          'By category, then unit, then title. Before the publication: 409 (code `list_not_published`) for everyone.',
          '`format` (or `Accept`, JSON by default): `html` a printable notice (A4, headed like 关于公布2023年度党建项目立项名单的通知, with the document number',
          'and date and a table 序号/项目名称/申报单位/类别/方向; inline style, no script, every text escaped); `csv` and `xlsx` a spreadsheet (XLSX with the',
          'heading, number and date as title rows above the header; CSV with 发文字号 and 发文日期 as the two last columns of every row). 406 when no offered type is acceptable.',
        ].join('\n'),
        params: IdParams,
        querystring: PublishedListQuery,
        response: {
          200: {
            description: '已公布的立项名单 / The published list',
            headers: {
              'Content-Disposition': { type: 'string', description: '附件及文件名（仅 CSV、XLSX）/ Attachment and file name (CSV and XLSX only)' },
            },
            content: {
              [JSON_MEDIA_TYPE]: { schema: ref(PublishedListSchema), examples: PUBLISHED_LIST_EXAMPLES },
              [HTML_MEDIA_TYPE]: {
                schema: Type.String({ description: '可打印的 HTML 通知页 / A printable HTML notice' }),
                examples: { notice: { summary: '通知页 / The notice', value: renderPublishedListHtml(PUBLISHED_LIST_EXAMPLE) } },
              },
              [CSV_MEDIA_TYPE]: {
                schema: Type.String({ description: 'CSV（UTF-8 带 BOM，CRLF）/ CSV, UTF-8 with BOM, CRLF' }),
                examples: { list: { summary: '立项名单（一行）/ The list, one row', value: PUBLISHED_CSV_EXAMPLE } },
              },
              [XLSX_MEDIA_TYPE]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'XLSX 工作簿 / An XLSX workbook' }) },
            },
          },
          ...problems('not-found', 'not-acceptable', 'conflict'),
        },
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Accept');
      let format = request.query.format;
      if (!format) {
        const type = preferredMediaType(request.headers.accept, [JSON_MEDIA_TYPE, HTML_MEDIA_TYPE, CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE]);
        if (type === null) {
          throw new Problem(
            'not-acceptable',
            `可提供 JSON、HTML、CSV 或 XLSX，或用 format 参数 / Acceptable: ${JSON_MEDIA_TYPE}, ${HTML_MEDIA_TYPE}, ${CSV_MEDIA_TYPE} or ${XLSX_MEDIA_TYPE}, or pass format`,
          );
        }
        format = PUBLISHED_LIST_FORMAT_OF[type]!;
      }
      const list = reports.publishedList(request.params.id);
      switch (format) {
        case 'json':
          return list;
        case 'html':
          return reply.type(`${HTML_MEDIA_TYPE}; charset=utf-8`).send(renderPublishedListHtml(list));
        case 'csv':
        case 'xlsx': {
          const file = await renderPublishedList(list, format, new Date(clock.now()));
          return reply.type(file.mediaType).header('Content-Disposition', contentDisposition(file.fileName, file.asciiName)).send(file.content);
        }
      }
    },
  );
}
