import type { Principal } from '../auth/principal.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { UserRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { UnitsService } from '../units/units.service.js';
import { appendRecord, systemAct, tokenFingerprint, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { UsersRepository } from './users.repository.js';
import type { CreateUserInput, User } from './users.schemas.js';

const ROLES_WITH_UNIT = new Set(['applicant', 'reviewer']);
/** The shape of a chosen token: the prefix of generated ones and at least 24 characters in all. */
const CHOSEN_TOKEN = /^lx_[A-Za-z0-9_-]{21,200}$/;

const toUser = ({ tokenHash: _omit, ...row }: UserRow): User => row;

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
      const unitId = this.checkUnit(input);
      const row = this.register(act, input.name, input.role, unitId, token);
      return { user: toUser(row), token };
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
      const unitId = this.checkUnit(input);
      if (this.users.holderOf(hashToken(token))) throw new Error('another user already holds this token');
      return toUser(this.register(systemAct('demo'), input.name, input.role, unitId, token));
    });
  }

  private checkUnit(input: CreateUserInput): string | null {
    const unitId = input.unitId ?? null;
    if (ROLES_WITH_UNIT.has(input.role) && unitId === null) {
      throw new Problem('unprocessable', `角色 ${input.role} 必须属于一个单位 / Role ${input.role} needs a unit`, { field: 'unitId' });
    }
    if (unitId !== null && !this.unitsService.exists(unitId)) {
      throw new Problem('unprocessable', `单位不存在 / Unit ${unitId} does not exist`, { field: 'unitId' });
    }
    if (unitId !== null && !this.unitsService.isActive(unitId)) {
      throw new Problem('unprocessable', `单位已停用 / Unit ${unitId} is inactive`, { field: 'unitId', code: 'unit_inactive' });
    }
    return unitId;
  }

  /** A page of users (without tokens), in creation order. */
  list(query: PageQuery = {}): Page<User> {
    const limit = pageSize(query);
    const rows = this.users.page(query.cursor ? decodeKeyCursor(query.cursor, ['string'] as const)[0] : undefined, limit + 1);
    return pageOf(rows, limit, (row) => encodeKeyCursor([row.id]), toUser);
  }

  /** The active user holding this token, or null. */
  authenticate(token: string): Principal | null {
    const row = this.users.holderOf(hashToken(token));
    if (!row?.active) return null;
    return { id: row.id, name: row.name, role: row.role, unitId: row.unitId };
  }

  /** Makes sure an admin holding this token exists: how a fresh install and a test bootstrap. Created by the service itself. */
  ensureAdmin(token: string): Promise<void> {
    return this.committer.run(() => {
      const existing = this.users.holderOf(hashToken(token));
      if (existing) {
        if (existing.role !== 'admin' || !existing.active) {
          throw new Error('LIXIANG_ADMIN_TOKEN belongs to a user that is not an active admin');
        }
        return;
      }
      this.register(systemAct('admin-token'), 'Administrator', 'admin', null, token);
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
