/**
 * Shapes of the organisation department's round reports: the panel ranking, the acceptance list
 * (final reports awaiting acceptance), grades and funding with their totals, and quota compliance.
 * All are reads over one round; none reveals who scored what.
 */
import { Type, type Static } from 'typebox';
import { CRITERION_LABELS, GRADE_LABELS } from '../../machines/project.machine.js';
import { CRITERIA, EVENT_TYPES, GRADES, STATES, type Criterion, type Label, type ProjectState } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { CalendarDate, Id, LabelSchema, Timestamp, ref, type Example } from '../http/schemas.js';
import { CATEGORY_NAMES } from '../projects/categories.js';

/** The grades of the funding report: the four of GRADE, and `failed` for FAIL (funding 0). */
export const FUNDING_GRADES = [...GRADES, 'failed'] as const;
export type FundingGrade = (typeof FUNDING_GRADES)[number];

export const FUNDING_GRADE_LABELS: Record<FundingGrade, Label> = {
  ...GRADE_LABELS,
  failed: { zh: '未通过结项', en: 'Failed final acceptance' },
};

/** The unit types that must each submit at least one project per round. */
export const QUOTA_UNIT_TYPES = ['organ_committee', 'general_branch', 'direct_branch'] as const;
export type QuotaUnitType = (typeof QUOTA_UNIT_TYPES)[number];

export const UNIT_TYPE_LABELS: Record<QuotaUnitType | 'branch', Label> = {
  organ_committee: { zh: '机关党委', en: 'Organ party committee' },
  general_branch: { zh: '党总支', en: 'General party branch' },
  direct_branch: { zh: '直属党支部', en: 'Directly affiliated branch' },
  branch: { zh: '党支部', en: 'Party branch' },
};

/** The states in which a project counts as submitted for the quota: it left draft and was not withdrawn. */
export const COUNTED_STATES = STATES.filter((state): state is Exclude<ProjectState, 'draft' | 'withdrawn'> => state !== 'draft' && state !== 'withdrawn');

/** The states of a project the committee approved (it passed APPROVE). */
export const APPROVED_STATES = ['committee_approved', 'in_progress', 'final_acceptance', 'graded', 'failed'] as const satisfies readonly ProjectState[];

/** The exports: the approved list, the panel ranking, the grades with funding. */
export const EXPORT_REPORTS = ['approved', 'ranking', 'grades'] as const;
export type ExportReport = (typeof EXPORT_REPORTS)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const STATE_EXAMPLE = { state: 'panel_reviewed' as const, stateLabel: { zh: '评审完成（待党委研究）', en: 'Panel reviewed (awaiting the party committee)' } };
const OTHER_PROJECT_ID = '01871a2b-7000-7b3c-9d4e-5f6a7b8c9d08';
const ORGAN_ID = '01870d4f-2b00-7d10-8a20-3b4c5d6e7f09';
const DIRECT_ID = '01870d4f-2e00-7e20-9b30-4c5d6e7f8a10';

// Fields every project row of a report shares.
const projectFields = {
  projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
  title: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
  unitId: Id('申报党组织 / The applicant unit', EXAMPLE.branchId),
  unitName: Type.String({ minLength: 1, description: '申报党组织名称 / Name of the applicant unit', examples: ['声乐系党支部'] }),
  category: Type.Enum(CATEGORY_NAMES, { description: '类别 / Category: fortress 堡垒巩固工程, vanguard 党员先锋工程' }),
  categoryLabel: ref(LabelSchema),
  direction: Type.String({ minLength: 1, description: '方向（标签见 GET /api/v1/machine）/ Direction (labels: GET /api/v1/machine)', examples: ['member_platforms'] }),
  state: Type.Enum(STATES, { description: '生命周期状态 / Lifecycle state' }),
  stateLabel: ref(LabelSchema),
};

const Score = (description: string, example: number) => Type.Number({ minimum: 0, description, examples: [example] });

const MeanScoresSchema = Type.Object(
  Object.fromEntries(CRITERIA.map((c) => [c, Score(`${CRITERION_LABELS[c].zh}平均分 / Mean ${CRITERION_LABELS[c].en} score (2 decimals)`, 15.33)])) as Record<
    Criterion,
    ReturnType<typeof Type.Number>
  >,
  { additionalProperties: false, description: '五项标准各自的平均分，保留两位小数 / Mean of each criterion, rounded half up to 2 decimals' },
);

