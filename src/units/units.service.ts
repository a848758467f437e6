import { asc, eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import { isoUtc } from '../clock.js';
import type { Executor } from '../db/executor.js';
import { units, type UnitRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { CreateUnitInput, Unit } from './units.schemas.js';

const toUnit = (row: UnitRow): Unit => ({ ...row, type: row.type });

export class UnitsService {
  /**
   * Subtrees and lineages by unit, read on every visibility check and every review. Units change
   * rarely and only through create() below, which clears the cache.
   */
  private readonly subtrees = new Map<string, string[]>();
  private readonly lineages = new Map<string, string[]>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  create(input: CreateUnitInput): Unit {
    const parentId = input.parentId ?? null;
    if (parentId !== null && !this.db.select({ id: units.id }).from(units).where(eq(units.id, parentId)).get()) {
      throw new Problem('unprocessable', `上级单位不存在 / Parent unit ${parentId} does not exist`, { field: 'parentId' });
    }
    const row: UnitRow = { id: newId(this.clock.now()), name: input.name, type: input.type, parentId, createdAt: isoUtc(this.clock.now()) };
    this.db.insert(units).values(row).run();
    this.subtrees.clear();
    this.lineages.clear();
    return toUnit(row);
  }

  list(): Unit[] {
    return this.db.select().from(units).orderBy(asc(units.id)).all().map(toUnit);
  }

  exists(id: string): boolean {
    return this.db.select({ id: units.id }).from(units).where(eq(units.id, id)).get() !== undefined;
  }

  /** The unit and every unit below it. */
  subtree(unitId: string): string[] {
    let ids = this.subtrees.get(unitId);
    if (!ids) {
      ids = this.readSubtree(unitId);
      this.subtrees.set(unitId, ids);
    }
    return ids;
  }

  private readSubtree(unitId: string): string[] {
    return this.db
      .all<{ id: string }>(
        sql`WITH RECURSIVE sub(id) AS (SELECT ${unitId} UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub`,
      )
      .map((r) => r.id);
  }

  /** The unit, every unit above it and every unit below it: the units a reviewer must not come from. */
  lineage(unitId: string): string[] {
    let ids = this.lineages.get(unitId);
    if (!ids) {
      ids = this.readLineage(unitId);
      this.lineages.set(unitId, ids);
    }
    return ids;
  }

  private readLineage(unitId: string): string[] {
    const above = this.db
      .all<{ id: string }>(
        sql`WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM units WHERE id = ${unitId} UNION SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id) SELECT id FROM up`,
      )
      .map((r) => r.id);
    return [...new Set([...above, ...this.subtree(unitId)])];
  }
}
