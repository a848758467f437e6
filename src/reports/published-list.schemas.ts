/**
 * The published approved list (立项名单) as every unit of the round reads it: the round, the
 * committee's document number and date, the signed document, and the approved projects with their
 * units, categories and directions; never scores or reviewers.
 */
import { Type, type Static } from 'typebox';
import type { ProjectState } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { CalendarDate, Id, LabelSchema, ref, type Example } from '../http/schemas.js';
import { CATEGORY_NAMES } from '../projects/categories.js';

/**
 * The states of a project on the published list: started by PUBLISH_LIST (in_progress) and every
 * state reached from there. A rejected or withdrawn project is never on it.
 */
export const PUBLISHED_STATES = ['in_progress', 'final_acceptance', 'graded', 'failed'] as const satisfies readonly ProjectState[];

/** The formats of GET /rounds/{id}/published-list besides JSON. */
export const PUBLISHED_LIST_FORMATS = ['json', 'html', 'csv', 'xlsx'] as const;
export type PublishedListFormat = (typeof PUBLISHED_LIST_FORMATS)[number];

export const PublishedListQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(PUBLISHED_LIST_FORMATS, {
        description:
          '表示形式；不给时按 Accept 协商（默认 JSON）：html 可打印的通知页，csv / xlsx 表格 / Representation; when absent, negotiated on Accept (JSON by default): html a printable notice, csv / xlsx a spreadsheet',
        examples: ['html'],
      }),
    ),
  },
  { additionalProperties: false },
);

const Sha256 = Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$', description: '内容的 SHA-256 / SHA-256 of the content', examples: [EXAMPLE.fileSha256] });

export const PublishedProjectSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    title: Type.String({ minLength: 1, description: '项目名称 / Title', examples: ['“红色旋律”党员先锋岗'] }),
    unitId: Id('申报单位 / The applicant unit', EXAMPLE.branchId),
    unitName: Type.String({ minLength: 1, description: '申报单位名称 / Name of the applicant unit', examples: ['声乐系党支部'] }),
    category: Type.Enum(CATEGORY_NAMES, { description: '类别 / Category: fortress 堡垒巩固工程, vanguard 党员先锋工程' }),
    categoryLabel: ref(LabelSchema),
    direction: Type.String({ minLength: 1, description: '方向 / Direction', examples: ['member_platforms'] }),
    directionLabel: ref(LabelSchema),
  },
  { additionalProperties: false, description: '名单上的一个项目（不含分数与评审人）/ A project of the list (no scores, no reviewers)' },
);

export const PublishedListSchema = Type.Object(
  {
    round: Type.Object(
      {
        id: Id('立项批次 / Round id', EXAMPLE.roundId),
        title: Type.String({ minLength: 1, description: '批次名称 / The round’s title', examples: ['2023年度党建项目立项'] }),
        year: Type.Integer({ description: '年度 / Year', examples: [2023] }),
      },
      { additionalProperties: false },
    ),
    documentNumber: Type.String({ minLength: 1, description: '党委发文字号 / The committee document’s number', examples: ['党委〔2023〕12号'] }),
    publishedOn: { ...CalendarDate, description: '发文日期 / Date of the document', examples: ['2023-04-20'] },
    signedDocument: Type.Union(
      [
        Type.Object(
          {
            fileId: Id('文件标识，见 GET /rounds/{id}/documents/{fileId}/content / Document id, downloaded at GET /rounds/{id}/documents/{fileId}/content', EXAMPLE.fileId),
            sha256: Sha256,
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '最近上传的盖章名单（PDF）；未上传时为 null / The latest signed list uploaded (PDF); null when none was' },
    ),
    items: Type.Array(PublishedProjectSchema, { description: '立项项目，按类别、申报单位、项目名称 / The approved projects, by category, then unit, then title' }),
    total: Type.Integer({ minimum: 0, description: '项目数 / How many', examples: [1] }),
  },
  { $id: 'PublishedList', additionalProperties: false, description: '已公布的立项名单 / The published approved list' },
);
export type PublishedList = Static<typeof PublishedListSchema>;
export type PublishedProject = PublishedList['items'][number];

export const PUBLISHED_LIST_EXAMPLE: PublishedList = {
  round: { id: EXAMPLE.roundId, title: '2023年度党建项目立项', year: 2023 },
  documentNumber: '党委〔2023〕12号',
  publishedOn: '2023-04-20',
  signedDocument: { fileId: EXAMPLE.fileId, sha256: EXAMPLE.fileSha256 },
  items: [
    {
      projectId: EXAMPLE.projectId,
      title: '“红色旋律”党员先锋岗',
      unitId: EXAMPLE.branchId,
      unitName: '声乐系党支部',
      category: 'vanguard',
      categoryLabel: { zh: '党员先锋工程', en: 'Member vanguard' },
      direction: 'member_platforms',
      directionLabel: { zh: '党员作用发挥平台（先锋岗、责任区、志愿服务队）', en: 'Platforms for members (vanguard posts, responsibility zones, volunteer teams)' },
    },
  ],
  total: 1,
};

export const PUBLISHED_LIST_EXAMPLES: Record<string, Example<PublishedList>> = {
  published: { summary: '2023 年度立项名单（一项）/ The 2023 list, one project', value: PUBLISHED_LIST_EXAMPLE },
};

export const PUBLISHED_LIST_SCHEMAS = [PublishedListSchema];
