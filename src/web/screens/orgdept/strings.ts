/** The org_dept screens' own strings (Chinese first, English via the switch) and their small loaders. */
import { api, asProblem, ProblemError, type Project } from '../../api/client';
import type { components } from '../../api/schema';
import { language, type Label } from '../../i18n';
import { allPages } from '../../api/lists';
export { allPages, listRounds } from '../../api/lists';

export type Round = components['schemas']['Round'];
export type Objection = components['schemas']['Objection'];
export type RoundMachine = components['schemas']['RoundMachineDefinition'];
export type ProjectState = Project['state'];

export const S = {
  inbox: { zh: '待办', en: 'Waiting for me' },
  inboxIntro: { zh: '各批次中等待党委组织部处理的项目数，点击数字查看项目。', en: 'Projects waiting for the organisation department, by round; open a count to see the projects.' },
  preliminaryCheck: { zh: '待初审', en: 'Preliminary check' },
  closePanel: { zh: '评审已完成、待结束评审', en: 'Reviews complete: close the panel' },
  proposeGrade: { zh: '待结项定等（建议或评定等级）', en: 'Grade to propose (or, in a first-edition round, to give)' },
  total: { zh: '合计', en: 'Total' },
  noRounds: { zh: '暂无立项批次', en: 'No rounds' },
  rounds: { zh: '立项批次', en: 'Rounds' },
  round: { zh: '批次', en: 'Round' },
  year: { zh: '年度', en: 'Year' },
  roundTitle: { zh: '批次名称', en: 'Title' },
  documentNumber: { zh: '发文字号', en: 'Document number' },
  state: { zh: '状态', en: 'State' },
  submissionDeadline: { zh: '申报截止日', en: 'Submission deadline' },
  revisionDeadline: { zh: '修改截止日', en: 'Revision deadline' },
  acceptanceOpensOn: { zh: '验收开放日', en: 'Acceptance opens' },
  finalAcceptanceDate: { zh: '结项验收日期', en: 'Final acceptance date' },
  noLimit: { zh: '不限', en: 'No limit' },
  roundEvents: { zh: '可进行的批次操作', en: 'Round events you can fire now' },
  noRoundEvents: { zh: '当前没有可进行的批次操作', en: 'No round event to fire now' },
  confirmEvent: { zh: '确定要执行此操作吗？', en: 'Fire this event?' },
  confirm: { zh: '确定', en: 'Confirm' },
  cancel: { zh: '取消', en: 'Cancel' },
  done: { zh: '已完成', en: 'Done' },
  back: { zh: '返回批次列表', en: 'Back to the rounds' },
  loading: { zh: '加载中…', en: 'Loading…' },
  publicity: { zh: '拟立项名单公示', en: 'Publicity of the proposed list' },
  publicityStart: { zh: '公示开始', en: 'Starts' },
  publicityEnd: { zh: '公示结束', en: 'Ends' },
  workingDays: { zh: '工作日数', en: 'Working days' },
  publicityOver: { zh: '公示期已结束', en: 'The period is over' },
  publicityRunning: { zh: '公示期内', en: 'The period is running' },
  proposedList: { zh: '拟立项项目', en: 'Projects proposed for approval' },
  unit: { zh: '申报单位', en: 'Unit' },
  category: { zh: '类别', en: 'Category' },
  objections: { zh: '异议', en: 'Objections' },
  objectionCounts: { zh: '未处理 {open} 项，已处理 {handled} 项', en: '{open} open, {handled} handled' },
  noObjections: { zh: '暂无异议', en: 'No objections' },
  number: { zh: '编号', en: 'No.' },
  concerns: { zh: '针对', en: 'Concerns' },
  wholeList: { zh: '整个名单', en: 'The whole list' },
  reason: { zh: '理由', en: 'Reason' },
  lodgedBy: { zh: '提出人', en: 'Lodged by' },
  lodgedAt: { zh: '提出时间', en: 'Lodged at' },
  handling: { zh: '处理', en: 'Handling' },
  open: { zh: '未处理', en: 'Open' },
  handle: { zh: '处理', en: 'Handle' },
  handleObjection: { zh: '记录异议处理', en: 'Record the handling' },
  outcome: { zh: '处理结果', en: 'Outcome' },
  upheld: { zh: '异议成立', en: 'Upheld' },
  dismissed: { zh: '异议不成立', en: 'Dismissed' },
  response: { zh: '处理意见', en: 'Response' },
  required: { zh: '请填写', en: 'Required' },
  publish: { zh: '发布立项名单', en: 'Publish the list' },
  publishIntro: {
    zh: '上传签字盖章的立项名单（PDF），填写党委文件字号与发文日期后发布；发布后党委批准的项目即启动实施。',
    en: 'Upload the signed and sealed list (PDF), give the committee document’s number and date, then publish: every approved project starts.',
  },
  publishLater: {
    zh: '公示期结束且异议均已处理后，方可发布立项名单。',
    en: 'The list may be published once the period is over and every objection handled.',
  },
  signedList: { zh: '盖章的立项名单（PDF）', en: 'Signed list (PDF)' },
  upload: { zh: '上传', en: 'Upload' },
  uploaded: { zh: '已上传', en: 'Uploaded' },
  publishedOn: { zh: '发文日期', en: 'Date of the document' },
  publishedOnHint: { zh: '格式：2023-04-20', en: 'Form: 2023-04-20' },
  chooseFile: { zh: '请先选择 PDF 文件', en: 'Choose a PDF first' },
  uploadFirst: { zh: '请先上传盖章的立项名单', en: 'Upload the signed list first' },
  publication: { zh: '已公布的立项名单', en: 'The published list' },
  projects: { zh: '项目', en: 'Projects' },
  title: { zh: '项目名称', en: 'Title' },
  updatedAt: { zh: '更新时间', en: 'Updated' },
  noProjects: { zh: '暂无项目', en: 'No projects' },
  more: { zh: '加载更多', en: 'Load more' },
  toInbox: { zh: '返回待办', en: 'Back to the inbox' },
  colon: { zh: '：', en: ': ' },
} satisfies Record<string, Label>;