const ScaleSchema = (description: string, min: number, max: number) =>
  Type.Object(
    {
      min: Type.Integer({ minimum: 0, description: '最低 / Lowest', examples: [min] }),
      max: Type.Integer({ minimum: 1, description: '最高 / Highest', examples: [max] }),
    },
    { additionalProperties: false, description },
  );

export const RankingEntrySchema = Type.Object(
  {
    rank: Type.Integer({
      minimum: 1,
      description:
        '名次（从 1 起）；平均总分与中位数都相同的项目并列，其后名次顺延（1, 2, 2, 4）/ 1-based rank; projects equal on both mean and median total share a rank, and the next rank skips (1, 2, 2, 4)',
      examples: [1],
    }),
    ...projectFields,
    reviewCount: Type.Integer({ minimum: 1, description: '评审份数 / Number of reviews', examples: [3] }),
    meanTotal: Score('平均总分，保留两位小数 / Mean total, rounded half up to 2 decimals', 77.33),
    meanScores: MeanScoresSchema,
    medianTotal: Score('总分中位数（偶数份时取中间两份的平均）/ Median total (mean of the middle two for an even count)', 77),
    minTotal: Type.Integer({ minimum: 0, description: '最低总分 / Lowest total', examples: [70] }),
    maxTotal: Type.Integer({ minimum: 0, description: '最高总分 / Highest total', examples: [85] }),
    spread: Type.Integer({ minimum: 0, description: '极差：最高总分减最低总分 / Spread: highest total minus lowest', examples: [15] }),
    standardDeviation: Score('总分的总体标准差，保留两位小数 / Population standard deviation of the totals, 2 decimals', 6.13),
    disagreement: Type.Boolean({
      description: '评审意见分歧较大：极差大于 disagreementThreshold / Reviewers disagree strongly: the spread exceeds disagreementThreshold',
      examples: [false],
    }),
    allowedEvents: Type.Array(Type.Enum(EVENT_TYPES, { description: '事件类型 / Event type' }), {
      description:
        '调用者此刻可对该项目触发的事件（条件仍可能拒绝），与 GET /projects/{id} 的 allowedEvents 相同 / Events the caller may fire on the project now (a guard may still refuse), as GET /projects/{id} answers them',
      examples: [['APPROVE', 'REJECT']],
    }),
  },
  { additionalProperties: false, description: '排名中的一个项目及其评审汇总（不含评审人）/ A ranked project with its reviews aggregated (no reviewer identities)' },
);
export type RankingEntry = Static<typeof RankingEntrySchema>;

export const RankingSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    scoreScale: ScaleSchema('每项标准的分值范围 / Range of each criterion', 0, 20),
    totalScale: ScaleSchema('总分范围（五项之和）/ Range of the total (five criteria)', 0, 100),
    disagreementThreshold: Type.Integer({
      minimum: 0,
      description: '分歧阈值：总分范围的 20%，即 (max−min)×5×20% = 每项分值范围 / The disagreement threshold: 20% of the total range, (max−min)×5×0.2, i.e. one criterion’s range',
      examples: [20],
    }),
    minReviews: Type.Integer({ minimum: 1, description: '批次要求的最少评审份数 / The round’s minimum reviews per project', examples: [3] }),
    items: Type.Array(RankingEntrySchema, { description: '按名次排列的项目 / The projects in rank order' }),
  },
  { $id: 'RoundRanking', additionalProperties: false, description: '批次的评审排名 / The panel ranking of a round' },
);
export type Ranking = Static<typeof RankingSchema>;

const ReportTextSchema = (text: string, textDescription: string, atDescription: string) =>
  Type.Object(
    {
      text: Type.String({ minLength: 1, description: textDescription, examples: [text] }),
      at: { ...Timestamp, description: atDescription, examples: [EXAMPLE.submittedAt] },
    },
    { additionalProperties: false },
  );

