/** The review-management screens' strings (Chinese first, English via the switch) and their small loaders. */
import { api, asProblem, ProblemError, type Project } from '../../api/client';
import type { components, paths } from '../../api/schema';
import { language, type Label } from '../../i18n';
import { allPages } from '../../api/lists';
export { allPages } from '../../api/lists';

export type Round = components['schemas']['Round'];
export type PanelKind = 'review' | 'acceptance';
export type Panel = paths['/api/v1/rounds/{id}/panels/{kind}']['get']['responses']['200']['content']['application/json'];
export type PanelMember = Panel['members'][number];
export type DirectoryUser = paths['/api/v1/users']['get']['responses']['200']['content']['application/json']['items'][number];
export type Assignment = paths['/api/v1/projects/{id}/reviewers']['get']['responses']['200']['content']['application/json']['items'][number];
export type AcceptanceAssignment = paths['/api/v1/projects/{id}/acceptance-reviewers']['get']['responses']['200']['content']['application/json']['items'][number];
export type PendingAssignment = paths['/api/v1/rounds/{id}/assignments']['get']['responses']['200']['content']['application/json'][number];
export type BulkResult = paths['/api/v1/rounds/{id}/assignments']['post']['responses']['200']['content']['application/json'];
export type Refusal = BulkResult['refused'][number];
export type QuotaUnits = paths['/api/v1/rounds/{id}/quota-units']['get']['responses']['200']['content']['application/json'];
export type Extension = paths['/api/v1/rounds/{id}/extensions']['get']['responses']['200']['content']['application/json']['items'][number];
export type Unit = paths['/api/v1/units']['get']['responses']['200']['content']['application/json']['items'][number];
export type FinalReports = paths['/api/v1/rounds/{id}/final-reports']['get']['responses']['200']['content']['application/json'];
export type AcceptanceScores = paths['/api/v1/rounds/{id}/acceptance-scores']['get']['responses']['200']['content']['application/json'];
export type ProjectFile = paths['/api/v1/projects/{id}/files']['get']['responses']['200']['content']['application/json']['items'][number];
export type { Project };

