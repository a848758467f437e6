/** The units table and the tree it holds: every query of the units module. */
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { units, type UnitRow } from '../db/schema.js';

export class UnitsRepository {
  constructor(private readonly db: Executor) {}

  exists(id: string): boolean {
    return this.db.select({ id: units.id }).from(units).where(eq(units.id, id)).get() !== undefined;
  }

  get(id: string): UnitRow | undefined {
    return this.db.select().from(units).where(eq(units.id, id)).get();
  }

  update(id: string, fields: Partial<Pick<UnitRow, 'name' | 'parentId' | 'active'>>): void {
    this.db.update(units).set(fields).where(eq(units.id, id)).run();
  }

  remove(id: string): void {
    this.db.delete(units).where(eq(units.id, id)).run();
  }

  /** The unit's child units, active or not. */
  children(id: string): UnitRow[] {
    return this.db.select().from(units).where(eq(units.parentId, id)).orderBy(asc(units.id)).all();
  }

  /**
   * What refers to the unit, by kind: users, projects, child units, extensions, and log entries other
   * than its own (an act by one of its people, a payload naming it). Empty when it was never referenced.
   */
  references(id: string): string[] {
    const found: string[] = [];
    const any = (query: ReturnType<typeof sql>) => this.db.get<{ one: number } | undefined>(query) !== undefined;
    if (any(sql`SELECT 1 AS one FROM users WHERE unit_id = ${id} LIMIT 1`)) found.push('users');
    if (any(sql`SELECT 1 AS one FROM projects WHERE unit_id = ${id} LIMIT 1`)) found.push('projects');
    if (any(sql`SELECT 1 AS one FROM units WHERE parent_id = ${id} LIMIT 1`)) found.push('units');
    if (any(sql`SELECT 1 AS one FROM round_extensions WHERE unit_id = ${id} LIMIT 1`)) found.push('extensions');
    // Rare (a deletion): a scan of the log for its id, outside the unit's own entries.
    if (any(sql`SELECT 1 AS one FROM transition_log WHERE (actor_unit_id = ${id} OR instr(payload, ${id}) > 0) AND NOT (subject_kind = 'unit' AND subject_id = ${id}) LIMIT 1`)) {
      found.push('log');
    }
    return found;
  }

  add(row: UnitRow): void {
    this.db.insert(units).values(row).run();
  }

  /** Every unit, in creation order (ids are time-ordered). */
  all(): UnitRow[] {
    return this.db.select().from(units).orderBy(asc(units.id)).all();
  }

  /** Up to `limit` units after the id `afterId`, in creation order. */
  page(afterId: string | undefined, limit: number): UnitRow[] {
    return this.db
      .select()
      .from(units)
      .where(afterId === undefined ? undefined : gt(units.id, afterId))
      .orderBy(asc(units.id))
      .limit(limit)
      .all();
  }

  /** The unit and every unit below it. */
  subtreeOf(unitId: string): string[] {
    return this.db
      .all<{ id: string }>(sql`WITH RECURSIVE sub(id) AS (SELECT ${unitId} UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub`)
      .map((r) => r.id);
  }

  /** The unit and every unit above it. */
  ancestryOf(unitId: string): string[] {
    return this.db
      .all<{ id: string }>(
        sql`WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM units WHERE id = ${unitId} UNION SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id) SELECT id FROM up`,
      )
      .map((r) => r.id);
  }
}
