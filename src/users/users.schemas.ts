import { Type, type Static } from 'typebox';
import { ROLES } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp, withExamples, type Example } from '../http/schemas.js';

export const RoleSchema = Type.Enum(ROLES, {
  description: '角色 / Role: applicant 申报单位, org_dept 党委组织部, reviewer 评审组成员, committee 党委会议, auditor 监督检查, admin 系统管理员',
});

const UnitRef = Type.Union([Id('所属党组织 / The user’s unit', EXAMPLE.branchId), Type.Null()], {
  description: '所属党组织；申报人与评审人必填 / The user’s unit; required for applicants and reviewers',
});

export const UserSchema = Type.Object(
  {
    id: Id('用户标识 / User id', EXAMPLE.applicantId),
    name: Type.String({ minLength: 1, description: '姓名 / Name', examples: ['王书记'] }),
    role: RoleSchema,
    unitId: UnitRef,
    active: Type.Boolean({ description: '是否启用；停用用户的令牌无效 / Whether the user’s token is accepted', examples: [true] }),
    createdAt: Timestamp,
  },
  { $id: 'User', additionalProperties: false, description: '用户 / User' },
);
export type User = Static<typeof UserSchema>;

export const USER_EXAMPLE: User = {
  id: EXAMPLE.applicantId,
  name: '王书记',
  role: 'applicant',
  unitId: EXAMPLE.branchId,
  active: true,
  createdAt: EXAMPLE.createdAt,
};

export const USER_EXAMPLES: Record<string, Example<User[]>> = {
  users: {
    summary: '申报人与组织部 / An applicant and the organisation department',
    value: [USER_EXAMPLE, { id: EXAMPLE.orgDeptId, name: '组织部李老师', role: 'org_dept', unitId: null, active: true, createdAt: EXAMPLE.createdAt }],
  },
};

export const CreateUserBody = withExamples(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200, description: '姓名 / Name', examples: ['王书记'] }),
      role: RoleSchema,
      unitId: Type.Optional(UnitRef),
    },
    { additionalProperties: false },
  ),
  {
    applicant: { summary: '党支部的申报人 / A branch’s applicant', value: { name: '王书记', role: 'applicant', unitId: EXAMPLE.branchId } },
    reviewer: { summary: '评审组成员 / A panel reviewer', value: { name: '赵教授', role: 'reviewer', unitId: EXAMPLE.generalBranchId } },
    orgDept: { summary: '党委组织部 / The organisation department', value: { name: '组织部李老师', role: 'org_dept' } },
  },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

export const CreatedUserSchema = Type.Object(
  {
    user: UserSchema,
    token: Type.String({
      minLength: 1,
      description: '令牌，仅在此应答中出现一次，服务只保存其哈希 / The bearer token, shown only in this answer; only its hash is stored',
      examples: ['lx_q3Jc9yq1n0m2Zb6kT4vP8wR5sX7uY1aD3fG6hJ9kL0M'],
    }),
  },
  { additionalProperties: false, description: '新用户及其令牌 / The new user and its token' },
);

export const CREATED_USER_EXAMPLE: Static<typeof CreatedUserSchema> = {
  user: USER_EXAMPLE,
  token: 'lx_q3Jc9yq1n0m2Zb6kT4vP8wR5sX7uY1aD3fG6hJ9kL0M',
};