export const FinalReportEntrySchema = Type.Object(
  {
    ...projectFields,
    leader: Type.Union([Type.String({ minLength: 1, examples: ['王书记'] }), Type.Null()], { description: '项目负责人（责任书）/ Leader, from the letter' }),
    finalReport: Type.Object(
      {
        summary: Type.String({
          minLength: 1,
          description: '成果总结（SUBMIT_FINAL_REPORT）/ Summary of outcomes (SUBMIT_FINAL_REPORT)',
          examples: ['完成全部活动，举办汇报音乐会'],
        }),
        submittedAt: { ...Timestamp, description: '提交时间 / When it was submitted', examples: [EXAMPLE.submittedAt] },
        documents: Type.Array(
          Type.Object(
            {
              fileId: Id('文件标识（下载：GET /api/v1/projects/{id}/files/{fileId}）/ File id (download: GET /api/v1/projects/{id}/files/{fileId})', EXAMPLE.fileId),
              fileName: Type.String({ minLength: 1, description: '文件名 / File name', examples: ['结项总结.pdf'] }),
              mediaType: Type.String({ minLength: 1, description: '按内容识别的类型 / Type detected from the content', examples: ['application/pdf'] }),
              size: Type.Integer({ minimum: 1, description: '字节数 / Bytes', examples: [48213] }),
              sha256: Type.String({
                minLength: 64,
                maxLength: 64,
                description: '结项报告日志条目中记录的 SHA-256 / The SHA-256 the report’s log entry recorded',
                examples: [EXAMPLE.fileSha256],
              }),
            },
            { additionalProperties: false },
          ),
          { description: '结项报告附带的文件 / The documents the final report named' },
        ),
      },
      { additionalProperties: false, description: '最近一次提交的结项报告 / The latest final report' },
    ),
    progressReports: Type.Array(ReportTextSchema('已完成主题党日两次', '进展报告 / Progress report', '提交时间 / When it was submitted'), {
      description: '实施中提交的进展报告，按时间排列 / Progress reports, oldest first',
    }),
    returns: Type.Array(ReportTextSchema('请补充活动照片', '退回意见 / What was asked for', '退回时间 / When it was returned'), {
      description: '此前被退回的结项报告及意见，按时间排列 / Earlier returns of the final report with their comments, oldest first',
    }),
  },
  { additionalProperties: false, description: '结项验收中的一个项目及其结项报告 / A project under final acceptance with its final report' },
);
export type FinalReportEntry = Static<typeof FinalReportEntrySchema>;

export const FinalReportsSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    items: Type.Array(FinalReportEntrySchema, { description: '按类别、申报单位排列 / By category, then unit name' }),
  },
  { $id: 'RoundFinalReports', additionalProperties: false, description: '批次的结项验收清单 / The acceptance list of a round' },
);
export type FinalReports = Static<typeof FinalReportsSchema>;

const Yuan = (description: string, example: number) => Type.Integer({ minimum: 0, description: `${description}（元，整数）/ whole yuan`, examples: [example] });
const Count = (description: string, example: number) => Type.Integer({ minimum: 0, description, examples: [example] });
const FundingGradeSchema = Type.Enum(FUNDING_GRADES, {
  description: '等级 / Grade: first 一等奖, second 二等奖, third 三等奖, qualified 合格, failed 未通过结项',
});

export const FundingRowSchema = Type.Object(
  {
    ...projectFields,
    grade: FundingGradeSchema,
    gradeLabel: ref(LabelSchema),
    amount: Yuan('经费 / Funding', 3000),
    recommended: Type.Boolean({ description: '是否已择优推荐 / Recommended upward', examples: [true] }),
  },
  { additionalProperties: false, description: '已评定等级或未通过结项的项目 / A graded or failed project' },
);
export type FundingRow = Static<typeof FundingRowSchema>;

const TotalSchema = Type.Object(
  { count: Count('项目数 / Projects', 2), amount: Yuan('经费合计 / Funding', 3000) },
  { additionalProperties: false, description: '整个批次的项目数与经费合计 / Projects and funding of the whole round' },
);

export const FundingSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    items: Type.Array(FundingRowSchema, { description: '按等级（一等奖至未通过）、申报单位排列 / By grade (first to failed), then unit name' }),
    total: TotalSchema,
    byUnit: Type.Array(
      Type.Object(
        {
          unitId: Id('申报党组织 / The applicant unit', EXAMPLE.branchId),
          unitName: Type.String({ minLength: 1, description: '名称 / Name', examples: ['声乐系党支部'] }),
          count: Count('项目数 / Projects', 1),
          amount: Yuan('经费合计 / Funding', 3000),
        },
        { additionalProperties: false },
      ),
      { description: '按项目的申报单位汇总（只列有项目的单位，按名称排列）/ Per applicant unit of the project (units with projects only, by name)' },
    ),
    byGrade: Type.Array(
      Type.Object(
        { grade: FundingGradeSchema, label: ref(LabelSchema), count: Count('项目数 / Projects', 1), amount: Yuan('经费合计 / Funding', 3000) },
        { additionalProperties: false },
      ),
      { description: '按等级汇总，五个等级都列出（含 0）/ Per grade, all five always listed (zeros included)' },
    ),
  },
  {
    $id: 'RoundFunding',
    additionalProperties: false,
    description: '批次的结项等级与经费；各单位之和 = 各等级之和 = total / Grades and funding of a round; the per-unit sums and the per-grade sums both equal the total',
  },
);
export type Funding = Static<typeof FundingSchema>;

