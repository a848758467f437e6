import { Type, type Static } from 'typebox';
import { ROLES } from '../../machines/project.types.js';
import { Timestamp, Uuid } from '../http/schemas.js';

export const RoleSchema = Type.Enum(ROLES, {
  description: 'applicant 申报单位, org_dept 党委组织部, reviewer 评审组成员, committee 党委会议, auditor 监督检查, admin 系统管理员',
});

export const UserSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    role: RoleSchema,
    unitId: Type.Union([Uuid, Type.Null()]),
    active: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'User', additionalProperties: false, description: '用户 / User' },
);
export type User = Static<typeof UserSchema>;

export const CreateUserBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, examples: ['张老师'] }),
    role: RoleSchema,
    unitId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Required for applicants and reviewers' })),
  },
  { additionalProperties: false },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

export const CreatedUserSchema = Type.Object(
  {
    user: UserSchema,
    token: Type.String({ description: 'The bearer token, shown only in this answer; only its hash is stored' }),
  },
  { additionalProperties: false },
);
