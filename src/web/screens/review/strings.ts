/** The strings of the reviewer's and the committee's screens, Chinese first. */
import { language, type Label } from '../../i18n';

export const CRITERIA = ['direction', 'innovation', 'practicality', 'breadth', 'exemplarity'] as const;
export type Criterion = (typeof CRITERIA)[number];

const S = {
  worklist: { zh: '评审任务', en: 'My reviews' },
  worklistIntro: { zh: '分配给您评审的项目。', en: 'The projects assigned to you for review.' },
  noAssignments: { zh: '暂无评审任务', en: 'No assignments' },
  project: { zh: '项目', en: 'Project' },
  assignedAt: { zh: '分配时间', en: 'Assigned' },
  reviewed: { zh: '评分', en: 'Scored' },
  scored: { zh: '已评分', en: 'Scored' },
  notScored: { zh: '待评分', en: 'To score' },
  total: { zh: '总分', en: 'Total' },
  open: { zh: '评分', en: 'Score' },
  view: { zh: '查看', en: 'View' },
  backToWorklist: { zh: '返回评审任务', en: 'Back to my reviews' },
  signedLetter: { zh: '盖章扫描件', en: 'Signed letter' },
  noSignedLetter: { zh: '未上传盖章扫描件', en: 'No signed letter uploaded' },
  scoreForm: { zh: '评分表', en: 'Score sheet' },
  scaleHint: { zh: '每项分值范围', en: 'Each criterion from' },
  to: { zh: '至', en: 'to' },
  comment: { zh: '评审意见', en: 'Review comment' },
  submitReview: { zh: '提交评审意见', en: 'Submit the review' },
  yourReview: { zh: '您的评审意见', en: 'Your review' },
  cannotScore: { zh: '当前不能提交评审意见', en: 'A review cannot be submitted now' },
  reviewSubmitted: { zh: '评审意见已提交', en: 'Review submitted' },
  commentRequired: { zh: '请填写评审意见', en: 'Write a review comment' },
  ranking: { zh: '排名与决定', en: 'Ranking and decisions' },
  round: { zh: '批次', en: 'Round' },
  chooseRound: { zh: '请选择批次', en: 'Choose a round' },
  roundState: { zh: '批次状态', en: 'Round state' },
  noRanking: { zh: '本批次暂无评审意见', en: 'No reviews in this round yet' },
  rank: { zh: '名次', en: 'Rank' },
  unit: { zh: '申报单位', en: 'Unit' },
  reviewCount: { zh: '评审份数', en: 'Reviews' },
  meanTotal: { zh: '平均总分', en: 'Mean total' },
  medianTotal: { zh: '中位数', en: 'Median' },
  range: { zh: '最低–最高', en: 'Lowest–highest' },
  spread: { zh: '极差', en: 'Spread' },
  standardDeviation: { zh: '标准差', en: 'Std. dev.' },
  disagreement: { zh: '分歧较大', en: 'Strong disagreement' },
  state: { zh: '状态', en: 'State' },
  decisions: { zh: '决定', en: 'Decision' },
  scaleNote: { zh: '总分范围', en: 'Total range' },
  thresholdNote: { zh: '极差超过即为分歧较大', en: 'Strong disagreement above a spread of' },
  minReviewsNote: { zh: '每个项目最少评审份数', en: 'Minimum reviews per project' },
  meetingReference: { zh: '党委会议记录编号', en: 'Meeting reference' },
  reason: { zh: '理由', en: 'Reason' },
  optionalComment: { zh: '意见（选填）', en: 'Comment (optional)' },
  roundActions: { zh: '批次操作', en: 'Round actions' },
  fieldRequired: { zh: '请填写此项', en: 'Required' },
  acceptanceWorklist: { zh: '结项评审任务', en: 'My acceptance reviews' },
  acceptanceIntro: {
    zh: '分配给您评审结项报告的项目，按批次设定的结项评审标准评分。',
    en: 'The projects whose final report you are assigned to score, on the round’s acceptance criteria.',
  },
  noAcceptanceAssignments: { zh: '暂无结项评审任务', en: 'No acceptance assignments' },
  backToAcceptance: { zh: '返回结项评审任务', en: 'Back to my acceptance reviews' },
  finalReport: { zh: '结项报告', en: 'Final report' },
  finalReportSummary: { zh: '成果总结', en: 'Summary of outcomes' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  noFinalReport: { zh: '未找到结项报告', en: 'No final report found' },
  reportDocuments: { zh: '附带文件', en: 'Documents' },
  progressReports: { zh: '进展报告', en: 'Progress reports' },
  acceptanceForm: { zh: '结项评审评分表', en: 'Acceptance score sheet' },
  acceptanceComment: { zh: '结项评审意见', en: 'Acceptance review comment' },
  submitAcceptance: { zh: '提交结项评审意见', en: 'Submit the acceptance review' },
  acceptanceSubmitted: { zh: '结项评审意见已提交', en: 'Acceptance review submitted' },
  cannotScoreAcceptance: { zh: '当前不能提交结项评审意见', en: 'An acceptance review cannot be submitted now' },
  yourAcceptanceReview: { zh: '您的结项评审意见', en: 'Your acceptance review' },
} satisfies Record<string, Label>;

export type ReviewString = keyof typeof S;

/** The screen's string in the chosen language. */
export function s(key: ReviewString): string {
  return S[key][language.value];
}

/** A number of the ranking: up to two decimals, as the API rounds them. */
export function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
