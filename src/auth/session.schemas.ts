import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp, withExamples } from '../http/schemas.js';
import { RoleSchema, UserSchema, USER_EXAMPLE } from '../users/users.schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';

export const Username = Type.String({
  minLength: 3,
  maxLength: 32,
  pattern: '^[a-z0-9._-]{3,32}$',
  description: '用户名：3–32 个小写字母、数字、点、下划线或连字符，唯一 / Username: 3 to 32 of a-z 0-9 . _ -, unique',
  examples: ['wang.shuji'],
});

const Password = (description: string, example: string) =>
  Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description, examples: [example], writeOnly: true });

const CSRF_EXAMPLE = 'q7N2x0cF1mB4vZ8kR5tY3wP6sL9aD2hJ4gE0uI7oQ1M';
const SESSION_ID_EXAMPLE = '01871a2b-8100-7c2e-a4b5-6c7d8e9fa010';

export const LoginBody = withExamples(
  Type.Object(
    {
      username: Type.String({ minLength: 1, maxLength: 64, description: '用户名 / Username', examples: ['wang.shuji'] }),
      password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, description: '密码 / Password', examples: ['初始密码-2023春'], writeOnly: true }),
    },
    { additionalProperties: false },
  ),
  { login: { summary: '用户名与密码 / Username and password', value: { username: 'wang.shuji', password: '初始密码-2023春' } } },
);
export type LoginInput = Static<typeof LoginBody>;

export const SessionUserSchema = Type.Object(
  {
    id: Id('用户标识 / User id', EXAMPLE.applicantId),
    name: Type.String({ minLength: 1, description: '姓名 / Name', examples: ['王书记'] }),
    role: RoleSchema,
    unitId: Type.Union([Id('所属党组织 / The user’s unit', EXAMPLE.branchId), Type.Null()], { description: '所属党组织，无则为 null / The user’s unit; null without one' }),
  },
  { additionalProperties: false, description: '会话的用户 / The session’s user' },
);

export const SessionSchema = Type.Object(
  {
    user: SessionUserSchema,
    csrfToken: Type.String({
      minLength: 20,
      description:
        '本会话的 CSRF 令牌：凭 Cookie 的每个写请求须在 X-CSRF-Token 请求头中带上 / The session’s CSRF token: every write made with the cookie repeats it in X-CSRF-Token',
      examples: [CSRF_EXAMPLE],
    }),
    expiresAt: {
      ...Timestamp,
      description: '不再使用时会话的结束时间（闲置或绝对期限，取先到者）/ When the session ends unless used again (idle or absolute limit, whichever is first)',
    },
    mustChangePassword: Type.Boolean({
      description:
        '须先修改初始密码；此前只能查看会话、修改密码与退出 / The initial password must be changed first; until then only GET /session, the change and logout are allowed',
      examples: [false],
    }),
  },
  { $id: 'Session', additionalProperties: false, description: '登录会话 / A login session' },
);
export type Session = Static<typeof SessionSchema>;

export const SESSION_EXAMPLE: Session = {
  user: { id: EXAMPLE.applicantId, name: '王书记', role: 'applicant', unitId: EXAMPLE.branchId },
  csrfToken: CSRF_EXAMPLE,
  expiresAt: '2023-03-01T10:00:00.000Z',
  mustChangePassword: false,
};

export const ChangePasswordBody = withExamples(
  Type.Object(
    {
      currentPassword: Type.String({
        minLength: 1,
        maxLength: PASSWORD_MAX_LENGTH,
        description: '当前密码 / The current password',
        examples: ['初始密码-2023春'],
        writeOnly: true,
      }),
      newPassword: Password(
        `新密码，至少 ${PASSWORD_MIN_LENGTH} 个字符，不含用户名 / The new password: at least ${PASSWORD_MIN_LENGTH} characters, not containing the username`,
        '声乐系-红色旋律-2023',
      ),
    },
    { additionalProperties: false },
  ),
  { change: { summary: '首次登录后修改初始密码 / Replace the initial password', value: { currentPassword: '初始密码-2023春', newPassword: '声乐系-红色旋律-2023' } } },
);
export type ChangePasswordInput = Static<typeof ChangePasswordBody>;

