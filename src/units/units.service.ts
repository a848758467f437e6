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
import type { AmendUnitInput, CreateUnitInput, DeleteUnitInput, Unit, UnitReasonInput } from './units.schemas.js';

const toUnit = (row: UnitRow): Unit => ({ id: row.id, name: row.name, type: row.type, parentId: row.parentId, active: row.active, createdAt: row.createdAt });

/** The types that sit directly under the party committee (no parent unit); a branch sits under one of PARENT_TYPES. */
const TOP_LEVEL_TYPES = new Set<UnitRow['type']>(['organ_committee', 'general_branch', 'direct_branch']);
const PARENT_TYPES = new Set<UnitRow['type']>(['general_branch', 'organ_committee']);

const TYPE_NAMES: Record<UnitRow['type'], { zh: string; en: string }> = {
  organ_committee: { zh: '机关党委', en: 'an organ committee' },
  general_branch: { zh: '党总支', en: 'a general branch' },
  direct_branch: { zh: '直属党支部', en: 'a direct branch' },
  branch: { zh: '党支部', en: 'a branch' },
};

/** The unit's deletion, DELETE_UNIT, refused while anything refers to it. */
const REFERENCE_NAMES: Record<string, string> = {
  users: '用户 / users',
  projects: '项目 / projects',
  units: '下级党组织 / child units',
  extensions: '延期 / extensions',
  log: '日志条目 / log entries',
};

export class UnitsService {
  /**
   * Subtrees and lineages by unit, read on every visibility check and every review. Units change
   * rarely and only through create(), amend() and remove() below, which clear the caches.
   */
  private readonly subtrees = new Map<string, string[]>();
  private readonly lineages = new Map<string, string[]>();
  private readonly families = new Map<string, string[]>();

  private readonly units: UnitsRepository;

  constructor(
    db: Executor,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
    /**
     * Whether this process is the database's only writer (SQLite): then the tree is kept between
     * requests. On PostgreSQL another instance may change it, so it is read each time.
     */
    private readonly onlyWriter = true,
  ) {
    this.units = new UnitsRepository(db);
  }