const QuotaUnitType = Type.Enum(QUOTA_UNIT_TYPES, {
  description: '党组织类型 / Unit type: organ_committee 机关党委, general_branch 党总支, direct_branch 直属党支部',
});

const quotaUnitFields = {
  unitId: Id('党组织标识 / Unit id', EXAMPLE.generalBranchId),
  name: Type.String({ minLength: 1, description: '名称 / Name', examples: ['音乐学院党总支'] }),
  type: QuotaUnitType,
  typeLabel: ref(LabelSchema),
  extendedUntil: Type.Union([CalendarDate, Type.Null()], {
    description: '延期申报至（该党组织或其下级党支部准予的最晚延期），无延期为 null / The latest extension granted to the unit or a branch below it; null without one',
    examples: ['2023-04-05'],
  }),
};

export const ComplianceSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    countedStates: Type.Array(Type.Enum(STATES), {
      description: '计为“已申报”的项目状态：除草稿与已撤回外的全部状态 / The states that count as submitted: every state but draft and withdrawn',
    }),
    quotaUnits: Count('须申报的党组织数（在用的）/ Active units under the quota', 4),
    complete: Type.Boolean({ description: '是否所有须申报的党组织都已申报 / Whether every unit under the quota has submitted', examples: [false] }),
    missing: Type.Array(Type.Object(quotaUnitFields, { additionalProperties: false }), {
      description: '尚未申报的党组织，按类型、名称排列 / Units under the quota without a submitted project, by type then name',
    }),
    complied: Type.Array(
      Type.Object(
        { ...quotaUnitFields, projects: Type.Integer({ minimum: 1, description: '计入的项目数（含下属党支部的）/ Projects counted, its branches’ included', examples: [2] }) },
        { additionalProperties: false },
      ),
      { description: '已申报的党组织及计入的项目数，按类型、名称排列 / Units that have submitted, with their count, by type then name' },
    ),
  },
  {
    $id: 'RoundCompliance',
    additionalProperties: false,
    description:
      '批次的申报完成情况（每个机关党委、党总支、直属党支部至少一项）/ Quota compliance of a round: at least one project per organ committee, general branch and direct branch',
  },
);
export type Compliance = Static<typeof ComplianceSchema>;

export const REPORT_SCHEMAS = [RankingSchema, FinalReportsSchema, FundingSchema, ComplianceSchema];

// --- Examples: the story of src/http/examples.ts, the 2023 round.

const VOCAL = { unitId: EXAMPLE.branchId, unitName: '声乐系党支部' };
const LIBRARY = { unitId: DIRECT_ID, unitName: '图书馆直属党支部' };
const VANGUARD = { category: 'vanguard' as const, categoryLabel: { zh: '党员先锋工程', en: 'Member vanguard' }, direction: 'member_platforms' };
const FORTRESS = { category: 'fortress' as const, categoryLabel: { zh: '堡垒巩固工程', en: 'Fortress consolidation' }, direction: 'foundation' };

export const RANKING_EXAMPLE: Ranking = {
  roundId: EXAMPLE.roundId,
  scoreScale: { min: 0, max: 20 },
  totalScale: { min: 0, max: 100 },
  disagreementThreshold: 20,
  minReviews: 3,
  items: [
    {
      rank: 1,
      projectId: EXAMPLE.projectId,
      title: '“红色旋律”党员先锋岗',
      ...VOCAL,
      ...VANGUARD,
      ...STATE_EXAMPLE,
      reviewCount: 3,
      meanTotal: 80.33,
      meanScores: { direction: 16.67, innovation: 16, practicality: 17, breadth: 15, exemplarity: 15.67 },
      medianTotal: 80,
      minTotal: 77,
      maxTotal: 84,
      spread: 7,
      standardDeviation: 2.87,
      disagreement: false,
      allowedEvents: ['APPROVE', 'REJECT'],
    },
    {
      rank: 2,
      projectId: OTHER_PROJECT_ID,
      title: '“书香党建”阅读推广',
      ...LIBRARY,
      ...FORTRESS,
      ...STATE_EXAMPLE,
      reviewCount: 3,
      meanTotal: 71.67,
      meanScores: { direction: 14.67, innovation: 14, practicality: 15, breadth: 14.33, exemplarity: 13.67 },
      medianTotal: 68,
      minTotal: 60,
      maxTotal: 87,
      spread: 27,
      standardDeviation: 11.32,
      disagreement: true,
      allowedEvents: ['APPROVE', 'REJECT'],
    },
  ],
};

