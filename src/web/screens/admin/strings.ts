/** The admin screens' own strings (Chinese first, English via the switch) and their small loaders. */
import { api, asProblem, ProblemError } from '../../api/client';
import type { components } from '../../api/schema';
import { language, type Label } from '../../i18n';
import { allPages } from '../../api/lists';
export { allPages, listRounds } from '../../api/lists';

export type Unit = components['schemas']['Unit'];
export type UnitType = Unit['type'];
export type User = components['schemas']['User'];
export type Role = User['role'];
export type Round = components['schemas']['Round'];

export const S = {
  menuUnits: { zh: '党组织', en: 'Units' },
  menuUsers: { zh: '用户', en: 'Users' },
  menuRounds: { zh: '批次设置', en: 'Round settings' },
  menuCalendar: { zh: '工作日历', en: 'Working-day calendar' },
  // Units
  units: { zh: '党组织', en: 'Units' },
  unitsIntro: {
    zh: '党委之下：机关党委、党总支、直属党支部直属党委；党支部隶属党总支或机关党委。停用的党组织保留记录，以灰色显示。',
    en: 'Under the party committee: the organ committee, general branches and direct branches; a branch sits under a general branch or the organ committee. Inactive units stay on record, greyed.',
  },
  partyCommittee: { zh: '党委', en: 'Party committee' },
  organ_committee: { zh: '机关党委', en: 'Organ committee' },
  general_branch: { zh: '党总支', en: 'General branch' },
  direct_branch: { zh: '直属党支部', en: 'Direct branch' },
  branch: { zh: '党支部', en: 'Branch' },
  unitName: { zh: '名称', en: 'Name' },
  unitType: { zh: '类型', en: 'Type' },
  parent: { zh: '上级党组织', en: 'Parent unit' },
  noParent: { zh: '党委（无上级）', en: 'The party committee (none)' },
  inactive: { zh: '已停用', en: 'Inactive' },
  active: { zh: '在用', en: 'Active' },
  newUnit: { zh: '新建党组织', en: 'New unit' },
  addBranch: { zh: '新建下级党支部', en: 'Add a branch' },
  amendUnit: { zh: '更名 / 改隶', en: 'Rename / move' },
  deactivate: { zh: '停用', en: 'Deactivate' },
  reactivate: { zh: '恢复', en: 'Reactivate' },
  delete: { zh: '删除', en: 'Delete' },
  deleteUnit: { zh: '删除误建的党组织', en: 'Delete a unit created by mistake' },
  deleteIntro: {
    zh: '只有从未被引用的党组织可以删除；已有用户、项目或下级的，请改为停用。',
    en: 'Only a unit nothing refers to may be deleted; one with users, projects or units below it is deactivated instead.',
  },
  references: { zh: '被引用', en: 'Referred to by' },
  reason: { zh: '原因', en: 'Reason' },
  reasonOptional: { zh: '原因（可选）', en: 'Reason (optional)' },
  noUnits: { zh: '暂无党组织', en: 'No units' },
  actions: { zh: '操作', en: 'Actions' },
  // Users
  users: { zh: '用户', en: 'Users' },
  usersIntro: {
    zh: '令牌只在签发时显示一次；初始密码由管理员设置，用户首次登录后须修改。',
    en: 'A token is shown once, when issued; the admin sets the initial password, which the user changes at the first login.',
  },
  name: { zh: '姓名', en: 'Name' },
  role: { zh: '角色', en: 'Role' },
  unit: { zh: '所属党组织', en: 'Unit' },
  noUnit: { zh: '无', en: 'None' },
  status: { zh: '状态', en: 'Status' },
  all: { zh: '全部', en: 'All' },
  createdAt: { zh: '创建时间', en: 'Created' },
  applicant: { zh: '申报单位', en: 'Applicant' },
  org_dept: { zh: '党委组织部', en: 'Organisation department' },
  reviewer: { zh: '评审组成员', en: 'Reviewer' },
  committee: { zh: '党委会议', en: 'Party committee' },
  auditor: { zh: '监督检查', en: 'Auditor' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  newUser: { zh: '新建用户', en: 'New user' },
  amendUser: { zh: '修改用户', en: 'Amend the user' },
  roleFixed: { zh: '角色不可修改；新角色请新建用户。', en: 'The role cannot change: a new role is a new user.' },
  reissueToken: { zh: '重发令牌', en: 'Reissue the token' },
  reissueIntro: { zh: '签发新令牌后旧令牌立即失效。', en: 'The old token is refused once the new one is issued.' },
  setPassword: { zh: '设置初始密码', en: 'Set the initial password' },
  passwordIntro: {
    zh: '用户名 3–32 个小写字母、数字、点、下划线或连字符；初始密码至少 10 个字符，不含用户名。该用户已有的会话全部注销，首次登录后须修改密码。',
    en: 'Username: 3 to 32 of a–z, 0–9, dot, underscore, hyphen. The initial password: at least 10 characters, not containing the username. The user’s sessions are revoked; it must be changed at the first login.',
  },
  username: { zh: '用户名', en: 'Username' },
  noLogin: { zh: '未设密码', en: 'No password yet' },
  usernameKeep: { zh: '不填则沿用已有用户名', en: 'Leave empty to keep the username it has' },
  password: { zh: '初始密码', en: 'Initial password' },
  passwordSet: { zh: '初始密码已设置，用户首次登录后须修改', en: 'The initial password is set; the user changes it at the first login' },
  sessions: { zh: '登录会话', en: 'Sessions' },
  sessionsOf: { zh: '{name} 的有效登录会话', en: '{name}’s live sessions' },
  noSessions: { zh: '没有有效的登录会话', en: 'No live session' },
  lastSeen: { zh: '最近活动', en: 'Last seen' },
  expiresAt: { zh: '到期', en: 'Expires' },
  client: { zh: '浏览器', en: 'Browser' },
  ip: { zh: 'IP 地址', en: 'IP address' },
  revoke: { zh: '注销', en: 'Revoke' },
  thisSession: { zh: '当前会话', en: 'This session' },
  revoked: { zh: '会话已注销', en: 'Session revoked' },
  tokenTitle: { zh: '{name} 的令牌', en: '{name}’s token' },
  tokenWarning: {
    zh: '令牌只显示这一次，服务不保存令牌本身。请立即复制并通过安全渠道交给本人；关闭后无法再次查看，只能重发。',
    en: 'This token is shown this once: the service keeps only its hash. Copy it now and hand it over safely; once closed it cannot be shown again, only reissued.',
  },
  copy: { zh: '复制', en: 'Copy' },
  copied: { zh: '已复制', en: 'Copied' },
  copyFailed: { zh: '无法复制，请手动选中令牌复制', en: 'Could not copy: select the token and copy it by hand' },
  tokenSaved: { zh: '我已妥善保存，关闭', en: 'I have kept it: close' },
  pendingAssignments: {
    zh: '该用户尚有 {count} 项未评分的评审分配，请为其更换评审人：',
    en: 'The user still has {count} assignments waiting for a review; replace the reviewer on each:',
  },
  more: { zh: '加载更多', en: 'Load more' },
  noUsers: { zh: '暂无用户', en: 'No users' },
  filter: { zh: '筛选', en: 'Filter' },
  unitRequired: { zh: '申报单位与评审组成员须属于一个在用的党组织', en: 'Applicants and reviewers need an active unit' },
  // Rounds
  rounds: { zh: '立项批次', en: 'Rounds' },
  newRound: { zh: '新建立项批次', en: 'New round' },
  settings: { zh: '设置', en: 'Settings' },
  roundSettings: { zh: '批次设置', en: 'Round settings' },
  backToRounds: { zh: '返回批次列表', en: 'Back to the rounds' },
  year: { zh: '年度', en: 'Year' },
  title: { zh: '批次名称', en: 'Title' },
  documentNumber: { zh: '发文字号', en: 'Document number' },
  state: { zh: '状态', en: 'State' },
  dates: { zh: '日期（北京时间，含当日）', en: 'Dates (Asia/Shanghai, inclusive)' },
  submissionDeadline: { zh: '申报截止日', en: 'Submission deadline' },
  revisionDeadline: { zh: '修改后重新申报截止日', en: 'Resubmission deadline' },
  revisionDeadlineHint: { zh: '不填为不限', en: 'Empty: no limit' },
  acceptanceOpensOn: { zh: '验收开放日', en: 'Acceptance opens' },
  acceptanceOpensOnHint: { zh: '不填为于结项验收日期开放', en: 'Empty: opens at the final acceptance date' },
  finalAcceptanceDate: { zh: '结项验收日期', en: 'Final acceptance date' },
  funding: { zh: '各等级资助金额（元）', en: 'Funding per grade (yuan)' },
  first: { zh: '一等奖', en: 'First prize' },
  second: { zh: '二等奖', en: 'Second prize' },
  third: { zh: '三等奖', en: 'Third prize' },
  qualified: { zh: '合格', en: 'Qualified' },
  review: { zh: '评审', en: 'Review' },
  minReviews: { zh: '每个项目最少评审份数', en: 'Minimum reviews per project' },
  scoreMin: { zh: '每项最低分', en: 'Lowest score' },
  scoreMax: { zh: '每项最高分', en: 'Highest score' },
  conflictScope: { zh: '利益冲突范围', en: 'Conflict of interest' },
  family: { zh: '项目单位及其上下级、同一党总支/机关党委下的全部党组织', en: 'The unit, its line and every unit under the same general branch or organ committee' },
  line: { zh: '仅项目单位及其上下级', en: 'The unit and its line only' },
  requireSignedLetter: { zh: '提交前须上传盖章扫描件（PDF）', en: 'Submitting needs the signed letter (PDF) first' },
  contacts: { zh: '联系人（至多 5 位）', en: 'Contacts (at most 5)' },
  contactName: { zh: '联系人', en: 'Contact person' },
  phone: { zh: '电话', en: 'Phone' },
  extension: { zh: '分机号', en: 'Extension' },
  addContact: { zh: '添加联系人', en: 'Add a contact' },
  remove: { zh: '移除', en: 'Remove' },
  publicity: { zh: '公示与结项', en: 'Publicity and acceptance' },
  publicityWorkingDays: { zh: '公示期（工作日）', en: 'Publicity period (working days)' },
  minAcceptanceReviews: { zh: '结项评审最少份数', en: 'Minimum acceptance reviews' },
  acceptanceCriteria: { zh: '结项评审标准（1 至 10 项）', en: 'Acceptance criteria (1 to 10)' },
  criterionKey: { zh: '键', en: 'Key' },
  criterionZh: { zh: '中文名称', en: 'Chinese name' },
  criterionEn: { zh: '英文名称', en: 'English name' },
  addCriterion: { zh: '添加标准', en: 'Add a criterion' },
  prizeCaps: { zh: '各奖项获奖数上限（不填为不限）', en: 'Most projects per prize (empty: no cap)' },
  recommendableGrades: { zh: '党委可择优推荐的等级', en: 'Grades the committee may recommend upward' },
  amendReason: { zh: '修改原因', en: 'Reason for the change' },
  amendReasonHint: { zh: '批次开始后必填', en: 'Required once the round has opened' },
  openedNotice: {
    zh: '批次已开始（已有项目提交）：只能修改日期，且须说明原因。',
    en: 'The round has opened (projects were submitted): only its dates may change, with a reason.',
  },
  fixedOnceOpened: { zh: '批次开始后不能修改', en: 'Fixed once the round has opened' },
  create: { zh: '创建', en: 'Create' },
  save: { zh: '保存修改', en: 'Save the changes' },
  saved: { zh: '已保存', en: 'Saved' },
  nothingChanged: { zh: '没有修改任何设置', en: 'Nothing changed' },
  created: { zh: '已创建', en: 'Created' },
  noRounds: { zh: '暂无立项批次', en: 'No rounds' },
  // Calendar
  calendar: { zh: '工作日历', en: 'Working-day calendar' },
  calendarIntro: {
    zh: '按国务院办公厅当年的节假日安排填写法定节假日与调休上班日（每行一个日期，如 2024-10-01）。工作日为周一至周五（节假日除外）及调休上班的周六、周日；未设置的年份只按周末计算。',
    en: 'The public holidays and adjusted working days as the State Council’s notice has them (one date a line, e.g. 2024-10-01). A working day is Monday to Friday unless a holiday, or a weekend day listed as worked; a year not set counts weekends only.',
  },
  holidays: { zh: '法定节假日', en: 'Public holidays' },
  workdays: { zh: '调休上班日（周六或周日）', en: 'Adjusted working days (Saturday or Sunday)' },
  yearNotSet: { zh: '该年尚未设置，只按周末计算。', en: 'This year is not set: it counts weekends only.' },
  load: { zh: '查看', en: 'Show' },
  updatedAt: { zh: '最近设置于', en: 'Last set' },
  // Common
  confirm: { zh: '确定', en: 'Confirm' },
  cancel: { zh: '取消', en: 'Cancel' },
  done: { zh: '已完成', en: 'Done' },
  loading: { zh: '加载中…', en: 'Loading…' },
  required: { zh: '请填写', en: 'Required' },
  invalid: { zh: '格式不正确', en: 'Not valid' },
  dateForm: { zh: '格式：2023-03-29', en: 'Form: 2023-03-29' },
  colon: { zh: '：', en: ': ' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
} satisfies Record<string, Label>;

export type Key = keyof typeof S;

export function s(key: Key, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

export const UNIT_TYPES = ['organ_committee', 'general_branch', 'direct_branch', 'branch'] as const satisfies readonly UnitType[];
export const ROLES = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor', 'admin'] as const satisfies readonly Role[];

/** A refused answer as an error showProblem reads. */
export function refused(error: unknown, response: Response): ProblemError {
  return new ProblemError(asProblem(error, response), response.status);
}

/** A key for a creation's Idempotency-Key: one per intent (kept while the form is open, so a retry does not create twice). */
export function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export async function listUnits(): Promise<Unit[]> {
  return allPages(async (cursor) => {
    const { data, error, response } = await api.GET('/api/v1/units', { params: { query: cursor ? { limit: 500, cursor } : { limit: 500 } } });
    if (!data) throw refused(error, response);
    return data;
  });
}

/** YYYY-MM-DD that is a real calendar date. */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

/** A unit's path from the top, for selects: 音乐学院党总支 / 声乐系党支部. */
export function unitPath(unit: Unit, byId: Map<string, Unit>): string {
  const names = [unit.name];
  let parent = unit.parentId ? byId.get(unit.parentId) : undefined;
  for (let guard = 0; parent && guard < 10; guard += 1) {
    names.unshift(parent.name);
    parent = parent.parentId ? byId.get(parent.parentId) : undefined;
  }
  return names.join(' / ');
}
