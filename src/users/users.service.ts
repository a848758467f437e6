import type { Principal } from '../auth/principal.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { UserRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { UnitsService } from '../units/units.service.js';
import { appendRecord, systemAct, tokenFingerprint, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { UsersRepository, type DirectoryRow } from './users.repository.js';
import type { AmendUserInput, CreateUserInput, DeactivatedUser, User, UsersQuery } from './users.schemas.js';

const ROLES_WITH_UNIT = new Set(['applicant', 'reviewer']);
/** The shape of a chosen token: the prefix of generated ones and at least 24 characters in all. */
const CHOSEN_TOKEN = /^lx_[A-Za-z0-9_-]{21,200}$/;

const toUser = (row: DirectoryRow): User => ({
  id: row.id,
  name: row.name,
  role: row.role,
  unitId: row.unitId,
  unitName: row.unitName,
  username: row.username,
  active: row.active,
  createdAt: row.createdAt,
});

const notFound = (id: string) => new Problem('not-found', `用户不存在 / User ${id} not found`);

/** What ensureAdmin did with LIXIANG_ADMIN_TOKEN. */
export type EnsureAdminOutcome = 'exists' | 'created' | 'retired' | 'inactive';

export class UsersService {
  private readonly users: UsersRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly unitsService: UnitsService,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.users = new UsersRepository(db);
  }

  /** A user with a new random token, and its CREATE_USER entry. */
  create(act: Act, input: CreateUserInput): Promise<{ user: User; token: string }> {
    const token = generateToken();
    return this.committer.run(() => {
      const unitId = this.checkUnit(input.role, input.unitId ?? null);
      const row = this.register(act, input.name, input.role, unitId, token);
      return { user: this.view(row.id), token };
    });
  }

  /**
   * For the demo database only (src/demo/): a user holding a token chosen in advance, so that the
   * README can list the demo's tokens. Like create(), the token is stored only as its hash, and the
   * act is an entry of the log, by the service itself. Never reachable over HTTP; real users get a
   * random token from create().
   */
  createWithToken(input: CreateUserInput, token: string): Promise<User> {
    if (!CHOSEN_TOKEN.test(token)) throw new Error('a chosen token must look like lx_ followed by at least 21 letters, digits, - or _');
    return this.committer.run(() => {
      const unitId = this.checkUnit(input.role, input.unitId ?? null);
      if (this.users.holderOf(hashToken(token))) throw new Error('another user already holds this token');
      return this.view(this.register(systemAct('demo'), input.name, input.role, unitId, token).id);
    });
  }

  /** The role's unit rule: applicants and reviewers need one; a unit named must exist and be active. */
  private checkUnit(role: string, unitId: string | null): string | null {
    if (ROLES_WITH_UNIT.has(role) && unitId === null) {
      throw new Problem('unprocessable', `角色 ${role} 必须属于一个单位 / Role ${role} needs a unit`, { field: 'unitId' });
    }
    if (unitId !== null) {
      const active = this.users.unitActive(unitId);
      if (active === undefined) {
        throw new Problem('unprocessable', `单位不存在 / Unit ${unitId} does not exist`, { field: 'unitId' });
      }
      if (!active) throw new Problem('unprocessable', `单位已停用 / Unit ${unitId} is inactive`, { field: 'unitId', code: 'unit_inactive' });
    }
    return unitId;
  }

  /** A page of the directory (never a token or its hash), in creation order, optionally filtered. */
  list(query: UsersQuery = {}): Page<User> {
    const limit = pageSize(query);
    const afterId = query.cursor ? decodeKeyCursor(query.cursor, ['string'] as const)[0] : undefined;
    const rows = this.users.page(afterId, limit + 1, { role: query.role, unitId: query.unitId, active: query.active });
    return pageOf(rows, limit, (row) => encodeKeyCursor([row.id]), toUser);
  }

  /** One user of the directory; 404 when there is none. */
  get(id: string): User {
    const row = this.users.entry(id);
    if (!row) throw notFound(id);
    return toUser(row);
  }

  private view(id: string): User {
    return this.get(id);
  }

  private existing(id: string): UserRow {
    const row = this.users.row(id);
    if (!row) throw notFound(id);
    return row;
  }

  /**
   * Amends a user's name or unit (AMEND_USER with each changed field's from and to, and the
   * reason). The role is the one the user was created with: the log's replay keeps it, and a new
   * role is a new user (422 when `role` differs). Nothing changed: the user as it is, no entry.
   */
  amend(act: Act, id: string, input: AmendUserInput): Promise<User> {
    return this.committer.run(() => {
      const row = this.existing(id);
      if (input.role !== undefined && input.role !== row.role) {
        throw new Problem('unprocessable', `用户的角色不可修改，请为新角色新建用户 / A user's role cannot change (${row.role}); create a user for the role ${input.role}`, {
          field: 'role',
        });
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.name !== undefined && input.name !== row.name) changes.name = { from: row.name, to: input.name };
      if (input.unitId !== undefined && input.unitId !== row.unitId) {
        this.checkUnit(row.role, input.unitId);
        changes.unitId = { from: row.unitId, to: input.unitId };
      }
      if (Object.keys(changes).length === 0) return this.view(id);
      const state = row.active ? 'active' : 'inactive';
      this.users.update(id, {
        ...(changes.name ? { name: input.name! } : {}),
        ...(changes.unitId ? { unitId: input.unitId ?? null } : {}),
      });
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: id,
        event: 'AMEND_USER',
        fromState: state,
        toState: state,
        payload: { changes, reason: input.reason ?? null },
        at: isoUtc(this.clock.now()),
      });
      return this.view(id);
    });
  }

  /**
   * Deactivates a user (DEACTIVATE_USER with the reason): its token is refused from the next
   * request on, its login sessions are revoked. An admin cannot deactivate itself nor the last active admin (422); an inactive user
   * 409. The answer lists the user's assignments still waiting for a review, to be replaced.
   */
  deactivate(act: Act, id: string, reason: string): Promise<DeactivatedUser> {
    return this.committer.run(() => {
      const row = this.existing(id);
      if (id === act.actor.id) throw new Problem('unprocessable', '不能停用自己 / An admin cannot deactivate themself', { field: 'id' });
      if (!row.active) throw new Problem('conflict', `用户已停用 / User ${id} is already inactive`, { code: 'user_inactive' });
      if (row.role === 'admin' && this.users.activeAdmins() <= 1) {
        throw new Problem('unprocessable', '不能停用最后一位启用的管理员 / The last active admin cannot be deactivated', { field: 'id' });
      }
      this.users.update(id, { active: false });
      const at = isoUtc(this.clock.now());
      // Its login sessions end at once (a session of an inactive user is refused anyway).
      this.users.revokeSessions(id, at);
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: id,
        event: 'DEACTIVATE_USER',
        fromState: 'active',
        toState: 'inactive',
        payload: { reason },
        at,
      });
      return { user: this.view(id), pendingAssignments: this.users.pendingAssignments(id) };
    });
  }

  /** Reactivates a user (REACTIVATE_USER with the reason); 409 when it is active. Its token, as it was, is accepted again. */
  reactivate(act: Act, id: string, reason: string): Promise<User> {
    return this.committer.run(() => {
      const row = this.existing(id);
      if (row.active) throw new Problem('conflict', `用户未停用 / User ${id} is active`, { code: 'user_active' });
      if (row.unitId !== null && this.users.unitActive(row.unitId) === false) {
        throw new Problem('unprocessable', `用户所属单位已停用 / The user's unit ${row.unitId} is inactive; move the user first`, { field: 'unitId' });
      }
      this.users.update(id, { active: true });
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: id,
        event: 'REACTIVATE_USER',
        fromState: 'inactive',
        toState: 'active',
        payload: { reason },
        at: isoUtc(this.clock.now()),
      });
      return this.view(id);
    });
  }

  /**
   * A new token for the user: ROTATE_TOKEN when the user asks for it itself, REISSUE_TOKEN (with
   * the reason) when an admin does. The old token is refused from the next request on; the new one
   * is in this answer only.
   */
  rotateToken(act: Act, id: string, reason?: string): Promise<{ user: User; token: string }> {
    const token = generateToken();
    return this.committer.run(() => {
      const row = this.existing(id);
      const tokenHash = hashToken(token);
      const state = row.active ? 'active' : 'inactive';
      const self = act.actor.id === id;
      this.users.update(id, { tokenHash });
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: id,
        event: self ? 'ROTATE_TOKEN' : 'REISSUE_TOKEN',
        fromState: state,
        toState: state,
        payload: self ? { tokenFingerprint: tokenFingerprint(tokenHash) } : { tokenFingerprint: tokenFingerprint(tokenHash), reason: reason ?? null },
        at: isoUtc(this.clock.now()),
      });
      return { user: this.view(id), token };
    });
  }

  /** The active user holding this token, or null. Read from the table on every request: a deactivation or a rotation counts at once. */
  authenticate(token: string): Principal | null {
    const row = this.users.holderOf(hashToken(token));
    if (!row?.active) return null;
    return { id: row.id, name: row.name, role: row.role, unitId: row.unitId };
  }

  /**
   * Makes sure an admin holding this token exists: how a fresh install and a test bootstrap. Created
   * by the service itself. A token the log has seen before that no user holds any more (rotated
   * away or reissued) is retired: it is not brought back, whatever the environment still says; an
   * admin of this token that was deactivated stays deactivated.
   */
  ensureAdmin(token: string): Promise<EnsureAdminOutcome> {
    return this.committer.run(() => {
      const tokenHash = hashToken(token);
      const existing = this.users.holderOf(tokenHash);
      if (existing) {
        if (existing.role !== 'admin') throw new Error('LIXIANG_ADMIN_TOKEN belongs to a user that is not an admin');
        // Deactivated by another admin: it stays so, and the service still starts.
        return existing.active ? 'exists' : 'inactive';
      }
      if (this.users.fingerprintRecorded(tokenFingerprint(tokenHash))) return 'retired';
      this.register(systemAct('admin-token'), 'Administrator', 'admin', null, token);
      return 'created';
    });
  }

  /** Writes the user and its CREATE_USER entry; inside a step of the group committer. */
  private register(act: Act, name: string, role: UserRow['role'], unitId: string | null, token: string): UserRow {
    const now = this.clock.now();
    const row: UserRow = { id: newId(now), name, role, unitId, tokenHash: hashToken(token), active: true, createdAt: isoUtc(now) };
    this.users.add(row);
    appendRecord(this.log, act, {
      subjectKind: 'user',
      subjectId: row.id,
      event: 'CREATE_USER',
      toState: 'active',
      payload: { name, role, unitId, tokenFingerprint: tokenFingerprint(row.tokenHash) },
      at: row.createdAt,
    });
    return row;
  }
}
