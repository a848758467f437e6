/**
 * The applicant's (党支部书记) screens: their strings (Chinese first, English via the switch), the
 * letter's completeness rules as the service's guard checks them, and small loaders.
 */
import { api, asProblem, ProblemError, type Project } from '../../api/client';
import type { components } from '../../api/schema';
import { language, type Label } from '../../i18n';
import { session } from '../../session';
import { allPages } from '../../api/lists';
export { allPages, listRounds as loadRounds } from '../../api/lists';

export type Round = components['schemas']['Round'];
export type Transition = components['schemas']['Transition'];
export type Letter = components['schemas']['Letter'];
export type Activity = components['schemas']['Activity'];
export type Category = Project['category'];

export const S = {
  newProject: { zh: '新建项目', en: 'New project' },
  newProjectIntro: {
    zh: '选择申报批次、类别与方向，填写项目名称；目标责任书可先保存为草稿，提交前须填写完整。',
    en: 'Choose the round, category and direction and give the title; the letter may be saved incomplete as a draft and must be complete to submit.',
  },
  round: { zh: '申报批次', en: 'Round' },
  noOpenRound: { zh: '当前没有开放申报的批次', en: 'No round is open for applications now' },
  deadline: { zh: '申报截止日', en: 'Submission deadline' },
  category: { zh: '类别', en: 'Category' },
  direction: { zh: '方向', en: 'Direction' },
  title: { zh: '项目名称', en: 'Title' },
  create: { zh: '创建草稿', en: 'Create the draft' },
  created: { zh: '草稿已创建', en: 'Draft created' },
  cancel: { zh: '取消', en: 'Cancel' },
  letter: { zh: '申请立项目标责任书', en: 'Target responsibility letter' },
  rationale: { zh: '立项起因', en: 'Rationale' },
  rationaleHint: { zh: '背景、目的、意义、拟解决的具体问题', en: 'Background, purpose, significance, the problem it solves' },
  activities: { zh: '内容与载体', en: 'Content and carriers' },
  content: { zh: '活动内容', en: 'What is done' },
  form: { zh: '活动形式', en: 'Form' },
  when: { zh: '时间安排', en: 'When' },
  addActivity: { zh: '添加一项活动', en: 'Add an activity' },
  removeActivity: { zh: '删除第 {n} 项活动', en: 'Remove activity {n}' },
  activityN: { zh: '第 {n} 项', en: 'No. {n}' },
  expectedOutcomes: { zh: '成果预期', en: 'Expected outcomes' },
  leader: { zh: '项目负责人', en: 'Leader' },
  members: { zh: '参与成员', en: 'Members' },
  memberN: { zh: '成员 {n}', en: 'Member {n}' },
  addMember: { zh: '添加成员', en: 'Add a member' },
  removeMember: { zh: '删除成员 {n}', en: 'Remove member {n}' },
  contact: { zh: '联系方式', en: 'Contact' },
  toFill: { zh: '提交前须填写', en: 'Needed to submit' },
  refusedMissing: { zh: '服务端指出此项不完整', en: 'The service found this incomplete' },
  save: { zh: '保存草稿', en: 'Save the draft' },
  saved: { zh: '草稿已保存', en: 'Draft saved' },
  unsaved: { zh: '有未保存的修改', en: 'Unsaved changes' },
  submit: { zh: '提交申报', en: 'Submit' },
  submitted: { zh: '已提交申报', en: 'Submitted' },
  submitBlocked: { zh: '暂不能提交：', en: 'Not yet ready to submit:' },
  submitReady: { zh: '责任书已完整，可以提交。', en: 'The letter is complete: ready to submit.' },
  willSave: { zh: '提交时先保存未保存的修改', en: 'Unsaved changes are saved first' },
  missingFields: { zh: '尚未填写：{fields}', en: 'Still missing: {fields}' },
  signedLetterNeeded: { zh: '本批次要求提交前上传目标责任书盖章扫描件（PDF）', en: 'This round requires the signed and sealed letter (a PDF) before submitting' },
  submitNotAllowed: {
    zh: '服务暂不接受提交（如已过申报截止日，请联系党委组织部）',
    en: 'The service does not accept a submission now (past the deadline? ask the organisation department)',
  },
  staleReloaded: {
    zh: '项目已在别处被修改，已重新载入最新内容；你刚才的修改未保存，请核对后重新填写。',
    en: 'The project was changed elsewhere: the latest version is shown; your changes were not saved, please check and enter them again.',
  },
  notEditable: { zh: '项目已不是草稿，责任书不能再修改。', en: 'The project is no longer a draft: the letter cannot be changed.' },
  returned: { zh: '项目被退回修改', en: 'Returned for revision' },
  returnedBy: { zh: '{who} 于 {when} 退回', en: 'Returned by {who} on {when}' },
  revisionDeadline: { zh: '修改后重新申报截止日：{date}', en: 'Resubmit by {date}' },
  files: { zh: '附件', en: 'Files' },
  signedLetter: { zh: '目标责任书盖章扫描件', en: 'Signed and sealed letter' },
  finalReportDocument: { zh: '结项文件', en: 'Final report document' },
  upload: { zh: '上传盖章扫描件（PDF）', en: 'Upload the signed letter (PDF)' },
  uploadDocument: { zh: '上传结项文件', en: 'Upload a final report document' },
  chooseFile: { zh: '选择文件', en: 'Choose a file' },
  uploading: { zh: '上传中', en: 'Uploading' },
  uploaded: { zh: '已上传：{name}', en: 'Uploaded: {name}' },
  uploadFailed: { zh: '上传未成功', en: 'Upload failed' },
  uploadProgress: { zh: '上传进度', en: 'Upload progress' },
  pdfOnly: { zh: '仅接受 PDF 文件，大小不超过 20 MB。', en: 'PDF only, up to 20 MB.' },
  documentsAccepted: { zh: '接受 PDF、JPEG、PNG、DOCX、XLSX，大小不超过 20 MB。', en: 'PDF, JPEG, PNG, DOCX or XLSX, up to 20 MB.' },
  required: { zh: '（本批次要求）', en: '(required by this round)' },
  noFiles: { zh: '暂无附件', en: 'No files yet' },
  fileName: { zh: '文件名', en: 'File' },
  kind: { zh: '种类', en: 'Kind' },
  size: { zh: '大小', en: 'Size' },
  uploadedAt: { zh: '上传时间', en: 'Uploaded' },
  download: { zh: '下载', en: 'Download' },
  history: { zh: '办理记录', en: 'History' },
  noHistory: { zh: '暂无记录', en: 'No entries yet' },
  event: { zh: '事项', en: 'Event' },
  actor: { zh: '办理人', en: 'By' },
  at: { zh: '时间', en: 'When' },
  note: { zh: '意见或说明', en: 'Comment or reason' },
  reports: { zh: '实施进展与结项', en: 'Progress and final report' },
  progressReport: { zh: '进展报告', en: 'Progress report' },
  progressReportHint: { zh: '已开展的活动、参与情况、阶段成效', en: 'Activities held, participation, results so far' },
  submitProgress: { zh: '提交进展报告', en: 'Submit the progress report' },
  finalReport: { zh: '结项报告：成果总结', en: 'Final report: summary of outcomes' },
  finalReportHint: { zh: '完成情况、取得的成果、经验与特色', en: 'What was done, the outcomes, what is distinctive' },
  documents: { zh: '随报告提交的结项文件', en: 'Documents handed in with the report' },
  submitFinal: { zh: '提交结项报告', en: 'Submit the final report' },
  previousReports: { zh: '已提交的报告', en: 'Reports handed in' },
  noReports: { zh: '尚未提交报告', en: 'No report yet' },
  finalReturned: { zh: '结项报告被退回', en: 'Final report returned' },
  reportEmpty: { zh: '请填写报告内容', en: 'Write the report first' },
  revisions: { zh: '责任书修订记录', en: 'Letter revisions' },
  revision: { zh: '修订号', en: 'Revision' },
  savedBy: { zh: '保存人', en: 'Saved by' },
  savedAt: { zh: '保存时间', en: 'Saved' },
  hash: { zh: 'SHA-256', en: 'SHA-256' },
  submittedRevision: { zh: '提交版本', en: 'Submitted' },
  submittedOn: { zh: '于 {when} 提交', en: 'Submitted {when}' },
  latestSubmitted: { zh: '最近提交的版本', en: 'Latest submitted' },
  noRevisions: { zh: '暂无修订', en: 'No revisions' },
  yes: { zh: '是', en: 'Yes' },
  colon: { zh: '：', en: ': ' },
} satisfies Record<string, Label>;

