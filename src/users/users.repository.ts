/**
 * The users table. Looking a token's holder up runs on every authenticated request: a statement
 * prepared once, not a query built per call; the rest is Drizzle, or SQL where a join reads better.
 */
import type { Statement } from 'better-sqlite3';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Role } from '../../machines/project.types.js';
import type { Db } from '../db/client.js';
import { onPostgres } from '../db/dialect.js';
import { units, userCredentials, users, type UserRow } from '../db/schema.js';
import { ASSIGNABLE_STATES } from '../panel/assignment-rules.js';

/** What authentication needs of a user. */
export interface Credentials {
  id: string;
  name: string;
  role: Role;
  unitId: string | null;
  active: boolean;
}

/** A user as the directory shows it: the row without its token hash, with its unit's name and its login's username. */
export type DirectoryRow = Omit<UserRow, 'tokenHash'> & { unitName: string | null; username: string | null };

/** Which users a directory page holds. */
export interface DirectoryFilter {
  role?: Role | undefined;
  unitId?: string | undefined;
  active?: boolean | undefined;
}

/** A reviewer's assignment still waiting for its review. */
export interface PendingAssignment {
  projectId: string;
  projectTitle: string;
  roundId: string;
  roundTitle: string;
  assignedAt: string;
}

const DIRECTORY_COLUMNS = {
  id: users.id,
  name: users.name,
  role: users.role,
  unitId: users.unitId,
  unitName: units.name,
  username: userCredentials.username,
  active: users.active,
  createdAt: users.createdAt,
};

/** Token holders kept at most; past it the cache starts again. */
const HOLDERS_KEPT = 10_000;

export class UsersRepository {
  private readonly byTokenHash: Statement<[string], Omit<Credentials, 'active'> & { active: number }>;
  /**
   * Token holders already looked up, on SQLite: valid while this connection wrote no user and no
   * other connection committed anything (`PRAGMA data_version`, a command-line deactivation say).
   * On PostgreSQL, where other instances write the same table, every request reads the table.
   */
  private readonly holders: { kept: Map<string, Credentials>; dataVersion: Statement<[], number>; version: number } | null;

  constructor(private readonly db: Db) {
    this.byTokenHash = db.$client.prepare('SELECT id, name, role, unit_id AS unitId, active FROM users WHERE token_hash = ?');
    this.holders = onPostgres(db.$client) ? null : { kept: new Map(), dataVersion: db.$client.prepare<[], number>('PRAGMA data_version').pluck(), version: -1 };
  }

  /** The user holding the token of this hash, active or not. A deactivation, a rotation or a reissue counts from the next request on. */
  holderOf(tokenHash: string): Credentials | undefined {
    const { holders } = this;
    if (holders) {
      const version = holders.dataVersion.get()!;
      if (version !== holders.version || holders.kept.size >= HOLDERS_KEPT) {
        holders.kept.clear();
        holders.version = version;
      }
      const known = holders.kept.get(tokenHash);
      if (known) return known;
    }
    const row = this.byTokenHash.get(tokenHash);
    const holder = row && { id: row.id, name: row.name, role: row.role, unitId: row.unitId, active: row.active === 1 };
    if (holder) holders?.kept.set(tokenHash, holder);
    return holder;
  }

  /** Every user, in creation order (ids are time-ordered). */
  all(): UserRow[] {
    return this.db.select().from(users).orderBy(asc(users.id)).all();
  }

  /** One user, with its token hash (for the service's own checks only). */
  row(id: string): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  /** One user as the directory shows it. */
  entry(id: string): DirectoryRow | undefined {
    return this.db
      .select(DIRECTORY_COLUMNS)
      .from(users)
      .leftJoin(units, eq(units.id, users.unitId))
      .leftJoin(userCredentials, eq(userCredentials.userId, users.id))
      .where(eq(users.id, id))
      .get();
  }

  /** Up to `limit` users after the id `afterId` matching the filter, in creation order. */
  page(afterId: string | undefined, limit: number, filter: DirectoryFilter = {}): DirectoryRow[] {
    const conditions: SQL[] = [];
    if (afterId !== undefined) conditions.push(gt(users.id, afterId));
    if (filter.role !== undefined) conditions.push(eq(users.role, filter.role));
    if (filter.unitId !== undefined) conditions.push(eq(users.unitId, filter.unitId));
    if (filter.active !== undefined) conditions.push(eq(users.active, filter.active));
    return this.db
      .select(DIRECTORY_COLUMNS)
      .from(users)
      .leftJoin(units, eq(units.id, users.unitId))
      .leftJoin(userCredentials, eq(userCredentials.userId, users.id))
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(users.id))
      .limit(limit)
      .all();
  }

  add(row: UserRow): void {
    this.holders?.kept.clear();
    this.db.insert(users).values(row).run();
  }

  update(id: string, fields: Partial<Pick<UserRow, 'name' | 'unitId' | 'active' | 'tokenHash'>>): void {
    this.holders?.kept.clear();
    this.db.update(users).set(fields).where(eq(users.id, id)).run();
  }

  /** Ends every login session of the user (a deactivation); how many were live. */
  revokeSessions(userId: string, at: string): number {
    return this.db.$client.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId).changes;
  }

  /** How many active admins there are. */
  activeAdmins(): number {
    return this.db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true)))
      .get()!.n;
  }

  /** Whether the unit exists, and whether it is active; undefined when it does not exist. */
  unitActive(unitId: string): boolean | undefined {
    const row = this.db.select({ active: units.active }).from(units).where(eq(units.id, unitId)).get();
    return row?.active;
  }

  /** Whether a token of this fingerprint was ever recorded in the log (created, rotated to, reissued, adopted). */
  fingerprintRecorded(fingerprint: string): boolean {
    return this.db.$client.prepare("SELECT 1 FROM transition_log WHERE subject_kind = 'user' AND instr(payload, ?) > 0 LIMIT 1").get(fingerprint) !== undefined;
  }

  /** The reviewer's assignments that still wait for its review (the project still under review), by round then project. */
  pendingAssignments(reviewerId: string): PendingAssignment[] {
    const states = ASSIGNABLE_STATES.map(() => '?').join(', ');
    return this.db.$client
      .prepare<string[], PendingAssignment>(
        `SELECT a.project_id AS projectId, p.title AS projectTitle, p.round_id AS roundId, r.title AS roundTitle, a.assigned_at AS assignedAt
           FROM reviewer_assignments a
           JOIN projects p ON p.id = a.project_id
           JOIN rounds r ON r.id = p.round_id
          WHERE a.reviewer_id = ? AND a.state = 'assigned' AND p.state IN (${states})
            AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.project_id = a.project_id AND v.reviewer_id = a.reviewer_id)
          ORDER BY p.round_id, a.project_id`,
      )
      .all(reviewerId, ...ASSIGNABLE_STATES);
  }
}
