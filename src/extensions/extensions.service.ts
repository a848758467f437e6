/**
 * Extensions: a unit's own submission deadline in a round (GRANT_EXTENSION, REVOKE_EXTENSION), for
 * a unit that cannot make the round's deadline. Its projects may be submitted until the end of that
 * day (src/projects/project-facts.ts), and the round's submissions close after the last one.
 */
import type { Principal } from '../auth/principal.js';
import { endOfShanghaiDay, isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { RoundExtensionRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import type { RoundsService } from '../rounds/rounds.service.js';
import type { UnitsService } from '../units/units.service.js';
import { appendRecord, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { ExtensionsRepository } from './extensions.repository.js';
import type { Extension, GrantExtensionInput, RevokeExtensionInput } from './extensions.schemas.js';

/** Who sees every extension of a round; the others see their own unit's (and its subtree's). */
const READ_ALL = new Set(['admin', 'org_dept', 'committee', 'auditor']);

function validDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export class ExtensionsService {
  private readonly extensions: ExtensionsRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
    private readonly rounds: RoundsService,
    private readonly units: UnitsService,
  ) {
    this.extensions = new ExtensionsRepository(db);
  }

  private view(row: RoundExtensionRow): Extension {
    return {
      roundId: row.roundId,
      unitId: row.unitId,
      unitName: this.units.get(row.unitId).name,
      submissionDeadline: row.submissionDeadline,
      closesAt: isoUtc(endOfShanghaiDay(row.submissionDeadline)),
      reason: row.reason,
      grantedBy: row.grantedBy,
      grantedAt: row.grantedAt,
    };
  }

  private round(id: string) {
    const round = this.rounds.findRow(id);
    if (!round) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
    return round;
  }

  /** The round's extensions the caller may see. */
  list(principal: Principal, roundId: string): { items: Extension[] } {
    this.round(roundId);
    const rows = this.extensions.ofRound(roundId);
    if (READ_ALL.has(principal.role)) return { items: rows.map((row) => this.view(row)) };
    const own = principal.unitId === null ? new Set<string>() : new Set(this.units.subtree(principal.unitId));
    return { items: rows.filter((row) => own.has(row.unitId)).map((row) => this.view(row)) };
  }

  /** GRANT_EXTENSION: new (created) or replacing the unit's earlier one. */
  grant(act: Act, roundId: string, input: GrantExtensionInput): Promise<{ created: boolean; extension: Extension }> {
    return this.committer.run(() => {
      const round = this.round(roundId);
      if (round.state !== 'open') {
        throw new Problem('conflict', `批次已截止申报，不能再准予延期 / The round is ${round.state}: extensions only while it is open`, {
          code: 'round_not_open',
          state: round.state,
        });
      }
      if (!this.units.exists(input.unitId)) throw new Problem('unprocessable', `党组织不存在 / Unit ${input.unitId} does not exist`, { field: 'unitId' });
      if (!this.units.isActive(input.unitId)) {
        throw new Problem('unprocessable', `党组织已停用 / Unit ${input.unitId} is inactive`, { field: 'unitId', code: 'unit_inactive' });
      }
      const date = input.submissionDeadline;
      const refuse = (zh: string, en: string) => new Problem('unprocessable', `${zh} / ${en}`, { field: 'submissionDeadline', code: 'invalid_extension' });
      if (!validDate(date)) throw refuse('日期无效', 'submissionDeadline is not a calendar date');
      if (date <= round.submissionDeadline)
        throw refuse(`延期须晚于批次申报截止日 ${round.submissionDeadline}`, `must be after the round’s submission deadline ${round.submissionDeadline}`);
      if (round.revisionDeadline !== null && date >= round.revisionDeadline) {
        throw refuse(`延期须早于修改截止日 ${round.revisionDeadline}`, `must be before the round’s revision deadline ${round.revisionDeadline}`);
      }
      if (date >= round.finalAcceptanceDate) {
        throw refuse(`延期须早于结项验收日期 ${round.finalAcceptanceDate}`, `must be before the round’s final acceptance date ${round.finalAcceptanceDate}`);
      }
      const earlier = this.extensions.get(roundId, input.unitId);
      const row: RoundExtensionRow = {
        roundId,
        unitId: input.unitId,
        submissionDeadline: date,
        reason: input.reason,
        grantedBy: act.actor.id,
        grantedAt: isoUtc(this.clock.now()),
      };
      this.extensions.put(row);
      appendRecord(this.log, act, {
        subjectKind: 'extension',
        subjectId: `${roundId}/${input.unitId}`,
        event: 'GRANT_EXTENSION',
        fromState: earlier ? 'granted' : 'none',
        toState: 'granted',
        payload: { roundId, unitId: input.unitId, submissionDeadline: date, reason: input.reason },
        at: row.grantedAt,
      });
      return { created: !earlier, extension: this.view(row) };
    });
  }

  /** REVOKE_EXTENSION: the unit's projects go back to the round's deadline. */
  revoke(act: Act, roundId: string, unitId: string, input: RevokeExtensionInput): Promise<void> {
    return this.committer.run(() => {
      this.round(roundId);
      if (!this.extensions.get(roundId, unitId)) throw new Problem('not-found', `该党组织在本批次没有延期 / Unit ${unitId} has no extension in round ${roundId}`);
      this.extensions.remove(roundId, unitId);
      appendRecord(this.log, act, {
        subjectKind: 'extension',
        subjectId: `${roundId}/${unitId}`,
        event: 'REVOKE_EXTENSION',
        fromState: 'granted',
        toState: 'revoked',
        payload: { roundId, unitId, reason: input.reason },
        at: isoUtc(this.clock.now()),
      });
    });
  }
}
