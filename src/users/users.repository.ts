/**
 * The users table. Looking a token's holder up runs on every authenticated request: a statement
 * prepared once, not a query built per call; the rest is Drizzle.
 */
import type { Statement } from 'better-sqlite3';
import { asc, gt } from 'drizzle-orm';
import type { Role } from '../../machines/project.types.js';
import type { Db } from '../db/client.js';
import { users, type UserRow } from '../db/schema.js';

/** What authentication needs of a user. */
export interface Credentials {
  id: string;
  name: string;
  role: Role;
  unitId: string | null;
  active: boolean;
}

export class UsersRepository {
  private readonly byTokenHash: Statement<[string], Omit<Credentials, 'active'> & { active: number }>;

  constructor(private readonly db: Db) {
    this.byTokenHash = db.$client.prepare('SELECT id, name, role, unit_id AS unitId, active FROM users WHERE token_hash = ?');
  }

  /** The user holding the token of this hash, active or not. */
  holderOf(tokenHash: string): Credentials | undefined {
    const row = this.byTokenHash.get(tokenHash);
    return row && { id: row.id, name: row.name, role: row.role, unitId: row.unitId, active: row.active === 1 };
  }

  /** Every user, in creation order (ids are time-ordered). */
  all(): UserRow[] {
    return this.db.select().from(users).orderBy(asc(users.id)).all();
  }

  /** Up to `limit` users after the id `afterId`, in creation order. */
  page(afterId: string | undefined, limit: number): UserRow[] {
    return this.db
      .select()
      .from(users)
      .where(afterId === undefined ? undefined : gt(users.id, afterId))
      .orderBy(asc(users.id))
      .limit(limit)
      .all();
  }

  add(row: UserRow): void {
    this.db.insert(users).values(row).run();
  }
}
