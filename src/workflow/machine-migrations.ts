/**
 * Moving in-flight subjects from one version of their machine to another: the only way a persisted
 * snapshot changes definition. A dry run reports what would move where; a run is refused whole if
 * any subject would land in a state the new version lacks; otherwise every subject moves in one
 * transaction, each with its own log entry (event MIGRATE, from its old state to its new one, under
 * the new definition), so the log replays across the migration.
 */
import type Database from 'better-sqlite3';
import type { Lifecycle } from '../../machines/lifecycle.js';
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
  /** Only this round's projects (and its pin); omitted: every subject of the machine at fromVersion. */
  roundId?: string;
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
    if (request.roundId !== undefined && from.kind !== 'project') {
      throw new Problem('unprocessable', '只有项目迁移可按批次限定 / Only a project migration may be limited to a round', { field: 'roundId' });
    }
    if (from === to) throw new Problem('unprocessable', '源版本与目标版本相同 / fromVersion and toVersion are the same', { field: 'toVersion' });
    const stateMap = request.stateMap ?? {};
    for (const [old, next] of Object.entries(stateMap)) {
      if (!from.hasState(old)) throw new Problem('unprocessable', `${from.key} 没有状态 ${old} / ${from.key} has no state ${old}`, { field: 'stateMap' });
      if (!to.hasState(next)) throw new Problem('unprocessable', `${to.key} 没有状态 ${next} / ${to.key} has no state ${next}`, { field: 'stateMap' });
    }
    if (request.reason.trim().length === 0) throw new Problem('unprocessable', '须说明迁移理由 / A reason is required', { field: 'reason' });
    const table = TABLES[from.kind as SubjectKind];
    if (!table) throw new Problem('unprocessable', `${from.kind} 没有可迁移的对象 / No subjects of kind ${from.kind} are stored`, { field: 'machine' });

    return this.committer.run(() => {
      if (request.roundId !== undefined && !this.sqlite.prepare('SELECT 1 FROM rounds WHERE id = ?').get(request.roundId)) {
        throw new Problem('not-found', `批次不存在 / Round ${request.roundId} not found`);
      }
      const subjects = this.sqlite
        .prepare<unknown[], SubjectState>(
          `SELECT id, state, context, version FROM ${table} WHERE machine_id = ? AND machine_version = ?${request.roundId !== undefined ? ' AND round_id = ?' : ''} ORDER BY id`,
        )
        .all(from.id, from.version, ...(request.roundId !== undefined ? [request.roundId] : []));
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
              .prepare<unknown[], { id: string }>(`SELECT id FROM rounds WHERE project_machine_version = ?${request.roundId !== undefined ? ' AND id = ?' : ''} ORDER BY id`)
              .all(from.version, ...(request.roundId !== undefined ? [request.roundId] : []))
              .map((r) => r.id);
      const report: MigrationReport = {
        machine: from.id,
        from: from.key,
        to: to.key,
        roundId: request.roundId ?? null,
        dryRun: request.dryRun,
        applied: false,
        subjects: subjects.length,
        moves: [...moves.values()],
        unmapped: [...unmapped.entries()].map(([state, ids]) => ({ state, subjects: ids })),
        repinnedRounds: rounds,
        entries: null,
      };
      if (request.dryRun) return report;
      if (unmapped.size > 0) {
        throw new Problem(
          'conflict',
          `${to.key} 没有状态 ${[...unmapped.keys()].join('、')}，须在 stateMap 中映射 / ${to.key} lacks ${[...unmapped.keys()].join(', ')}: map them in stateMap`,
          {
            code: 'states_unmapped',
            unmapped: report.unmapped,
          },
        );
      }

      const at = isoUtc(this.clock.now());
      const update = this.sqlite.prepare(`UPDATE ${table} SET state = ?, machine_version = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`);
      const seqs: number[] = [];
      const reason = request.reason.trim();
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
          requestId: `migrate-${from.key}-${to.key}`,
          machineId: machine.id,
          machineVersion: machine.version,
        });
      for (const subject of subjects) {
        const next = target(subject.state);
        // Restoring under the new definition proves the snapshot is one of its states.
        const context: unknown = JSON.parse(subject.context);
        to.restore({ machineId: to.id, machineVersion: to.version, state: next, context });
        const entry = record(from.kind as SubjectKind, subject.id, subject.state, next, to, {
          from: from.key,
          to: to.key,
          reason,
          ...(request.roundId !== undefined ? { roundId: request.roundId } : {}),
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
      for (const round of rounds) {
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
      return { ...report, applied: true, entries: seqs.length > 0 ? { first: seqs[0]!, last: seqs[seqs.length - 1]! } : null };
    });
  }

  private definition(machine: string, version: number, field: string): Lifecycle {
    const lifecycle = this.workflow.registry.get(machine, version);
    if (!lifecycle) throw new Problem('unprocessable', `没有状态机定义 ${machine}@${version} / No machine definition ${machine}@${version}`, { field });
    return lifecycle;
  }
}
