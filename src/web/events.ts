/**
 * What each event asks of the person firing it: the fields of its body in the OpenAPI document
 * (components.schemas.*Event). Events without fields fire at once; the others open a small form.
 */
import type { MachineDefinition } from './api/client';
import type { Label } from './i18n';
import { criteriaOf } from './machine';

export interface EventField {
  name: string;
  label: Label;
  required: boolean;
  kind: 'text' | 'textarea' | 'select' | 'score';
  options?: { value: string; label: Label }[];
}

const comment = (required: boolean, label: Label = { zh: '意见', en: 'Comment' }): EventField => ({ name: 'comment', label, required, kind: 'textarea' });
const reason = (required: boolean): EventField => ({ name: 'reason', label: { zh: '理由', en: 'Reason' }, required, kind: 'textarea' });
const GRADES = [
  { value: 'first', label: { zh: '一等奖', en: 'First' } },
  { value: 'second', label: { zh: '二等奖', en: 'Second' } },
  { value: 'third', label: { zh: '三等奖', en: 'Third' } },
  { value: 'qualified', label: { zh: '合格', en: 'Qualified' } },
];

export const EVENT_FIELDS: Record<string, EventField[]> = {
  SUBMIT: [],
  WITHDRAW: [reason(false)],
  RETURN_FOR_REVISION: [comment(true, { zh: '修改意见', en: 'What to revise' })],
  PASS_PRELIMINARY_CHECK: [comment(false)],
  REJECT: [reason(true)],
  // The criteria's fields come from the machine definition (fieldsOf).
  SUBMIT_REVIEW: [comment(true, { zh: '评审意见', en: 'Review comment' })],
  COMPLETE_PANEL_REVIEW: [comment(false)],
  APPROVE: [{ name: 'meetingReference', label: { zh: '党委会议记录编号', en: 'Meeting reference' }, required: true, kind: 'text' }, comment(false)],
  START: [comment(false)],
  SUBMIT_PROGRESS_REPORT: [{ name: 'text', label: { zh: '进展报告', en: 'Progress report' }, required: true, kind: 'textarea' }],
  SUBMIT_FINAL_REPORT: [{ name: 'summary', label: { zh: '成果总结', en: 'Summary of outcomes' }, required: true, kind: 'textarea' }],
  RETURN_FINAL_REPORT: [comment(true, { zh: '退回意见', en: 'What to add' })],
  GRADE: [{ name: 'grade', label: { zh: '等级', en: 'Grade' }, required: true, kind: 'select', options: GRADES }, comment(false)],
  FAIL: [reason(true)],
  RECOMMEND: [{ name: 'note', label: { zh: '推荐说明', en: 'Note' }, required: true, kind: 'textarea' }],
  REVERSE_DECISION: [reason(true), { name: 'meetingReference', label: { zh: '党委会议记录编号', en: 'Meeting reference' }, required: false, kind: 'text' }],
  // The acceptance criteria are the round's own: their scoring form belongs to the reviewer's screen.
  SUBMIT_ACCEPTANCE_REVIEW: [comment(true, { zh: '结项评审意见', en: 'Acceptance review comment' })],
  PROPOSE_GRADE: [
    {
      name: 'grade',
      label: { zh: '建议等级', en: 'Proposed grade' },
      required: true,
      kind: 'select',
      options: [...GRADES, { value: 'fail', label: { zh: '不予结项', en: 'Fail' } }],
    },
    comment(false, { zh: '说明', en: 'Comment' }),
  ],
  RECORD_RECOMMENDATION_OUTCOME: [
    {
      name: 'outcome',
      label: { zh: '评选结果', en: 'Outcome' },
      required: true,
      kind: 'select',
      options: [
        { value: 'selected', label: { zh: '入选', en: 'Selected' } },
        { value: 'not_selected', label: { zh: '未入选', en: 'Not selected' } },
      ],
    },
    { name: 'level', label: { zh: '评选层级', en: 'Level' }, required: true, kind: 'text' },
    { name: 'note', label: { zh: '说明', en: 'Note' }, required: false, kind: 'textarea' },
  ],
};

/** The fields of `type`'s form; the panel review's scores are the criteria the machine definition names (GET /machine). */
export function fieldsOf(type: string, machine: MachineDefinition | null = null): EventField[] {
  const fields = EVENT_FIELDS[type] ?? [];
  if (type !== 'SUBMIT_REVIEW') return fields;
  return [...criteriaOf(machine).map(({ key, label }): EventField => ({ name: `scores.${key}`, label, required: true, kind: 'score' })), ...fields];
}

/** The event's body from the form's values: empty optional fields left out, `scores.x` gathered into `scores`. */
export function eventBody(type: string, values: Record<string, string | number | undefined>): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  for (const [name, value] of Object.entries(values)) {
    if (!name.startsWith('scores.') || value === undefined || value === '') continue;
    const scores = (body.scores ??= {}) as Record<string, number>;
    scores[name.slice('scores.'.length)] = Number(value);
  }
  for (const field of fieldsOf(type)) {
    const value = values[field.name];
    if (value !== undefined && value !== '') body[field.name] = value;
  }
  return body;
}
