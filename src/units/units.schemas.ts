import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp, withExamples, type Example } from '../http/schemas.js';

export const UNIT_TYPES = ['organ_committee', 'general_branch', 'direct_branch', 'branch'] as const;

const UnitType = Type.Enum(UNIT_TYPES, {
  description: '党组织类型 / Unit type: organ_committee 机关党委, general_branch 党总支, direct_branch 直属党支部, branch 党支部',
});

export const UnitSchema = Type.Object(
  {
    id: Id('党组织标识 / Unit id', EXAMPLE.branchId),
    name: Type.String({ minLength: 1, description: '名称 / Name', examples: ['声乐系党支部'] }),
    type: UnitType,
    parentId: Type.Union([Id('上级党组织 / Parent unit', EXAMPLE.generalBranchId), Type.Null()], {
      description: '上级党组织，无则为 null / The unit above; null for a top-level unit',
    }),
    active: Type.Boolean({
      description: '是否在用；停用的党组织不计入申报完成情况，也不能新增用户或项目 / Whether in use; an inactive unit leaves the quota and takes no new users or projects',
      examples: [true],
    }),
    createdAt: Timestamp,
  },
  { $id: 'Unit', additionalProperties: false, description: '党组织 / Party organisation' },
);
export type Unit = Static<typeof UnitSchema>;

export const UNIT_EXAMPLE: Unit = {
  id: EXAMPLE.branchId,
  name: '声乐系党支部',
  type: 'branch',
  parentId: EXAMPLE.generalBranchId,
  active: true,
  createdAt: EXAMPLE.createdAt,
};

export const UNIT_EXAMPLES: Record<string, Example<Unit[]>> = {
  tree: {
    summary: '党总支及其下属党支部 / A general branch and its branch',
    value: [{ id: EXAMPLE.generalBranchId, name: '音乐学院党总支', type: 'general_branch', parentId: null, active: true, createdAt: EXAMPLE.createdAt }, UNIT_EXAMPLE],
  },
};

export const CreateUnitBody = withExamples(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200, description: '名称 / Name', examples: ['音乐学院党总支'] }),
      type: UnitType,
      parentId: Type.Optional(
        Type.Union([Id('上级党组织 / Parent unit', EXAMPLE.generalBranchId), Type.Null()], {
          description:
            '上级党组织：党支部须隶属党总支或机关党委；机关党委、党总支、直属党支部直属党委，不填 / The unit above: a branch needs a general branch or the organ committee; the others sit directly under the party committee (none)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  {
    generalBranch: { summary: '党总支 / A general branch', value: { name: '音乐学院党总支', type: 'general_branch' } },
    branch: { summary: '党总支下的党支部 / A branch under it', value: { name: '声乐系党支部', type: 'branch', parentId: EXAMPLE.generalBranchId } },
  },
);
export type CreateUnitInput = Static<typeof CreateUnitBody>;

const Reason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description, examples: ['隶属关系更正'] });

export const AmendUnitBody = withExamples(
  Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '新名称 / New name', examples: ['声乐歌剧系党支部'] })),
      parentId: Type.Optional(
        Type.Union([Id('新的上级党组织 / New parent unit', EXAMPLE.generalBranchId), Type.Null()], {
          description: '新的上级党组织（党支部改隶）/ The new unit above (a branch moved)',
        }),
      ),
      reason: Type.Optional(Reason('修改原因，记入日志 / Why, kept in the log')),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  {
    rename: { summary: '更名 / Rename', value: { name: '声乐歌剧系党支部', reason: '院系调整' } },
    move: { summary: '改隶 / Move', value: { parentId: EXAMPLE.generalBranchId, reason: '隶属关系更正' } },
  },
);
export type AmendUnitInput = Static<typeof AmendUnitBody>;

export const UnitReasonBody = withExamples(Type.Object({ reason: Reason('原因，记入日志 / Why, kept in the log') }, { additionalProperties: false }), {
  closed: { summary: '党支部撤销 / A branch dissolved', value: { reason: '党支部撤销' } },
});
export type UnitReasonInput = Static<typeof UnitReasonBody>;

export const DeleteUnitBody = withExamples(Type.Object({ reason: Type.Optional(Reason('删除原因，记入日志 / Why, kept in the log')) }, { additionalProperties: false }), {
  mistake: { summary: '误建 / Created by mistake', value: { reason: '误建，名称重复' } },
});
export type DeleteUnitInput = Static<typeof DeleteUnitBody>;
