import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../http/schemas.js';

export const UNIT_TYPES = ['organ_committee', 'general_branch', 'direct_branch', 'branch'] as const;

export const UnitSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    type: Type.Enum(UNIT_TYPES),
    parentId: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp,
  },
  { $id: 'Unit', additionalProperties: false, description: '党组织 / Party organisation' },
);
export type Unit = Static<typeof UnitSchema>;

export const CreateUnitBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, examples: ['音乐学院党总支'] }),
    type: Type.Enum(UNIT_TYPES, {
      description: 'organ_committee 机关党委, general_branch 党总支, direct_branch 直属党支部, branch 党支部',
    }),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The unit above; a branch normally sits under a general branch' })),
  },
  { additionalProperties: false },
);
export type CreateUnitInput = Static<typeof CreateUnitBody>;
