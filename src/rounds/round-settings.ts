/**
 * A round's settings as the rounds table holds them, the rules every set of them obeys (at creation
 * and at each amendment), and the "opened" rule: once a round has opened, only its deadlines move.
 */
import { ROUND_DEADLINES } from '../audit/table-rules.js';
import type { RoundRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import type { AmendRoundInput, RoundContactInput } from './rounds.schemas.js';

/** The settings of a round, by the names the log's AMEND_ROUND uses (src/audit/tables-replay.mjs ROUND_SETTINGS). */
export type Settings = Pick<
  RoundRow,
  | 'year'
  | 'title'
  | 'documentNumber'
  | 'submissionDeadline'
  | 'revisionDeadline'
  | 'finalAcceptanceDate'
  | 'acceptanceOpensOn'
  | 'fundingFirst'
  | 'fundingSecond'
  | 'fundingThird'
  | 'fundingQualified'
  | 'minReviews'
  | 'scoreMin'
  | 'scoreMax'
  | 'requireSignedLetter'
  | 'conflictScope'
  | 'acceptanceCriteria'
  | 'minAcceptanceReviews'
  | 'prizeCaps'
  | 'recommendableGrades'
  | 'publicityWorkingDays'
> & { contacts: RoundContactInput[] };

export type SettingName = keyof Settings;

/** The longest publicity period a round may set, in working days; the default is DEFAULT_PUBLICITY_WORKING_DAYS. */
export const MAX_PUBLICITY_WORKING_DAYS = 30;
export const DEFAULT_PUBLICITY_WORKING_DAYS = 5;

/** The settings an amendment may still change once the round has opened: the replay's own list. */
export const DEADLINES = ROUND_DEADLINES as readonly SettingName[];

/** The column of each setting (for the UPDATE). */
export const SETTING_COLUMNS: Record<SettingName, string> = {
  year: 'year',
  title: 'title',
  documentNumber: 'document_number',
  submissionDeadline: 'submission_deadline',
  revisionDeadline: 'revision_deadline',
  finalAcceptanceDate: 'final_acceptance_date',
  acceptanceOpensOn: 'acceptance_opens_on',
  fundingFirst: 'funding_first',
  fundingSecond: 'funding_second',
  fundingThird: 'funding_third',
  fundingQualified: 'funding_qualified',
  minReviews: 'min_reviews',
  scoreMin: 'score_min',
  scoreMax: 'score_max',
  requireSignedLetter: 'require_signed_letter',
  conflictScope: 'conflict_scope',
  contacts: 'contacts',
  acceptanceCriteria: 'acceptance_criteria',
  minAcceptanceReviews: 'min_acceptance_reviews',
  prizeCaps: 'prize_caps',
  recommendableGrades: 'recommendable_grades',
  publicityWorkingDays: 'publicity_working_days',
};

export function settingsOf(row: RoundRow): Settings {
  return {
    year: row.year,
    title: row.title,
    documentNumber: row.documentNumber,
    submissionDeadline: row.submissionDeadline,
    revisionDeadline: row.revisionDeadline,
    finalAcceptanceDate: row.finalAcceptanceDate,
    acceptanceOpensOn: row.acceptanceOpensOn,
    fundingFirst: row.fundingFirst,
    fundingSecond: row.fundingSecond,
    fundingThird: row.fundingThird,
    fundingQualified: row.fundingQualified,
    minReviews: row.minReviews,
    scoreMin: row.scoreMin,
    scoreMax: row.scoreMax,
    requireSignedLetter: row.requireSignedLetter,
    conflictScope: row.conflictScope,
    contacts: row.contacts,
    acceptanceCriteria: row.acceptanceCriteria,
    minAcceptanceReviews: row.minAcceptanceReviews,
    prizeCaps: row.prizeCaps,
    recommendableGrades: row.recommendableGrades,
    publicityWorkingDays: row.publicityWorkingDays,
  };
}

/** The settings an amendment names, flattened to the table's names (funding.first → fundingFirst ...). */
export function requestedSettings(input: AmendRoundInput): Partial<Settings> {
  const out: Partial<Settings> = {};
  const set = <K extends SettingName>(key: K, value: Settings[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('year', input.year);
  set('title', input.title);
  set('documentNumber', input.documentNumber);
  set('submissionDeadline', input.submissionDeadline);
  set('revisionDeadline', input.revisionDeadline);
  set('finalAcceptanceDate', input.finalAcceptanceDate);
  set('acceptanceOpensOn', input.acceptanceOpensOn);
  set('fundingFirst', input.funding?.first);
  set('fundingSecond', input.funding?.second);
  set('fundingThird', input.funding?.third);
  set('fundingQualified', input.funding?.qualified);
  set('minReviews', input.minReviews);
  set('scoreMin', input.scoreScale?.min);
  set('scoreMax', input.scoreScale?.max);
  set('requireSignedLetter', input.requireSignedLetter);
  set('conflictScope', input.conflictScope);
  set('contacts', input.contacts);
  set('acceptanceCriteria', input.acceptanceCriteria);
  set('minAcceptanceReviews', input.minAcceptanceReviews);
  set('prizeCaps', input.prizeCaps);
  set('recommendableGrades', input.recommendableGrades);
  set('publicityWorkingDays', input.publicityWorkingDays);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Each setting that the request changes: { from, to }. */
export function changesBetween(current: Settings, requested: Partial<Settings>): Partial<Record<SettingName, { from: unknown; to: unknown }>> {
  const changes: Partial<Record<SettingName, { from: unknown; to: unknown }>> = {};
  for (const [key, to] of Object.entries(requested) as Array<[SettingName, unknown]>) {
    if (!same(current[key], to)) changes[key] = { from: current[key], to };
  }
  return changes;
}

function validDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

const refuse = (field: string, zh: string, en: string) => new Problem('unprocessable', `${zh} / ${en}`, { field, code: 'invalid_round_settings' });

/**
 * The rules of a round's settings, whole (422 naming the first field at fault):
 * submissionDeadline ≤ revisionDeadline ≤ finalAcceptanceDate (and submission ≤ final acceptance);
 * acceptanceOpensOn, when set, within submissionDeadline ≤ acceptanceOpensOn ≤ finalAcceptanceDate;
 * funding first ≥ second ≥ third ≥ qualified ≥ 0; 0 ≤ scoreMin < scoreMax ≤ 1000; minReviews ≥ 1;
 * each contact's phone a phone number; 0 ≤ publicityWorkingDays ≤ 30. The document number's uniqueness per year is the service's.
 */
export function checkSettings(s: Settings): void {
  for (const field of DEADLINES) {
    const value = s[field] as string | null;
    if (value !== null && !validDate(value)) throw refuse(field, '日期无效', `${field} is not a calendar date`);
  }
  if (s.revisionDeadline !== null && s.revisionDeadline < s.submissionDeadline) {
    throw refuse('revisionDeadline', '修改截止日期不能早于申报截止日期', 'revisionDeadline precedes submissionDeadline');
  }
  if (s.finalAcceptanceDate < (s.revisionDeadline ?? s.submissionDeadline)) {
    throw refuse('finalAcceptanceDate', '结项验收日期不能早于申报或修改截止日期', 'finalAcceptanceDate precedes the submission or revision deadline');
  }
  if (s.acceptanceOpensOn !== null) {
    if (s.acceptanceOpensOn > s.finalAcceptanceDate) {
      throw refuse('acceptanceOpensOn', '验收开放日期不能晚于结项验收日期', 'acceptanceOpensOn is after finalAcceptanceDate');
    }
    if (s.acceptanceOpensOn < s.submissionDeadline) {
      throw refuse('acceptanceOpensOn', '验收开放日期不能早于申报截止日期', 'acceptanceOpensOn precedes submissionDeadline');
    }
  }
  const funding: Array<[SettingName, number]> = [
    ['fundingFirst', s.fundingFirst],
    ['fundingSecond', s.fundingSecond],
    ['fundingThird', s.fundingThird],
    ['fundingQualified', s.fundingQualified],
  ];
  for (const [field, amount] of funding) {
    if (!Number.isInteger(amount) || amount < 0) throw refuse(field.replace('funding', 'funding.').toLowerCase(), '资助金额不能为负', `${field} is negative`);
  }
  for (let i = 1; i < funding.length; i += 1) {
    if (funding[i]![1] > funding[i - 1]![1]) {
      const name = funding[i]![0].replace('funding', '').toLowerCase();
      throw refuse(`funding.${name}`, '较低等级的资助金额不能高于较高等级', `funding.${name} exceeds the grade above it`);
    }
  }
  if (s.scoreMin < 0) throw refuse('scoreScale', '评分下限不能为负', 'scoreScale.min is negative');
  if (s.scoreMax <= s.scoreMin) throw refuse('scoreScale', '评分上限须大于下限', 'scoreScale.max must exceed scoreScale.min');
  if (s.scoreMax > 1000) throw refuse('scoreScale', '评分上限不能超过 1000', 'scoreScale.max exceeds 1000');
  if (!Number.isInteger(s.minReviews) || s.minReviews < 1) throw refuse('minReviews', '最少评审份数至少为 1', 'minReviews must be at least 1');
  if (!Number.isInteger(s.publicityWorkingDays) || s.publicityWorkingDays < 0 || s.publicityWorkingDays > MAX_PUBLICITY_WORKING_DAYS) {
    throw refuse('publicityWorkingDays', `公示期须为 0 至 ${MAX_PUBLICITY_WORKING_DAYS} 个工作日`, `publicityWorkingDays must be 0 to ${MAX_PUBLICITY_WORKING_DAYS} working days`);
  }
  if (s.contacts.length > 5) throw refuse('contacts', '联系人至多 5 位', 'at most 5 contacts');
  checkAcceptanceSettings(s);
}

const CRITERION_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * 结项评审's settings: 1 to 10 acceptance criteria with unique keys (lower case, digits, `_`) and
 * labels in both languages; minAcceptanceReviews ≥ 1; each prize cap a whole number ≥ 0; the
 * recommendable grades a non-empty set of grades.
 */
function checkAcceptanceSettings(s: Settings): void {
  const criteria = s.acceptanceCriteria;
  if (criteria.length < 1 || criteria.length > 10) throw refuse('acceptanceCriteria', '结项评审标准须为 1 至 10 项', 'acceptanceCriteria needs 1 to 10 criteria');
  const keys = new Set<string>();
  for (const [index, criterion] of criteria.entries()) {
    if (!CRITERION_KEY.test(criterion.key)) {
      throw refuse(`acceptanceCriteria[${index}].key`, '评审标准的键须为小写字母开头的字母、数字或下划线', `acceptanceCriteria[${index}].key must match ${CRITERION_KEY.source}`);
    }
    if (keys.has(criterion.key)) throw refuse(`acceptanceCriteria[${index}].key`, `评审标准 ${criterion.key} 重复`, `acceptanceCriteria key ${criterion.key} is repeated`);
    keys.add(criterion.key);
    if (criterion.label.zh.trim() === '' || criterion.label.en.trim() === '') {
      throw refuse(`acceptanceCriteria[${index}].label`, '评审标准须有中英文名称', `acceptanceCriteria[${index}].label needs zh and en`);
    }
  }
  if (!Number.isInteger(s.minAcceptanceReviews) || s.minAcceptanceReviews < 1) {
    throw refuse('minAcceptanceReviews', '最少结项评审份数至少为 1', 'minAcceptanceReviews must be at least 1');
  }
  for (const [grade, cap] of Object.entries(s.prizeCaps)) {
    if (!Number.isInteger(cap) || cap < 0) throw refuse(`prizeCaps.${grade}`, '获奖数上限须为非负整数', `prizeCaps.${grade} must be a whole number ≥ 0`);
  }
  if (s.recommendableGrades.length === 0) throw refuse('recommendableGrades', '至少设定一个可推荐的等级', 'recommendableGrades must name at least one grade');
  if (new Set(s.recommendableGrades).size !== s.recommendableGrades.length) {
    throw refuse('recommendableGrades', '可推荐的等级不能重复', 'recommendableGrades repeats a grade');
  }
}
