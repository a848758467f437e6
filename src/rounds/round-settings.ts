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
}
