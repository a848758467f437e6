import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { CalendarDate, Id, Timestamp, ref, withExamples, type Example } from '../http/schemas.js';

const Reason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description, examples: ['支部换届，延期一周'] });

export const ExtensionSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    unitId: Id('党组织 / Unit id', EXAMPLE.branchId),
    unitName: Type.String({ minLength: 1, description: '党组织名称 / Unit name', examples: ['声乐系党支部'] }),
    submissionDeadline: {
      ...CalendarDate,
      description: '该党组织的申报截止日（含当日，北京时间）/ The unit’s last day of submission, Asia/Shanghai, inclusive',
      examples: ['2023-04-05'],
    },
    closesAt: Type.String({
      format: 'date-time',
      minLength: 20,
      description: '申报窗口关闭时刻（UTC）/ When the unit’s window closes, UTC',
      examples: ['2023-04-05T16:00:00.000Z'],
    }),
    reason: Reason('延期原因 / Why'),
    grantedBy: Id('准予人 / Granted by', EXAMPLE.orgDeptId),
    grantedAt: Timestamp,
  },
  { $id: 'Extension', additionalProperties: false, description: '某党组织在批次中的延期申报 / A unit’s own submission deadline in a round' },
);
export type Extension = Static<typeof ExtensionSchema>;

export const EXTENSION_EXAMPLE: Extension = {
  roundId: EXAMPLE.roundId,
  unitId: EXAMPLE.branchId,
  unitName: '声乐系党支部',
  submissionDeadline: '2023-04-05',
  closesAt: '2023-04-05T16:00:00.000Z',
  reason: '支部换届，延期一周',
  grantedBy: EXAMPLE.orgDeptId,
  grantedAt: EXAMPLE.submittedAt,
};

export const EXTENSION_EXAMPLES: Record<string, Example<Extension>> = { branch: { summary: '党支部延期一周 / A branch given a week', value: EXTENSION_EXAMPLE } };

export const ExtensionListSchema = Type.Object(
  { items: Type.Array(ref(ExtensionSchema), { description: '延期，按党组织 / The extensions, by unit' }) },
  { $id: 'ExtensionList', additionalProperties: false, description: '批次的延期 / A round’s extensions' },
);

export const GrantExtensionBody = withExamples(
  Type.Object(
    {
      unitId: Id('党组织 / Unit id', EXAMPLE.branchId),
      submissionDeadline: {
        ...CalendarDate,
        description:
          '该党组织的申报截止日：晚于批次申报截止日，早于修改截止日与结项验收日 / After the round’s submission deadline, before its revision deadline and final acceptance date',
        examples: ['2023-04-05'],
      },
      reason: Reason('延期原因，记入日志 / Why, kept in the log'),
    },
    { additionalProperties: false },
  ),
  { branch: { summary: '支部换届 / A branch’s election', value: { unitId: EXAMPLE.branchId, submissionDeadline: '2023-04-05', reason: '支部换届，延期一周' } } },
);
export type GrantExtensionInput = Static<typeof GrantExtensionBody>;

export const RevokeExtensionBody = withExamples(Type.Object({ reason: Reason('撤销原因，记入日志 / Why, kept in the log') }, { additionalProperties: false }), {
  revoked: { summary: '误批 / Granted by mistake', value: { reason: '误批，撤销' } },
});
export type RevokeExtensionInput = Static<typeof RevokeExtensionBody>;

export const ExtensionParams = Type.Object(
  {
    id: Id('立项批次 / Round id', EXAMPLE.roundId),
    unitId: Id('党组织 / Unit id', EXAMPLE.branchId),
  },
  { additionalProperties: false },
);

export const EXTENSION_SCHEMAS = [ExtensionSchema, ExtensionListSchema];