export type SKey = keyof typeof S;

/** The applicant screens' string in the chosen language, `{name}` filled from `values`. */
export function s(key: SKey, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** The labels of the record entries (CREATE_PROJECT, EDIT_DRAFT, ...), which the machine does not name. */
export const RECORD_LABELS: Record<string, Label> = {
  CREATE_PROJECT: { zh: '新建项目', en: 'Project created' },
  EDIT_DRAFT: { zh: '修改草稿', en: 'Draft edited' },
  UPLOAD_FILE: { zh: '上传文件', en: 'File uploaded' },
  ASSIGN_REVIEWER: { zh: '分配评审人', en: 'Reviewer assigned' },
  ASSIGN_ACCEPTANCE_REVIEWER: { zh: '分配结项评审人', en: 'Acceptance reviewer assigned' },
  REPLACE_REVIEWER: { zh: '更换评审人', en: 'Reviewer replaced' },
  REPLACE_ACCEPTANCE_REVIEWER: { zh: '更换结项评审人', en: 'Acceptance reviewer replaced' },
  MIGRATE: { zh: '迁移到新版本流程', en: 'Moved to a new machine version' },
};

// ---- The letter and the guard's completeness rules (machines/project.rules.ts, letterComplete) ----

export interface LetterDraft {
  title: string;
  category: Category | '';
  direction: string;
  rationale: string;
  activities: { content: string; form: string; when: string }[];
  expectedOutcomes: string;
  leader: string;
  members: string[];
  contact: string;
}

export function emptyDraft(): LetterDraft {
  return { title: '', category: '', direction: '', rationale: '', activities: [{ content: '', form: '', when: '' }], expectedOutcomes: '', leader: '', members: [''], contact: '' };
}

export function draftOf(project: Project): LetterDraft {
  const letter = project.letter ?? {};
  const activities = (letter.activities ?? []).map((a) => ({ content: a.content ?? '', form: a.form ?? '', when: a.when ?? '' }));
  const members = [...(letter.members ?? [])];
  return {
    title: project.title,
    category: project.category,
    direction: project.direction,
    rationale: letter.rationale ?? '',
    activities,
    expectedOutcomes: letter.expectedOutcomes ?? '',
    leader: letter.leader ?? '',
    members: members.length > 0 ? members : [''],
    contact: letter.contact ?? '',
  };
}

/** The letter as the API takes it (members left as typed: a blank one is the guard's to name). */
export function letterOf(draft: LetterDraft): Letter {
  return {
    rationale: draft.rationale,
    activities: draft.activities.map((a) => ({ content: a.content, form: a.form, when: a.when })),
    expectedOutcomes: draft.expectedOutcomes,
    leader: draft.leader,
    members: draft.members.length === 1 && draft.members[0]!.trim() === '' ? [] : [...draft.members],
    contact: draft.contact,
  };
}

const blank = (value: string | undefined | null): boolean => value === undefined || value === null || value.trim() === '';

/** What the SUBMIT guard (letterComplete) would name as missing: the same keys as its `detail.missing`. */
export function letterMissing(title: string, letter: Letter): string[] {
  const missing: string[] = [];
  if (blank(title)) missing.push('title');
  if (blank(letter.rationale)) missing.push('rationale');
  const activities = letter.activities ?? [];
  if (activities.length === 0) missing.push('activities');
  activities.forEach((activity, index) => {
    for (const key of ['content', 'form', 'when'] as const) if (blank(activity[key])) missing.push(`activities[${index}].${key}`);
  });
  if (blank(letter.expectedOutcomes)) missing.push('expectedOutcomes');
  if (blank(letter.leader)) missing.push('leader');
  if (!letter.members || letter.members.length === 0 || letter.members.some(blank)) missing.push('members');
  if (blank(letter.contact)) missing.push('contact');
  return missing;
}

/** A missing key in words: `activities[1].form` → 内容与载体第 2 项：活动形式. */
export function missingLabel(key: string): string {
  const row = /^activities\[(\d+)\]\.(content|form|when)$/.exec(key);
  if (row) return `${s('activities')} ${s('activityN', { n: Number(row[1]) + 1 })}${language.value === 'zh' ? '：' : ': '}${s(row[2] as SKey)}`;
  return key in S ? s(key as SKey) : key;
}

/** The missing keys in words, each activity's fields together: 立项起因、内容与载体第 1 项（活动形式、时间安排）. */
export function missingSummary(keys: string[]): string {
  const parts: string[] = [];
  const rows = new Map<number, string[]>();
  for (const key of keys) {
    const row = /^activities\[(\d+)\]\.(content|form|when)$/.exec(key);
    if (!row) {
      parts.push(missingLabel(key));
      continue;
    }
    const index = Number(row[1]);
    if (!rows.has(index)) {
      rows.set(index, []);
      parts.push(`#row${index}`);
    }
    rows.get(index)!.push(s(row[2] as SKey));
  }
  const comma = language.value === 'zh' ? '、' : ', ';
  return parts
    .map((part) => {
      if (!part.startsWith('#row')) return part;
      const index = Number(part.slice(4));
      return `${s('activities')} ${s('activityN', { n: index + 1 })}（${rows.get(index)!.join(comma)}）`;
    })
    .join(comma);
}

// ---- Loaders ----

export async function loadRound(id: string): Promise<Round | null> {
  const { data } = await api.GET('/api/v1/rounds/{id}', { params: { path: { id } } });
  return data ?? null;
}

/** The project's log, oldest first. */
export function loadTransitions(projectId: string): Promise<Transition[]> {
  return allPages(async (cursor) => {
    const { data, error, response } = await api.GET('/api/v1/projects/{id}/transitions', {
      params: { path: { id: projectId }, query: cursor ? { limit: 500, cursor } : { limit: 500 } },
    });
    if (!data) throw new ProblemError(asProblem(error, response), response.status);
    return data;
  });
}

/** A payload's text field, if it has one. */
export function payloadText(entry: Transition, key: string): string {
  const value = (entry.payload as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

/** The latest RETURN_FOR_REVISION that still applies: the project is a draft again after it. */
export function lastReturn(entries: Transition[]): Transition | null {
  const returns = entries.filter((e) => e.event === 'RETURN_FOR_REVISION');
  return returns.length > 0 ? returns[returns.length - 1]! : null;
}

/** The CSRF token of the session, for the writes not made through `api` (the upload with progress). */
export function csrfToken(): string | null {
  return session.value?.csrfToken ?? null;
}

/** A new random key, one per intended create (Idempotency-Key). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
