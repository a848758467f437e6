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
  createdAt: EXAMPLE.createdAt,
};

export const UNIT_EXAMPLES: Record<string, Example<Unit[]>> = {
  tree: {
    summary: '党总支及其下属党支部 / A general branch and its branch',
    value: [{ id: EXAMPLE.generalBranchId, name: '音乐学院党总支', type: 'general_branch', parentId: null, createdAt: EXAMPLE.createdAt }, UNIT_EXAMPLE],
  },
};

export const CreateUnitBody = withExamples(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200, description: '名称 / Name', examples: ['音乐学院党总支'] }),
      type: UnitType,
      parentId: Type.Optional(
        Type.Union([Id('上级党组织 / Parent unit', EXAMPLE.generalBranchId), Type.Null()], {
          description: '上级党组织；党支部通常隶属党总支 / The unit above; a branch normally sits under a general branch',
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