export const S = {
  backToRound: { zh: '返回批次', en: 'Back to the round' },
  loading: { zh: '加载中…', en: 'Loading…' },
  colon: { zh: '：', en: ': ' },
  done: { zh: '已完成', en: 'Done' },
  confirm: { zh: '确定', en: 'Confirm' },
  cancel: { zh: '取消', en: 'Cancel' },
  required: { zh: '请填写', en: 'Required' },
  reason: { zh: '理由', en: 'Reason' },
  comment: { zh: '意见', en: 'Comment' },
  project: { zh: '项目', en: 'Project' },
  unit: { zh: '党组织', en: 'Unit' },
  name: { zh: '姓名', en: 'Name' },
  state: { zh: '状态', en: 'State' },
  since: { zh: '分配时间', en: 'Assigned at' },
  reviewer: { zh: '评审人', en: 'Reviewer' },
  none: { zh: '暂无', en: 'None' },
  // Management links on the round page
  management: { zh: '评审管理', en: 'Review management' },
  // Panels
  panels: { zh: '评审组', en: 'Panels' },
  panelsIntro: {
    zh: '为本批次组建评审组与结项评审组：命名后从用户名录中加入评审人。',
    en: 'Name the round’s review and acceptance panels, then add reviewers from the directory.',
  },
  reviewPanel: { zh: '评审组', en: 'Review panel' },
  acceptancePanel: { zh: '结项评审组', en: 'Acceptance panel' },
  panelName: { zh: '评审组名称', en: 'Panel name' },
  notNamed: { zh: '尚未组建', en: 'Not named yet' },
  namePanel: { zh: '组建', en: 'Name it' },
  rename: { zh: '更名', en: 'Rename' },
  members: { zh: '成员', en: 'Members' },
  activeMembers: { zh: '在任成员 {n} 人', en: '{n} active members' },
  addMember: { zh: '加入评审组', en: 'Add to the panel' },
  chooseReviewer: { zh: '选择评审人', en: 'Choose a reviewer' },
  remove: { zh: '移出', en: 'Remove' },
  removeMember: { zh: '移出评审组', en: 'Remove from the panel' },
  removed: { zh: '已移出', en: 'Removed' },
  active: { zh: '在任', en: 'Member' },
  addedAt: { zh: '加入时间', en: 'Added' },
  pendingToReplace: { zh: '该成员尚有 {n} 项未评分的分配，请到“评审分配”逐一更换评审人。', en: 'The member has {n} unscored assignments: replace each on the assignments page.' },
  // Assignments
  assignments: { zh: '评审分配', en: 'Assignments' },
  assignmentsIntro: {
    zh: '自动分配为已申报、初审通过的项目补足批次要求的最少评审人数，优先任务最少的评审组成员，自动回避利益冲突单位。',
    en: 'Automatic assignment gives every submitted or checked project the round’s minimum of reviewers from the panel, the least busy first, avoiding conflicts of interest.',
  },
  autoAssign: { zh: '自动分配', en: 'Assign automatically' },
  autoAssigned: { zh: '本次新分配 {n} 项', en: '{n} assignments made' },
  refusedTitle: { zh: '未能分配', en: 'Not assigned' },
  conflictingUnits: { zh: '回避单位', en: 'Conflicting units' },
  required2: { zh: '要求 {required} 人，现有 {assigned} 人', en: '{required} required, {assigned} assigned' },
  byHand: { zh: '按项目分配', en: 'Assign by project' },
  assignableProjects: { zh: '待分配评审的项目（已申报、初审通过）', en: 'Projects open to assignment (submitted, checked)' },
  reviewers: { zh: '评审人', en: 'Reviewers' },
  assign: { zh: '分配', en: 'Assign' },
  assignReviewer: { zh: '分配评审人', en: 'Assign a reviewer' },
  pending: { zh: '待评分的分配', en: 'Assignments not yet scored' },
  noPending: { zh: '没有待评分的分配', en: 'No assignment waiting for a score' },
  replace: { zh: '更换', en: 'Replace' },
  replaceReviewer: { zh: '更换评审人', en: 'Replace the reviewer' },
  replaceAcceptanceReviewer: { zh: '更换结项评审人', en: 'Replace the acceptance reviewer' },
  replacement: { zh: '接替的评审人', en: 'Replacement' },
  replaced: { zh: '已更换', en: 'Replaced' },
  replacedBy: { zh: '由 {name} 接替：{reason}', en: 'Replaced by {name}: {reason}' },
  scored: { zh: '已评分', en: 'Scored' },
  notScored: { zh: '未评分', en: 'Not scored' },
  noReviewers: { zh: '尚未分配评审人', en: 'No reviewer assigned' },
  panelFirst: { zh: '请先组建评审组并加入成员', en: 'Name the panel and add members first' },
  refusedConflict: { zh: '回避：{units}', en: 'Conflict of interest: {units}' },
  // Project sections
  projectReviewers: { zh: '评审分配', en: 'Reviewers' },
  acceptanceReviewers: { zh: '结项评审分配', en: 'Acceptance reviewers' },
  preliminary: { zh: '初审', en: 'Preliminary check' },
  preliminaryIntro: {
    zh: '核对责任书各项是否齐全与上传的文件，然后初审通过、退回修改或不予立项。',
    en: 'Check the letter and the files, then pass, return for revision or reject.',
  },
  completeness: { zh: '责任书完整性', en: 'Letter completeness' },
  present: { zh: '已填写', en: 'Given' },
  absent: { zh: '未填写', en: 'Missing' },
  allPresent: { zh: '责任书各项均已填写', en: 'Every part of the letter is given' },
  files: { zh: '已上传的文件', en: 'Uploaded files' },
  noFiles: { zh: '没有上传文件', en: 'No file uploaded' },
  signedLetter: { zh: '盖章扫描件', en: 'Signed letter' },
  finalReportDocument: { zh: '结项文件', en: 'Final report document' },
  signedRequired: { zh: '本批次要求上传盖章扫描件', en: 'The round requires the signed letter' },
  pass: { zh: '初审通过', en: 'Pass' },
  returnForRevision: { zh: '退回修改', en: 'Return for revision' },
  reject: { zh: '不予立项', en: 'Reject' },
  revisionComment: { zh: '修改意见', en: 'What to revise' },
  rejectReason: { zh: '不予立项的理由', en: 'Why it is rejected' },
  revisionDeadline: { zh: '重新申报截止日：{day}', en: 'Resubmit by {day}' },
  noRevisionLimit: { zh: '本批次重新申报不限期', en: 'The round sets no resubmission deadline' },
  letterParts: { zh: '立项起因,内容与载体,成果预期,项目负责人,参与成员,联系方式', en: 'Rationale,Content and carriers,Expected outcomes,Leader,Members,Contact' },
  // Quota
  quota: { zh: '申报完成情况', en: 'Quota' },
  quotaIntro: {
    zh: '机关党委、各党总支与直属党支部每批次至少申报一个项目；下属党支部的项目计入其党总支。',
    en: 'The organ committee, every general branch and every direct branch submits at least one project per round; a branch’s projects count for its general branch.',
  },
  quotaSummary: { zh: '须申报 {units} 个，已申报 {complied} 个，未申报 {missing} 个', en: '{units} under the quota: {complied} submitted, {missing} missing' },
  quotaComplete: { zh: '全部完成', en: 'Complete' },
  quotaUnitType: { zh: '类型', en: 'Type' },
  quotaRequired: { zh: '应报', en: 'Quota' },
  submitted: { zh: '已申报', en: 'Submitted' },
  missing: { zh: '未申报', en: 'Missing' },
  extendedUntil: { zh: '延期至', en: 'Extended until' },
  extensions: { zh: '延期申报', en: 'Extensions' },
  noExtensions: { zh: '暂无延期', en: 'No extension' },
  grant: { zh: '准予延期', en: 'Grant an extension' },
  grantIntro: { zh: '为党组织设定本批次的申报截止日（晚于批次截止日 {deadline}）。', en: 'Give a unit its own last day of submission (after the round’s {deadline}).' },
  until: { zh: '延期至（含当日）', en: 'Until (inclusive)' },
  untilHint: { zh: '格式：2023-04-10', en: 'Form: 2023-04-10' },
  revoke: { zh: '撤销', en: 'Revoke' },
  revokeExtension: { zh: '撤销延期', en: 'Revoke the extension' },
  grantedBy: { zh: '准予时间', en: 'Granted at' },
  chooseUnit: { zh: '选择党组织', en: 'Choose a unit' },
  // Acceptance
  acceptance: { zh: '结项验收与建议等级', en: 'Acceptance and proposed grades' },
  acceptanceIntro: {
    zh: '结项评审各项平均分与组织部的建议等级；结项评审份数达到要求后可提出或修改建议，党委确认前均可修改。',
    en: 'Acceptance scores and org_dept’s proposals; propose once enough acceptance reviews are in, and change it until the committee confirms.',
  },
  proposalSummary: { zh: '尚无建议 {missing} 项', en: '{missing} without a proposal' },
  reviewsCount: { zh: '结项评审 {count}/{needed}（已分配 {assigned}）', en: '{count}/{needed} acceptance reviews ({assigned} assigned)' },
  meanTotal: { zh: '平均总分', en: 'Mean total' },
  proposal: { zh: '建议等级', en: 'Proposal' },
  confirmedGrade: { zh: '确认等级', en: 'Confirmed grade' },
  funding: { zh: '资助金额（元）', en: 'Funding (yuan)' },
  propose: { zh: '提出建议', en: 'Propose' },
  proposeGrade: { zh: '建议结项等级', en: 'Propose the grade' },
  grade: { zh: '建议等级', en: 'Grade' },
  failNeedsComment: { zh: '建议不予结项时须填写说明', en: 'Proposing fail needs a comment' },
  finalReport: { zh: '结项报告', en: 'Final report' },
  finalReports: { zh: '结项验收中的项目', en: 'Projects under final acceptance' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  noFinalReports: { zh: '暂无结项验收中的项目', en: 'No project under final acceptance' },
  noScores: { zh: '暂无结项评审分数', en: 'No acceptance scores yet' },
  notAllowedNow: { zh: '当前不能提出建议', en: 'Not open to a proposal now' },
  // Exports
  exports: { zh: '导出报表', en: 'Exports' },
  exportsIntro: { zh: '下载报表（CSV 可用 Excel 直接打开中文；XLSX 为 Excel 工作簿）。', en: 'Download a report (CSV opens in Excel with Chinese intact; XLSX is a workbook).' },
  report: { zh: '报表', en: 'Report' },
  format: { zh: '格式', en: 'Format' },
  download: { zh: '下载', en: 'Download' },
} satisfies Record<string, Label>;

export type Key = keyof typeof S;

export function s(key: Key, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

export const GRADE_LABELS: Record<string, Label> = {
  first: { zh: '一等奖', en: 'First' },
  second: { zh: '二等奖', en: 'Second' },
  third: { zh: '三等奖', en: 'Third' },
  qualified: { zh: '合格', en: 'Qualified' },
  fail: { zh: '不予结项', en: 'Fail' },
};

export function gradeLabel(grade: string | null | undefined): string {
  if (!grade) return '—';
  return GRADE_LABELS[grade]?.[language.value] ?? grade;
}

/** Throws the refusal of an answer that carries no data. */
export function must<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) throw new ProblemError(asProblem(answer.error, answer.response), answer.response.status);
  return answer.data;
}

