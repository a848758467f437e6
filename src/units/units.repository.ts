/** The units table and the tree it holds: every query of the units module. */
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { units, type UnitRow } from '../db/schema.js';

export class UnitsRepository {
  constructor(private readonly db: Executor) {}

  exists(id: string): boolean {
    return this.db.select({ id: units.id }).from(units).where(eq(units.id, id)).get() !== undefined;
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
