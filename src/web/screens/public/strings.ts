/** The public screens' strings (Chinese first, English via the switch) and their loaders. */
import type { components } from '../../api/schema';
import { language, type Label } from '../../i18n';
export { listRounds } from '../../api/lists';

export type Round = components['schemas']['Round'];
export type Objection = components['schemas']['Objection'];
export type ProposedList = components['schemas']['ProposedList'];
export type PublishedList = components['schemas']['PublishedList'];

export const S = {
  publishedLists: { zh: '已公布的立项名单', en: 'Published approved lists' },
  publicityRounds: { zh: '公示中的拟立项名单', en: 'Proposed lists in publicity' },
  publishedIntro: { zh: '党委已公布立项名单的批次，点击批次名称查看并打印名单。', en: 'Rounds whose approved list the committee has published; open one to read and print it.' },
  publicityIntro: {
    zh: '正在公示的拟立项名单。公示期内，本校任何人员均可对名单或其中的项目提出异议。',
    en: 'Proposed lists in publicity. During the period anyone of the institution may object to a list or to one of its projects.',
  },
  noRounds: { zh: '暂无批次', en: 'No rounds' },
  loading: { zh: '加载中…', en: 'Loading…' },
  year: { zh: '年度', en: 'Year' },
  roundTitle: { zh: '批次名称', en: 'Round' },
  documentNumber: { zh: '发文字号', en: 'Document number' },
  publishedOn: { zh: '发文日期', en: 'Date of the document' },
  state: { zh: '状态', en: 'State' },
  noticeTitle: { zh: '关于公布{year}年度党建项目立项名单的通知', en: 'Notice of the approved party-building projects, {year}' },
  noticeLead: { zh: '经党委研究决定，以下项目予以立项，现予公布。', en: 'By decision of the Party committee the following projects are approved, and published here.' },
  index: { zh: '序号', en: 'No.' },
  title: { zh: '项目名称', en: 'Title' },
  unit: { zh: '申报单位', en: 'Unit' },
  category: { zh: '类别', en: 'Category' },
  direction: { zh: '方向', en: 'Direction' },
  total: { zh: '共 {total} 项', en: '{total} projects' },
  noProjects: { zh: '暂无项目', en: 'No projects' },
  print: { zh: '打印', en: 'Print' },
  otherForms: { zh: '其他格式', en: 'Other forms' },
  csv: { zh: 'CSV 表格', en: 'CSV' },
  xlsx: { zh: 'Excel 表格（XLSX）', en: 'Excel (XLSX)' },
  html: { zh: '可打印网页（HTML）', en: 'Printable page (HTML)' },
  signedList: { zh: '盖章的立项名单（PDF）', en: 'Signed list (PDF)' },
  back: { zh: '返回', en: 'Back' },
  notPublished: { zh: '该批次的立项名单尚未公布', en: 'This round’s list is not published yet' },
  publicity: { zh: '拟立项名单公示', en: 'Publicity of the proposed list' },
  publicityStart: { zh: '公示开始', en: 'Starts' },
  publicityEnd: { zh: '公示结束', en: 'Ends' },
  workingDays: { zh: '工作日数', en: 'Working days' },
  publicityOver: { zh: '公示期已结束', en: 'The period is over' },
  publicityRunning: { zh: '公示期内', en: 'The period is running' },
  notInPublicity: { zh: '该批次不在公示期', en: 'This round is not in publicity' },
  lodge: { zh: '提出异议', en: 'Lodge an objection' },
  lodgeIntro: {
    zh: '可针对整个名单或其中一个项目，须写明理由。提出人信息仅党委组织部、党委与审计人员可见。',
    en: 'Object to the whole list or to one project, with a reason. Only the organisation department, the committee and auditors see who lodged it.',
  },
  concerns: { zh: '针对', en: 'Concerns' },
  wholeList: { zh: '整个名单', en: 'The whole list' },
  reason: { zh: '理由', en: 'Reason' },
  submit: { zh: '提交异议', en: 'Submit the objection' },
  reasonRequired: { zh: '请填写理由', en: 'Give a reason' },
  lodged: { zh: '异议已提交，编号 {number}', en: 'Objection lodged, number {number}' },
  periodOver: { zh: '公示期已结束，不能再提出异议。', en: 'The period is over: no more objections.' },
  myObjections: { zh: '我提出的异议', en: 'My objections' },
  objections: { zh: '异议及处理情况', en: 'Objections and their handling' },
  noObjections: { zh: '暂无异议', en: 'No objections' },
  number: { zh: '编号', en: 'No.' },
  lodgedAt: { zh: '提出时间', en: 'Lodged at' },
  handling: { zh: '处理情况', en: 'Handling' },
  open: { zh: '待处理', en: 'Open' },
  upheld: { zh: '异议成立', en: 'Upheld' },
  dismissed: { zh: '异议不成立', en: 'Dismissed' },
  colon: { zh: '：', en: ': ' },
} satisfies Record<string, Label>;

export type Key = keyof typeof S;

export function s(key: Key, values: Record<string, string | number> = {}): string {
  return S[key][language.value].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** Where the published list is offered in another form (the API's `format`). */
export function publishedListHref(roundId: string, format: 'csv' | 'xlsx' | 'html'): string {
  return `/api/v1/rounds/${encodeURIComponent(roundId)}/published-list?format=${format}`;
}