export async function loadRound(id: string): Promise<Round> {
  return must(await api.GET('/api/v1/rounds/{id}', { params: { path: { id } } }));
}

/** The round's panel of a kind, or null while it is not named (404). */
export async function loadPanel(roundId: string, kind: PanelKind): Promise<Panel | null> {
  const answer = await api.GET('/api/v1/rounds/{id}/panels/{kind}', { params: { path: { id: roundId, kind } } });
  if (answer.response.status === 404) return null;
  return must(answer);
}

/** The active users of role reviewer, with their units' names (GET /users?role=reviewer). */
export async function loadReviewers(): Promise<DirectoryUser[]> {
  return allPages(async (cursor) => must(await api.GET('/api/v1/users', { params: { query: { role: 'reviewer', active: true, limit: 500, ...(cursor ? { cursor } : {}) } } })));
}

export async function loadUnits(): Promise<Unit[]> {
  return allPages(async (cursor) => must(await api.GET('/api/v1/units', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })));
}

export async function loadProjects(roundId: string, state: Project['state']): Promise<Project[]> {
  return allPages(async (cursor) => must(await api.GET('/api/v1/projects', { params: { query: { roundId, state, limit: 500, ...(cursor ? { cursor } : {}) } } })));
}

export async function loadAssignments(projectId: string): Promise<Assignment[]> {
  return allPages(async (cursor) =>
    must(await api.GET('/api/v1/projects/{id}/reviewers', { params: { path: { id: projectId }, query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
  );
}

export async function loadAcceptanceAssignments(projectId: string): Promise<AcceptanceAssignment[]> {
  return allPages(async (cursor) =>
    must(await api.GET('/api/v1/projects/{id}/acceptance-reviewers', { params: { path: { id: projectId }, query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
  );
}

/** The units a conflict-of-interest refusal names, as words ('、' between). */
export function unitNames(problemOrRefusal: unknown): string {
  const units = (problemOrRefusal as { conflictingUnits?: { name: string }[] } | null)?.conflictingUnits ?? [];
  return units.map((unit) => unit.name).join('、');
}