  /** The unit and its CREATE_UNIT entry, in one step of the group committer. */
  async create(act: Act, input: CreateUnitInput): Promise<Unit> {
    try {
      return await this.committer.run(() => {
        const parentId = input.parentId ?? null;
        this.checkPlace(input.type, parentId, null);
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

  /**
   * The tree's rules: 机关党委, 党总支 and 直属党支部 sit directly under the party committee (no parent);
   * a 党支部 sits under an active 党总支 or 机关党委; no unit under itself. 422 naming parentId.
   */
  private checkPlace(type: UnitRow['type'], parentId: string | null, selfId: string | null): void {
    const refuse = (detail: string) => new Problem('unprocessable', detail, { field: 'parentId', code: 'invalid_parent' });
    if (TOP_LEVEL_TYPES.has(type)) {
      if (parentId !== null) throw refuse(`${TYPE_NAMES[type].zh}直属党委，不能有上级党组织 / ${TYPE_NAMES[type].en} sits directly under the party committee: no parentId`);
      return;
    }
    if (parentId === null) throw refuse('党支部须隶属党总支或机关党委 / A branch needs a parentId: a general branch or the organ committee');
    if (parentId === selfId) throw refuse('党组织不能隶属于自身 / A unit cannot be its own parent');
    const parent = this.units.get(parentId);
    if (!parent) throw refuse(`上级单位不存在 / Parent unit ${parentId} does not exist`);
    if (!PARENT_TYPES.has(parent.type)) {
      throw refuse(
        `党支部须隶属党总支或机关党委，${parent.name}是${TYPE_NAMES[parent.type].zh} / A branch needs a general branch or the organ committee above it; ${parentId} is ${TYPE_NAMES[parent.type].en}`,
      );
    }
    if (!parent.active) throw refuse(`上级党组织已停用 / Parent unit ${parentId} is inactive`);
    if (selfId !== null && this.units.subtreeOf(selfId).includes(parentId)) throw refuse('上级党组织不能是其下级 / The parent cannot be below the unit: a cycle');
  }

  private load(id: string): UnitRow {
    const row = this.units.get(id);
    if (!row) throw new Problem('not-found', `党组织不存在 / Unit ${id} not found`);
    return row;
  }

  get(id: string): Unit {
    return toUnit(this.load(id));
  }

  /** Whether the unit exists and is in use (new users and projects only for such). */
  isActive(id: string): boolean {
    return this.units.get(id)?.active === true;
  }

  /** Renames and/or moves the unit: AMEND_UNIT with each changed field's from and to; nothing changed, nothing written. */
  async amend(act: Act, id: string, input: AmendUnitInput): Promise<Unit> {
    try {
      return await this.committer.run(() => {
        const row = this.load(id);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (input.name !== undefined && input.name !== row.name) changes.name = { from: row.name, to: input.name };
        if (input.parentId !== undefined && input.parentId !== row.parentId) {
          this.checkPlace(row.type, input.parentId, row.id);
          changes.parentId = { from: row.parentId, to: input.parentId };
        }
        if (Object.keys(changes).length === 0) return toUnit(row);
        const updated: UnitRow = { ...row, name: input.name ?? row.name, parentId: input.parentId === undefined ? row.parentId : input.parentId };
        this.units.update(id, { name: updated.name, parentId: updated.parentId });
        appendRecord(this.log, act, {
          subjectKind: 'unit',
          subjectId: id,
          event: 'AMEND_UNIT',
          fromState: row.active ? 'active' : 'inactive',
          toState: row.active ? 'active' : 'inactive',
          payload: { changes, reason: input.reason ?? null },
          at: isoUtc(this.clock.now()),
        });
        this.clearCaches();
        return toUnit(updated);
      });
    } finally {
      this.clearCaches();
    }
  }

  /** DEACTIVATE_UNIT / REACTIVATE_UNIT: the row stays; 409 when it already is so, or the tree would hold an active unit under an inactive one. */
  setActive(act: Act, id: string, active: boolean, input: UnitReasonInput): Promise<Unit> {
    return this.committer.run(() => {
      const row = this.load(id);
      if (row.active === active) {
        throw new Problem('conflict', active ? `党组织已在用 / Unit ${id} is already active` : `党组织已停用 / Unit ${id} is already inactive`, {
          code: active ? 'unit_active' : 'unit_inactive',
        });
      }
      if (!active && this.units.children(id).some((child) => child.active)) {
        throw new Problem('conflict', '请先停用或改隶其下级党支部 / Deactivate or move its active branches first', { code: 'unit_has_active_children' });
      }
      if (active && row.parentId !== null && !this.isActive(row.parentId)) {
        throw new Problem('conflict', '上级党组织已停用，请先恢复上级或改隶 / Its parent unit is inactive: reactivate the parent or move the unit first', {
          code: 'parent_inactive',
          field: 'parentId',
        });
      }
      this.units.update(id, { active });
      appendRecord(this.log, act, {
        subjectKind: 'unit',
        subjectId: id,
        event: active ? 'REACTIVATE_UNIT' : 'DEACTIVATE_UNIT',
        fromState: active ? 'inactive' : 'active',
        toState: active ? 'active' : 'inactive',
        payload: { reason: input.reason },
        at: isoUtc(this.clock.now()),
      });
      return toUnit({ ...row, active });
    });
  }

  /** DELETE_UNIT: only a unit nothing ever referred to (a mistake corrected); 409 `unit_referenced` otherwise. */
  async remove(act: Act, id: string, input: DeleteUnitInput): Promise<void> {
    try {
      await this.committer.run(() => {
        const row = this.load(id);
        const references = this.units.references(id);
        if (references.length > 0) {
          throw new Problem(
            'conflict',
            `党组织已被引用（${references.map((r) => REFERENCE_NAMES[r]!.split(' / ')[0]).join('、')}），只能停用 / The unit is referenced (${references
              .map((r) => REFERENCE_NAMES[r]!.split(' / ')[1])
              .join(', ')}): deactivate it instead`,
            { code: 'unit_referenced', references },
          );
        }
        this.units.remove(id);
        appendRecord(this.log, act, {
          subjectKind: 'unit',
          subjectId: id,
          event: 'DELETE_UNIT',
          fromState: row.active ? 'active' : 'inactive',
          toState: 'deleted',
          payload: { reason: input.reason ?? null },
          at: isoUtc(this.clock.now()),
        });
        this.clearCaches();
      });
    } finally {
      this.clearCaches();
    }
  }

  private clearCaches(): void {
    this.subtrees.clear();
    this.lineages.clear();
    this.families.clear();
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
      if (this.onlyWriter) this.subtrees.set(unitId, ids);
    }
    return ids;
  }

  /** The unit, every unit above it and every unit below it: the units a reviewer must not come from. */
  lineage(unitId: string): string[] {
    let ids = this.lineages.get(unitId);
    if (!ids) {
      ids = [...new Set([...this.units.ancestryOf(unitId), ...this.subtree(unitId)])];
      if (this.onlyWriter) this.lineages.set(unitId, ids);
    }
    return ids;
  }

  /**
   * The unit's line and its whole family: every unit under the nearest 党总支 (general_branch) or
   * 机关党委 (organ_committee) at or above it. A direct branch has no family beyond its line.
   */
  family(unitId: string): string[] {
    let ids = this.families.get(unitId);
    if (!ids) {
      let head: UnitRow | undefined = this.units.get(unitId);
      for (let steps = 0; head && !FAMILY_HEADS.has(head.type) && head.parentId !== null && steps < 64; steps += 1) head = this.units.get(head.parentId);
      ids = head && FAMILY_HEADS.has(head.type) ? [...new Set([...this.lineage(unitId), ...this.subtree(head.id)])] : this.lineage(unitId);
      if (this.onlyWriter) this.families.set(unitId, ids);
    }
    return ids;
  }
}

/** The units that head a family of branches (the same department's teachers' and students' branches). */
const FAMILY_HEADS = new Set<string>(['general_branch', 'organ_committee']);
