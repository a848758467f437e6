import { Type, type Static } from 'typebox';
import { ROLES } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { Cursor, Id, Limit, Timestamp, withExamples, type Example } from '../http/schemas.js';

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
    unitName: Type.Union([Type.String({ minLength: 1, description: '所属党组织名称 / The unit’s name', examples: ['作曲系教工党支部'] }), Type.Null()], {
      description: '所属党组织名称，无单位时为 null / The unit’s name; null without a unit',
    }),
    username: Type.Union([Type.String({ minLength: 1, description: '登录用户名 / The login’s username', examples: ['wang.shuji'] }), Type.Null()], {
      description: '以密码登录的用户名；管理员尚未设置密码时为 null / The username of the password login; null until an admin sets a password',
    }),
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
  unitName: '作曲系教工党支部',
  username: 'wang.shuji',
  active: true,
  createdAt: EXAMPLE.createdAt,
};

export const USER_EXAMPLES: Record<string, Example<User[]>> = {
  users: {
    summary: '申报人与组织部 / An applicant and the organisation department',
    value: [
      USER_EXAMPLE,
      { id: EXAMPLE.orgDeptId, name: '组织部李老师', role: 'org_dept', unitId: null, unitName: null, username: null, active: true, createdAt: EXAMPLE.createdAt },
    ],
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

/** The directory's query: a page, optionally of one role, one unit, active or inactive users. */
export const UsersQuerySchema = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    role: Type.Optional(RoleSchema),
    unitId: Type.Optional(Id('只列此党组织的用户 / Only the users of this unit', EXAMPLE.branchId)),
    active: Type.Optional(Type.Boolean({ description: '只列启用（true）或停用（false）的用户 / Only active (true) or inactive (false) users', examples: [true] })),
  },
  { additionalProperties: false },
);
export type UsersQuery = Static<typeof UsersQuerySchema>;

const Reason = Type.String({ minLength: 1, maxLength: 1000, description: '理由，记入日志 / The reason, recorded in the log', examples: ['调离本校'] });

export const AmendUserBody = withExamples(
  Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '姓名 / Name', examples: ['王书记'] })),
      role: Type.Optional(RoleSchema),
      unitId: Type.Optional(UnitRef),
      reason: Type.Optional(Reason),
    },
    { additionalProperties: false },
  ),
  {
    rename: { summary: '更正姓名 / Correct the name', value: { name: '王晓书记', reason: '姓名录入错误' } },
    move: { summary: '调到另一党支部 / Move to another branch', value: { unitId: EXAMPLE.branchId, reason: '组织关系转接' } },
  },
);
export type AmendUserInput = Static<typeof AmendUserBody>;

export const ReasonBody = withExamples(Type.Object({ reason: Reason }, { additionalProperties: false }), {
  reason: { summary: '附理由 / With a reason', value: { reason: '调离本校' } },
});

export const PendingAssignmentSchema = Type.Object(
  {
    projectId: Id('项目 / The project', EXAMPLE.projectId),
    projectTitle: Type.String({ minLength: 1, description: '项目名称 / The project’s title', examples: ['红色引擎'] }),
    roundId: Id('批次 / The round', EXAMPLE.roundId),
    roundTitle: Type.String({ minLength: 1, description: '批次名称 / The round’s title', examples: ['2023 年度党建项目'] }),
    assignedAt: Timestamp,
  },
  { additionalProperties: false, description: '尚未评分的评审分配 / An assignment still waiting for the review' },
);

export const DeactivatedUserSchema = Type.Object(
  {
    user: UserSchema,
    pendingAssignments: Type.Array(PendingAssignmentSchema, {
      description: '该用户尚未完成的评审分配，需更换评审人 / The user’s assignments still waiting for a review: replace the reviewer on each',
    }),
  },
  { additionalProperties: false, description: '已停用的用户及其待更换的评审分配 / The deactivated user and the assignments to hand over' },
);
export type DeactivatedUser = Static<typeof DeactivatedUserSchema>;

export const DEACTIVATED_USER_EXAMPLE: DeactivatedUser = {
  user: { ...USER_EXAMPLE, id: EXAMPLE.reviewerId, name: '赵教授', role: 'reviewer', unitId: EXAMPLE.generalBranchId, unitName: '作曲系党总支', active: false },
  pendingAssignments: [{ projectId: EXAMPLE.projectId, projectTitle: '红色引擎', roundId: EXAMPLE.roundId, roundTitle: '2023 年度党建项目', assignedAt: EXAMPLE.createdAt }],
};
