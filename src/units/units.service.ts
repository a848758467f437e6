import type { Clock } from '../clock.js';
import { isoUtc } from '../clock.js';
import type { Executor } from '../db/executor.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { UnitRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import { appendRecord, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { UnitsRepository } from './units.repository.js';
import type { CreateUnitInput, Unit } from './units.schemas.js';

const toUnit = (row: UnitRow): Unit => ({ ...row, type: row.type });

export class UnitsService {
  /**
   * Subtrees and lineages by unit, read on every visibility check and every review. Units change
   * rarely and only through create() below, which clears the caches.
   */
  private readonly subtrees = new Map<string, string[]>();
  private readonly lineages = new Map<string, string[]>();

  private readonly units: UnitsRepository;

  constructor(
    db: Executor,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.units = new UnitsRepository(db);
  }

  /** The unit and its CREATE_UNIT entry, in one step of the group committer. */
  async create(act: Act, input: CreateUnitInput): Promise<Unit> {
    try {
      return await this.committer.run(() => {
        const parentId = input.parentId ?? null;
        if (parentId !== null && !this.units.exists(parentId)) {
          throw new Problem('unprocessable', `上级单位不存在 / Parent unit ${parentId} does not exist`, { field: 'parentId' });
        }
        const now = this.clock.now();
        const row: UnitRow = { id: newId(now), name: input.name, type: input.type, parentId, active: true, createdAt: isoUtc(now) };
        this.units.add(row);
        appendRecord(this.log, act, {
          subjectKind: 'unit',
          subjectId: row.id,
          event: 'CREATE_UNIT',
          toState: 'active',
          payload: { name: row.name, type: row.type, parentId: row.parentId },
          at: row.createdAt,
        });
        this.clearCaches();
        return toUnit(row);
      });
    } finally {
      // Again once the commit settled: a step of the same batch may have filled them meanwhile.
      this.clearCaches();
    }
  }

  private clearCaches(): void {
    this.subtrees.clear();
    this.lineages.clear();
  }

  /** A page of units, in creation order; `parentId` gives the tree. */
  list(query: PageQuery = {}): Page<Unit> {
    const limit = pageSize(query);
    const rows = this.units.page(query.cursor ? decodeKeyCursor(query.cursor, ['string'] as const)[0] : undefined, limit + 1);
    return pageOf(rows, limit, (row) => encodeKeyCursor([row.id]), toUnit);
  }

  exists(id: string): boolean {
    return this.units.exists(id);
  }

  /** The unit and every unit below it. */
  subtree(unitId: string): string[] {
    let ids = this.subtrees.get(unitId);
    if (!ids) {
      ids = this.units.subtreeOf(unitId);
      this.subtrees.set(unitId, ids);
    }
    return ids;
  }

  /** The unit, every unit above it and every unit below it: the units a reviewer must not come from. */
  lineage(unitId: string): string[] {
    let ids = this.lineages.get(unitId);
    if (!ids) {
      ids = [...new Set([...this.units.ancestryOf(unitId), ...this.subtree(unitId)])];
      this.lineages.set(unitId, ids);
    }
    return ids;
  }
}
