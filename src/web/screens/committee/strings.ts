/** The committee's screens' own strings (Chinese first, English via the switch) and their small loaders. */
import { api, asProblem, ProblemError, type Project } from '../../api/client';
import type { components, paths } from '../../api/schema';
import { language, type Label } from '../../i18n';
import { allPages } from '../../api/lists';
export { allPages, listRounds } from '../../api/lists';

export type Round = components['schemas']['Round'];
export type Objection = components['schemas']['Objection'];
export type RoundMachine = components['schemas']['RoundMachineDefinition'];
export type ProposedList = components['schemas']['ProposedList'];
export type AcceptanceScores = components['schemas']['AcceptanceScores'];
export type FinalReports = components['schemas']['RoundFinalReports'];
export type Funding = components['schemas']['RoundFunding'];
export type RoundEvent = NonNullable<paths['/api/v1/rounds/{id}/events']['post']['requestBody']>['content']['application/json'];
export type ProjectState = Project['state'];
export type Grade = 'first' | 'second' | 'third' | 'qualified' | 'fail' | 'failed';

export const S = {
  rounds: { zh: '党委研究', en: 'Committee' },
  roundsIntro: {
    zh: '各立项批次及其当前阶段；进入批次可进行党委的研究决定、公示期改变决定、确认结项等级与择优推荐。',
    en: 'The rounds and their stage; open one for the committee’s decisions, reversals during publicity, confirming the grades and recommendations.',
  },
  noRounds: { zh: '暂无立项批次', en: 'No rounds' },
  year: { zh: '年度', en: 'Year' },
  roundTitle: { zh: '批次名称', en: 'Title' },
  documentNumber: { zh: '发文字号', en: 'Document number' },
  state: { zh: '状态', en: 'State' },
  open: { zh: '进入', en: 'Open' },
  back: { zh: '返回批次列表', en: 'Back to the rounds' },
  loading: { zh: '加载中…', en: 'Loading…' },
  roundEvents: { zh: '党委可进行的批次操作', en: 'Round events the committee can fire now' },
  noRoundEvents: { zh: '当前没有可进行的批次操作', en: 'No round event to fire now' },
  confirmEvent: { zh: '确定要执行此操作吗？', en: 'Fire this event?' },
  confirm: { zh: '确定', en: 'Confirm' },
  cancel: { zh: '取消', en: 'Cancel' },
  done: { zh: '已完成', en: 'Done' },
  required: { zh: '请填写', en: 'Required' },
  colon: { zh: '：', en: ': ' },
  toRanking: { zh: '查看评审排名，逐项批准或不予立项 →', en: 'See the ranking and approve or reject each project →' },
  meetingReference: { zh: '党委会议记录编号', en: 'Meeting reference' },
  meetingHint: { zh: '例如：党委会〔2023〕20次', en: 'e.g. 党委会〔2023〕20次' },
  // Publicity and reversals
  publicity: { zh: '拟立项名单公示', en: 'Publicity of the proposed list' },
  publicityPeriod: { zh: '公示期', en: 'Period' },
  publicityOver: { zh: '公示期已结束', en: 'The period is over' },
  publicityRunning: { zh: '公示期内', en: 'The period is running' },
  proposedList: { zh: '拟立项项目', en: 'Projects proposed for approval' },
  notApproved: { zh: '党委未批准的项目', en: 'Projects the committee did not approve' },
  reversalIntro: {
    zh: '公示期内党委可改变决定（须填写理由）：批准改为不予立项，或党委不予立项改为批准。',
    en: 'During the period the committee may reverse a decision, with a reason: an approval becomes a rejection, or its rejection an approval.',
  },
  title: { zh: '项目名称', en: 'Title' },
  unit: { zh: '申报单位', en: 'Unit' },
  category: { zh: '类别', en: 'Category' },
  actions: { zh: '操作', en: 'Actions' },
  noProjects: { zh: '暂无项目', en: 'No projects' },
  notHandled: { zh: '未处理', en: 'Open' },
  // Acceptance and grades
  acceptance: { zh: '结项等级确认', en: 'Confirming the grades' },
  acceptanceIntro: {
    zh: '组织部依结项评审分数提出的建议等级；党委确认后，按建议为每个项目评定等级或不予结项，经费随等级确定。',
    en: 'org_dept’s proposals from the acceptance scores; once the committee confirms, each project is graded (or failed) as proposed and funded by its grade.',
  },
  prizeCaps: { zh: '获奖数上限', en: 'Prize caps' },
  prize: { zh: '奖项', en: 'Prize' },
  cap: { zh: '上限', en: 'Cap' },
  proposedCount: { zh: '建议数', en: 'Proposed' },
  confirmedCount: { zh: '确认数', en: 'Confirmed' },
  noCap: { zh: '不限', en: 'No cap' },
  overCap: { zh: '超出上限', en: 'Over the cap' },
  missingProposals: { zh: '尚无建议等级的项目：{n} 个', en: 'Projects without a proposal: {n}' },
  reviews: { zh: '结项评审', en: 'Reviews' },
  meanTotal: { zh: '平均总分', en: 'Mean total' },
  proposal: { zh: '建议等级', en: 'Proposed' },
  confirmedGrade: { zh: '确认等级', en: 'Confirmed grade' },
  funding: { zh: '经费（元）', en: 'Funding (CNY)' },
  finalReport: { zh: '结项报告', en: 'Final report' },
  noScores: { zh: '暂无结项评审', en: 'No acceptance reviews yet' },
  confirmGrades: { zh: '确认结项等级', en: 'Confirm the grades' },
  confirmGradesIntro: { zh: '填写党委会议记录编号后确认本批次的结项等级。', en: 'Give the meeting reference to confirm the round’s grades.' },
  // Grades and recommendations
  grades: { zh: '结项等级与择优推荐', en: 'Grades and recommendations' },
  gradesIntro: {
    zh: '确认后的等级与经费；可择优推荐的等级：{grades}。',
    en: 'The confirmed grades and funding; grades the committee may recommend: {grades}.',
  },
  grade: { zh: '等级', en: 'Grade' },
  recommended: { zh: '推荐', en: 'Recommended' },
  yes: { zh: '已推荐', en: 'Recommended' },
  no: { zh: '未推荐', en: 'Not recommended' },
  outcome: { zh: '上级评选结果', en: 'Selection outcome' },
  selected: { zh: '入选', en: 'Selected' },
  notSelected: { zh: '未入选', en: 'Not selected' },
  noGrades: { zh: '暂无已评定等级的项目', en: 'No graded project yet' },
  total: { zh: '合计', en: 'Total' },
  projectsCount: { zh: '{n} 个项目，经费 {amount} 元', en: '{n} projects, {amount} CNY' },
} satisfies Record<string, Label>;

