/**
 * Moving in-flight subjects from one version of their machine to another: the only way a persisted
 * snapshot changes definition. A dry run reports what would move where; a run is refused whole if
 * any subject would land in a state the new version lacks; otherwise every subject moves in one
 * transaction, each with its own log entry (event MIGRATE, from its old state to its new one, under
 * the new definition), so the log replays across the migration.
 */
import type Database from 'better-sqlite3';
import type { Lifecycle } from '../../machines/lifecycle.js';
import { governs } from '../../machines/round.gates.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { Problem } from '../http/problems.js';
import { canonicalJson } from './hash-chain.js';
import { contextSha256 } from './records.js';
import type { SubjectKind, WorkflowStores } from './step.js';

/** The log's event for a subject moved to another version of its machine. */
export const MIGRATE_EVENT = 'MIGRATE';

export interface MigrationRequest {
  /** The machine, e.g. `project`. */
  machine: string;
  fromVersion: number;
  toVersion: number;
  /** Old state → new state, for states the new version names differently; unlisted states keep their name. */
  stateMap?: Record<string, string>;
  /**
   * A project migration: only this round's projects (and its pin). A round migration: only this round,
   * in flight. Omitted: every subject of the machine at fromVersion.
   */
  roundId?: string;
  /**
   * A round migration's projects, moved in the same transaction when the round's new version cannot
   * govern the project machine they run (round@2 needs project@2): their target version and state map.
   */
  projects?: { toVersion: number; stateMap?: Record<string, string> };
  dryRun: boolean;
  reason: string;
}

export interface MigrationReport {
  machine: string;
  from: string;
  to: string;
  roundId: string | null;
  dryRun: boolean;
  /** Whether the subjects moved (false for a dry run or a refused run). */
  applied: boolean;
  subjects: number;
  /** How many subjects move from each state to which. */
  moves: Array<{ fromState: string; toState: string; subjects: number }>;
  /** Subjects whose state the new version lacks: the run is refused while any is listed. */
  unmapped: Array<{ state: string; subjects: string[] }>;
  /** Rounds whose projects now run under the new version. */
  repinnedRounds: string[];
  /** The first and last log entry written, null for none. */
  entries: { first: number; last: number } | null;
  /** A round migration's projects, moved with it; absent otherwise. */
  projects?: Omit<MigrationReport, 'projects' | 'dryRun' | 'applied' | 'entries'>;
}

interface Plan {
  from: Lifecycle;
  to: Lifecycle;
  table: string;
  target: (state: string) => string;
  roundId: string | undefined;
  subjects: SubjectState[];
  rounds: string[];
  report: Omit<MigrationReport, 'projects' | 'dryRun' | 'applied' | 'entries'>;
}

/** Every state a map names exists in its version. */
function checkStateMap(from: Lifecycle, to: Lifecycle, stateMap: Record<string, string>, field: string): void {
  for (const [old, next] of Object.entries(stateMap)) {
    if (!from.hasState(old)) throw new Problem('unprocessable', `${from.key} 没有状态 ${old} / ${from.key} has no state ${old}`, { field });
    if (!to.hasState(next)) throw new Problem('unprocessable', `${to.key} 没有状态 ${next} / ${to.key} has no state ${next}`, { field });
  }
}

interface SubjectState {
  id: string;
  state: string;
  context: string;
  version: number;
}

/** Where each kind of subject with a machine is stored. */
const TABLES: Partial<Record<SubjectKind, string>> = { project: 'projects', round: 'rounds' };

