/**
 * Conflict of interest by the round's scope. `line`: the project's unit, every unit above it and
 * every unit below it. `family` (the default): the line, and the whole family the unit belongs to —
 * every unit under the same 党总支 (general_branch) or 机关党委 (organ_committee), the nearest such
 * unit above or at the project's unit. Units are read through the units repository.
 */
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { units } from '../db/schema.js';
import { UnitsRepository } from '../units/units.repository.js';

export type ConflictScope = 'family' | 'line';

/** A unit named in a conflict refusal. */
export interface NamedUnit {
  id: string;
  name: string;
}

const FAMILY_HEADS = new Set(['general_branch', 'organ_committee']);

export class ConflictRules {
  private readonly units: UnitsRepository;

  constructor(private readonly db: Executor) {
    this.units = new UnitsRepository(db);
  }

  /** The units whose members may not review a project of `unitId`, under `scope`. */
  conflictingUnitIds(unitId: string, scope: ConflictScope): string[] {
    const ancestry = this.units.ancestryOf(unitId);
    const line = new Set([...ancestry, ...this.units.subtreeOf(unitId)]);
    if (scope === 'family') {
      const rows = new Map(
        this.db
          .select({ id: units.id, type: units.type, parentId: units.parentId })
          .from(units)
          .where(inArray(units.id, ancestry))
          .all()
          .map((u) => [u.id, u]),
      );
      // The nearest family head at or above the unit.
      let head: string | null = unitId;
      for (let steps = 0; head !== null && rows.has(head) && !FAMILY_HEADS.has(rows.get(head)!.type) && steps <= rows.size; steps += 1) head = rows.get(head)!.parentId;
      if (head !== null && FAMILY_HEADS.has(rows.get(head)?.type ?? '')) for (const id of this.units.subtreeOf(head)) line.add(id);
    }
    return [...line];
  }

  /** The units' names, for a refusal. */
  named(ids: string[]): NamedUnit[] {
    if (ids.length === 0) return [];
    return this.db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids)).orderBy(units.id).all();
  }

  /** A memo of conflictingUnitIds for one request (automatic assignment asks once per project). */
  memo(scope: ConflictScope): (unitId: string) => string[] {
    const cache = new Map<string, string[]>();
    return (unitId) => {
      let ids = cache.get(unitId);
      if (!ids) {
        ids = this.conflictingUnitIds(unitId, scope);
        cache.set(unitId, ids);
      }
      return ids;
    };
  }
}