export const RANKING_EXAMPLES: Record<string, Example<Ranking>> = {
  ranking: { summary: '两个项目，其一评审分歧较大 / Two projects, one with strongly diverging reviews', value: RANKING_EXAMPLE },
};

export const FINAL_REPORTS_EXAMPLES: Record<string, Example<FinalReports>> = {
  acceptance: {
    summary: '一个待验收的项目 / One project awaiting acceptance',
    value: {
      roundId: EXAMPLE.roundId,
      items: [
        {
          projectId: EXAMPLE.projectId,
          title: '“红色旋律”党员先锋岗',
          ...VOCAL,
          ...VANGUARD,
          state: 'final_acceptance',
          stateLabel: { zh: '结项验收中', en: 'Under final acceptance' },
          leader: '王书记',
          finalReport: {
            summary: '完成全部活动，举办汇报音乐会',
            submittedAt: '2023-12-01T02:00:00.000Z',
            documents: [{ fileId: EXAMPLE.fileId, fileName: '结项总结.pdf', mediaType: 'application/pdf', size: 48213, sha256: EXAMPLE.fileSha256 }],
          },
          progressReports: [{ text: '已完成主题党日两次', at: '2023-07-01T02:00:00.000Z' }],
          returns: [{ text: '请补充活动照片', at: '2023-11-20T02:00:00.000Z' }],
        },
      ],
    },
  },
};

const GRADED = { state: 'graded' as const, stateLabel: { zh: '已评定等级', en: 'Graded' } };
const FAILED = { state: 'failed' as const, stateLabel: { zh: '未通过结项', en: 'Failed final acceptance' } };

export const FUNDING_EXAMPLES: Record<string, Example<Funding>> = {
  funding: {
    summary: '一个一等奖，一个未通过 / One first prize, one failed',
    value: {
      roundId: EXAMPLE.roundId,
      items: [
        {
          projectId: EXAMPLE.projectId,
          title: '“红色旋律”党员先锋岗',
          ...VOCAL,
          ...VANGUARD,
          ...GRADED,
          grade: 'first',
          gradeLabel: FUNDING_GRADE_LABELS.first,
          amount: 3000,
          recommended: true,
        },
        {
          projectId: OTHER_PROJECT_ID,
          title: '“书香党建”阅读推广',
          ...LIBRARY,
          ...FORTRESS,
          ...FAILED,
          grade: 'failed',
          gradeLabel: FUNDING_GRADE_LABELS.failed,
          amount: 0,
          recommended: false,
        },
      ],
      total: { count: 2, amount: 3000 },
      byUnit: [
        { ...LIBRARY, count: 1, amount: 0 },
        { ...VOCAL, count: 1, amount: 3000 },
      ],
      byGrade: FUNDING_GRADES.map((grade) => ({
        grade,
        label: FUNDING_GRADE_LABELS[grade],
        count: grade === 'first' || grade === 'failed' ? 1 : 0,
        amount: grade === 'first' ? 3000 : 0,
      })),
    },
  },
};

export const COMPLIANCE_EXAMPLES: Record<string, Example<Compliance>> = {
  compliance: {
    summary: '机关党委尚未申报 / The organ committee has not submitted yet',
    value: {
      roundId: EXAMPLE.roundId,
      countedStates: [...COUNTED_STATES],
      quotaUnits: 3,
      complete: false,
      missing: [{ unitId: ORGAN_ID, name: '机关党委', type: 'organ_committee', typeLabel: UNIT_TYPE_LABELS.organ_committee, extendedUntil: '2023-04-05' }],
      complied: [
        { unitId: EXAMPLE.generalBranchId, name: '音乐学院党总支', type: 'general_branch', typeLabel: UNIT_TYPE_LABELS.general_branch, extendedUntil: null, projects: 2 },
        { unitId: DIRECT_ID, name: '图书馆直属党支部', type: 'direct_branch', typeLabel: UNIT_TYPE_LABELS.direct_branch, extendedUntil: null, projects: 1 },
      ],
    },
  },
};