export type Key = keyof typeof S;

export function s(key: Key, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** A day (YYYY-MM-DD) as it is written, or a moment in China's time. */
export function day(value: string | null | undefined): string {
  return value ?? '—';
}

export function shanghaiDay(at: Date): string {
  return at.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

export async function listProjects(roundId: string, state: ProjectState): Promise<Project[]> {
  return allPages(async (cursor) => {
    const query = { roundId, state, limit: 500, ...(cursor ? { cursor } : {}) };
    const { data, error, response } = await api.GET('/api/v1/projects', { params: { query } });
    if (!data) throw new ProblemError(asProblem(error, response), response.status);
    return data;
  });
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

/** Whether the project's panel has the reviews the round asks for (GET /projects/{id}/reviews against round.minReviews). */
export async function reviewsComplete(project: Project, round: Round): Promise<boolean> {
  const { data, error, response } = await api.GET('/api/v1/projects/{id}/reviews', { params: { path: { id: project.id } } });
  if (!data) throw new ProblemError(asProblem(error, response), response.status);
  return data.items.length >= round.minReviews;
}

/** What org_dept does next, by the project's state: the inbox's rows, each a filter of the project list. */
export const WAITING = [
  { key: 'preliminaryCheck', state: 'submitted' },
  { key: 'closePanel', state: 'preliminarily_checked', ready: true },
  { key: 'proposeGrade', state: 'final_acceptance', unproposed: true },
] as const satisfies readonly { key: Key; state: ProjectState; ready?: boolean; unproposed?: boolean }[];

export type Waiting = (typeof WAITING)[number];

/** The projects of `round` waiting for org_dept in `waiting`'s sense. */
export async function waitingProjects(round: Round, waiting: Waiting): Promise<Project[]> {
  const projects = await listProjects(round.id, waiting.state);
  if ('ready' in waiting) {
    const ready = await Promise.all(projects.map((project) => reviewsComplete(project, round)));
    return projects.filter((_, i) => ready[i]);
  }
  if ('unproposed' in waiting) return projects.filter((project) => !project.proposal);
  return projects;
}