export const SetPasswordBody = withExamples(
  Type.Object(
    {
      username: Type.Optional(Username),
      password: Password(
        `初始密码，至少 ${PASSWORD_MIN_LENGTH} 个字符；用户首次登录后须修改 / The initial password: at least ${PASSWORD_MIN_LENGTH} characters; the user must change it at the first login`,
        '初始密码-2023春',
      ),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: '理由，记入日志 / The reason, recorded in the log', examples: ['新用户开通登录'] })),
    },
    { additionalProperties: false },
  ),
  {
    first: {
      summary: '开通登录：用户名与初始密码 / First login: username and initial password',
      value: { username: 'wang.shuji', password: '初始密码-2023春', reason: '新用户开通登录' },
    },
    reset: { summary: '重置忘记的密码 / Reset a forgotten password', value: { password: '重置密码-2023夏', reason: '本人遗忘密码' } },
  },
);
export type SetPasswordInput = Static<typeof SetPasswordBody>;

export const PasswordSetSchema = Type.Object(
  {
    user: UserSchema,
    username: Username,
    mustChangePassword: Type.Boolean({ description: '用户须在首次登录后修改此密码 / The user must change this password at its next login', examples: [true] }),
  },
  { additionalProperties: false, description: '已设置初始密码 / The initial password is set' },
);
export const PASSWORD_SET_EXAMPLE: Static<typeof PasswordSetSchema> = { user: USER_EXAMPLE, username: 'wang.shuji', mustChangePassword: true };

export const SessionListItemSchema = Type.Object(
  {
    id: Id('会话标识（不是 Cookie 的值）/ The session’s id (not the cookie’s value)', SESSION_ID_EXAMPLE),
    userId: Id('会话的用户 / The session’s user', EXAMPLE.applicantId),
    createdAt: { ...Timestamp, description: '登录时间 / When the user logged in' },
    lastSeenAt: { ...Timestamp, description: '最近一次使用（精确到分钟）/ Last used (to the minute)' },
    expiresAt: { ...Timestamp, description: '不再使用时的结束时间 / When it ends unless used again' },
    userAgent: Type.Union(
      [Type.String({ minLength: 1, description: '登录时的浏览器标识 / The browser’s User-Agent at login', examples: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)'] }), Type.Null()],
      {
        description: '浏览器标识，未提供时为 null / The User-Agent; null when none was sent',
      },
    ),
    ip: Type.Union([Type.String({ minLength: 1, description: '登录时的来源地址 / The address logged in from', examples: ['10.20.30.40'] }), Type.Null()], {
      description: '来源地址 / The client’s address',
    }),
    current: Type.Boolean({ description: '是否为本次请求所用的会话 / Whether this request came with it', examples: [true] }),
  },
  { additionalProperties: false, description: '一个有效的登录会话 / A live login session' },
);

export const SessionListSchema = Type.Object(
  { items: Type.Array(SessionListItemSchema, { description: '有效会话，最新的在前 / The live sessions, newest first' }) },
  { additionalProperties: false, description: '有效的登录会话 / The live login sessions' },
);
export const SESSION_LIST_EXAMPLE: Static<typeof SessionListSchema> = {
  items: [
    {
      id: SESSION_ID_EXAMPLE,
      userId: EXAMPLE.applicantId,
      createdAt: EXAMPLE.createdAt,
      lastSeenAt: '2023-03-01T02:30:00.000Z',
      expiresAt: '2023-03-01T10:30:00.000Z',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      ip: '10.20.30.40',
      current: true,
    },
  ],
};

export const SessionsQuerySchema = Type.Object(
  { userId: Type.Optional(Id('只有管理员可查看他人的会话 / Another user’s sessions (admins only)', EXAMPLE.applicantId)) },
  { additionalProperties: false },
);

export const SessionIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, description: '会话标识 / The session’s id', examples: [SESSION_ID_EXAMPLE] }) },
  { additionalProperties: false },
);

export const SESSION_SCHEMAS = [SessionSchema];
