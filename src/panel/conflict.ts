/**
 * Conflict of interest by the round's scope. `line`: the project's unit, every unit above it and
 * every unit below it. `family` (the default): the line, and the whole family the unit belongs to —
 * every unit under the same 党总支 (general_branch) or 机关党委 (organ_committee), the nearest such
 * unit above or at the project's unit. The units service computes both and caches them.
 */
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { units } from '../db/schema.js';
import type { UnitsService } from '../units/units.service.js';

export type ConflictScope = 'family' | 'line';

/** A unit named in a conflict refusal. */
export interface NamedUnit {
  id: string;
  name: string;
}

export class ConflictRules {
  constructor(
    private readonly db: Executor,
    private readonly unitsService: UnitsService,
  ) {}

  /** The units whose members may not review a project of `unitId`, under `scope` (cached by the units service). */
  conflictingUnitIds(unitId: string, scope: ConflictScope): string[] {
    return scope === 'line' ? this.unitsService.lineage(unitId) : this.unitsService.family(unitId);
  }

  /** The units' names, for a refusal. */
  named(ids: string[]): NamedUnit[] {
    if (ids.length === 0) return [];
    return this.db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids)).orderBy(units.id).all();
  }

  /** The rule of one scope, as the assignment rules take it. */
  forScope(scope: ConflictScope): (unitId: string) => string[] {
    return (unitId) => this.conflictingUnitIds(unitId, scope);
  }
}