export class MachineMigrations {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly workflow: WorkflowStores,
  ) {}

  /** Plans, and unless it is a dry run or refused, applies a migration; one transaction either way. */
  migrate(principal: Principal, request: MigrationRequest): Promise<MigrationReport> {
    const from = this.definition(request.machine, request.fromVersion, 'fromVersion');
    const to = this.definition(request.machine, request.toVersion, 'toVersion');
    if (from === to) throw new Problem('unprocessable', '源版本与目标版本相同 / fromVersion and toVersion are the same', { field: 'toVersion' });
    const stateMap = request.stateMap ?? {};
    checkStateMap(from, to, stateMap, 'stateMap');
    if (request.reason.trim().length === 0) throw new Problem('unprocessable', '须说明迁移理由 / A reason is required', { field: 'reason' });
    const table = TABLES[from.kind as SubjectKind];
    if (!table) throw new Problem('unprocessable', `${from.kind} 没有可迁移的对象 / No subjects of kind ${from.kind} are stored`, { field: 'machine' });
    if (request.projects !== undefined && (from.kind !== 'round' || request.roundId === undefined)) {
      throw new Problem('unprocessable', '只有限定批次的批次迁移可同时迁移其项目 / Only a round migration limited to one round moves its projects with it', {
        field: request.roundId === undefined && from.kind === 'round' ? 'roundId' : 'projects',
      });
    }
    const projectsTo = request.projects ? this.definition('project', request.projects.toVersion, 'projects.toVersion') : null;
    if (projectsTo && !governs(to.version, projectsTo)) {
      throw new Problem('unprocessable', `${to.key} 不能管理 ${projectsTo.key} 的项目 / ${to.key} cannot govern projects of ${projectsTo.key}`, {
        field: 'projects.toVersion',
        code: 'projects_not_governed',
      });
    }

    return this.committer.run(() => {
      if (request.roundId !== undefined && !this.sqlite.prepare('SELECT 1 FROM rounds WHERE id = ?').get(request.roundId)) {
        throw new Problem('not-found', `批次不存在 / Round ${request.roundId} not found`);
      }
      const main = this.plan(from, to, stateMap, table, request.roundId);
      let projects: Plan | null = null;
      if (from.kind === 'round') {
        for (const round of main.subjects) {
          const pinned = this.workflow.registry.require('project', this.pinOf(round.id));
          if (projectsTo) {
            if (pinned === projectsTo)
              throw new Problem('unprocessable', `批次的项目已按 ${pinned.key} 运行 / The round’s projects run under ${pinned.key} already`, { field: 'projects.toVersion' });
            checkStateMap(pinned, projectsTo, request.projects!.stateMap ?? {}, 'projects.stateMap');
            projects = this.plan(pinned, projectsTo, request.projects!.stateMap ?? {}, 'projects', round.id);
          } else if (!governs(to.version, pinned)) {
            throw new Problem(
              'conflict',
              `${to.key} 不能管理批次 ${round.id} 的 ${pinned.key} 项目：须在 projects 中一并迁移 / ${to.key} cannot govern round ${round.id}’s projects of ${pinned.key}: move them with it (projects)`,
              { code: 'projects_not_governed', roundId: round.id, projectMachine: pinned.key },
            );
          }
        }
      }
      const report: MigrationReport = {
        ...main.report,
        roundId: request.roundId ?? null,
        dryRun: request.dryRun,
        applied: false,
        entries: null,
        ...(projects ? { projects: { ...projects.report, roundId: request.roundId ?? null } } : {}),
      };
      if (request.dryRun) return report;
      const unmapped = [...main.report.unmapped, ...(projects?.report.unmapped ?? [])];
      if (unmapped.length > 0) {
        const states = [...new Set(unmapped.map((u) => u.state))];
        throw new Problem('conflict', `新版本没有状态 ${states.join('、')}，须在 stateMap 中映射 / The new version lacks ${states.join(', ')}: map them in stateMap`, {
          code: 'states_unmapped',
          unmapped,
        });
      }
      const at = isoUtc(this.clock.now());
      const seqs = [...this.apply(principal, main, request, at), ...(projects ? this.apply(principal, projects, request, at) : [])];
      return { ...report, applied: true, entries: seqs.length > 0 ? { first: seqs[0]!, last: seqs[seqs.length - 1]! } : null };
    });
  }

  private pinOf(roundId: string): number {
    return this.sqlite.prepare<[string], { pin: number }>('SELECT project_machine_version AS pin FROM rounds WHERE id = ?').get(roundId)!.pin;
  }

  /** Which subjects of `from` (one round's, or one round itself, when `roundId` is given) move to which state of `to`. */
  private plan(from: Lifecycle, to: Lifecycle, stateMap: Record<string, string>, table: string, roundId: string | undefined): Plan {
    const scope = roundId === undefined ? '' : from.kind === 'round' ? ' AND id = ?' : ' AND round_id = ?';
    const subjects = this.sqlite
      .prepare<unknown[], SubjectState>(`SELECT id, state, context, version FROM ${table} WHERE machine_id = ? AND machine_version = ?${scope} ORDER BY id`)
      .all(from.id, from.version, ...(roundId !== undefined ? [roundId] : []));
    const target = (state: string) => stateMap[state] ?? state;
    const moves = new Map<string, { fromState: string; toState: string; subjects: number }>();
    const unmapped = new Map<string, string[]>();
    for (const subject of subjects) {
      const next = target(subject.state);
      if (!to.hasState(next)) {
        unmapped.set(subject.state, [...(unmapped.get(subject.state) ?? []), subject.id]);
        continue;
      }
      const key = `${subject.state}→${next}`;
      const move = moves.get(key) ?? { fromState: subject.state, toState: next, subjects: 0 };
      move.subjects += 1;
      moves.set(key, move);
    }
    const rounds =
      from.kind !== 'project'
        ? []
        : this.sqlite
            .prepare<unknown[], { id: string }>(`SELECT id FROM rounds WHERE project_machine_version = ?${roundId !== undefined ? ' AND id = ?' : ''} ORDER BY id`)
            .all(from.version, ...(roundId !== undefined ? [roundId] : []))
            .map((r) => r.id);
    return {
      from,
      to,
      table,
      target,
      roundId,
      subjects,
      rounds,
      report: {
        machine: from.id,
        from: from.key,
        to: to.key,
        roundId: roundId ?? null,
        subjects: subjects.length,
        moves: [...moves.values()],
        unmapped: [...unmapped.entries()].map(([state, ids]) => ({ state, subjects: ids })),
        repinnedRounds: rounds,
      },
    };
  }

  /** Moves a plan's subjects, each with its MIGRATE entry, and repins its rounds; the sequence numbers written. */
  private apply(principal: Principal, plan: Plan, request: MigrationRequest, at: string): number[] {
    const { from, to, table, target } = plan;
    const update = this.sqlite.prepare(`UPDATE ${table} SET state = ?, machine_version = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`);
    const seqs: number[] = [];
    const reason = request.reason.trim();
    const requestId = `migrate-${request.machine}@${request.fromVersion}-${request.machine}@${request.toVersion}`;
    /** One MIGRATE entry: the subject, its state before and after, the definition it now runs under. */
    const record = (kind: SubjectKind, subjectId: string, fromState: string, toState: string, machine: { id: string; version: number }, payload: object) =>
      this.workflow.log.append({
        subjectKind: kind,
        subjectId,
        event: MIGRATE_EVENT,
        fromState,
        toState,
        payload: canonicalJson(payload),
        actorId: principal.id,
        actorRole: principal.role,
        actorUnitId: principal.unitId,
        at,
        requestId,
        machineId: machine.id,
        machineVersion: machine.version,
      });
    for (const subject of plan.subjects) {
      const next = target(subject.state);
      // Restoring under the new definition proves the snapshot is one of its states.
      const context: unknown = JSON.parse(subject.context);
      to.restore({ machineId: to.id, machineVersion: to.version, state: next, context });
      const entry = record(from.kind as SubjectKind, subject.id, subject.state, next, to, {
        from: from.key,
        to: to.key,
        reason,
        ...(plan.roundId !== undefined ? { roundId: plan.roundId } : {}),
        contextSha256: contextSha256(context),
      });
      seqs.push(entry.seq);
      if (update.run(next, to.version, at, subject.id, subject.version).changes !== 1) throw new Error(`${subject.id} changed during its migration`);
    }
    // A round's pin changes with its projects, on the record: an entry on the round, its state unchanged.
    const roundRow = this.sqlite.prepare<[string], { state: string; context: string; machineId: string; machineVersion: number }>(
      'SELECT state, context, machine_id AS machineId, machine_version AS machineVersion FROM rounds WHERE id = ?',
    );
    const pin = this.sqlite.prepare('UPDATE rounds SET project_machine_version = ?, version = version + 1, updated_at = ? WHERE id = ?');
    for (const round of plan.rounds) {
      const row = roundRow.get(round)!;
      const entry = record(
        'round',
        round,
        row.state,
        row.state,
        { id: row.machineId, version: row.machineVersion },
        {
          projectMachine: { from: from.key, to: to.key },
          reason,
          contextSha256: contextSha256(JSON.parse(row.context)),
        },
      );
      seqs.push(entry.seq);
      pin.run(to.version, at, round);
    }
    return seqs;
  }

  private definition(machine: string, version: number, field: string): Lifecycle {
    const lifecycle = this.workflow.registry.get(machine, version);
    if (!lifecycle) throw new Problem('unprocessable', `没有状态机定义 ${machine}@${version} / No machine definition ${machine}@${version}`, { field });
    return lifecycle;
  }
}