export type Key = keyof typeof S;

export function s(key: Key, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

export const GRADE_LABELS: Record<Grade, Label> = {
  first: { zh: '一等奖', en: 'First prize' },
  second: { zh: '二等奖', en: 'Second prize' },
  third: { zh: '三等奖', en: 'Third prize' },
  qualified: { zh: '合格', en: 'Qualified' },
  fail: { zh: '不予结项', en: 'Fail' },
  failed: { zh: '未通过结项', en: 'Failed' },
};

export function gradeLabel(grade: string | null | undefined): string {
  if (!grade) return '—';
  return GRADE_LABELS[grade as Grade]?.[language.value] ?? grade;
}

/** The round events that are the committee's, each with the fields of its body (POST /rounds/{id}/events). */
export const COMMITTEE_ROUND_EVENTS: Record<string, { name: 'meetingReference'; label: Key; required: boolean }[]> = {
  CONCLUDE_DECISIONS: [],
  CONFIRM_GRADES: [{ name: 'meetingReference', label: 'meetingReference', required: true }],
};

export function fail(error: unknown, response: Response): never {
  throw new ProblemError(asProblem(error, response), response.status);
}

export async function listProjects(roundId: string, state: ProjectState): Promise<Project[]> {
  return allPages(async (cursor) => {
    const query = { roundId, state, limit: 500, ...(cursor ? { cursor } : {}) };
    const { data, error, response } = await api.GET('/api/v1/projects', { params: { query } });
    if (!data) fail(error, response);
    return data;
  });
}

/** A project as its detail answers it (its allowedEvents) with its ETag. */
export interface Held {
  project: Project;
  etag: string | null;
}

export async function loadProject(id: string): Promise<Held> {
  const { data, error, response } = await api.GET('/api/v1/projects/{id}', { params: { path: { id } } });
  if (!data) fail(error, response);
  return { project: data, etag: response.headers.get('ETag') };
}

let roundMachine: Promise<RoundMachine | null> | null = null;

/** The round machine's labels (GET /api/v1/round-machine, public). */
export function loadRoundMachine(): Promise<RoundMachine | null> {
  roundMachine ??= api.GET('/api/v1/round-machine', { headers: { Accept: 'application/json' } }).then(
    ({ data }) => (data && typeof data === 'object' ? data : null),
    () => null,
  );
  return roundMachine;
}

export function roundEventLabel(machine: RoundMachine | null, type: string): Label {
  return machine?.events.find((event) => event.type === type)?.label ?? { zh: type, en: type };
}
