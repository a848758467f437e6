import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { ProjectState } from '../../machines/project.types.js';
import {
  allowedRoundEvents,
  createRound,
  decideRound,
  persistRound,
  restoreRound,
  roundEventsAcceptedIn,
  roundStateLabel,
} from '../../machines/round.lifecycle.js';
import type { RoundCommand, RoundFactsForMachine, RoundState } from '../../machines/round.types.js';
import { canonicalJson } from '../audit/hash-chain.js';
import { entriesOfSubject } from '../audit/transition-log.repository.js';
import type { Principal } from '../auth/principal.js';
import { endOfShanghaiDay, isoUtc, type Clock } from '../clock.js';
export { roundFacts, type RoundFacts } from './round-facts.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { rounds, type RoundRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { refuseDecision, type MachineTerms } from '../http/refusal.js';
import { newId } from '../ids.js';
import type { ProjectStore } from '../projects/project-store.js';
import type { ProjectsService } from '../projects/projects.service.js';
import { toTransitionView } from '../projects/projects.service.js';
import type { TransitionView } from '../projects/projects.schemas.js';
import type { CreateRoundInput, Round, RoundEventInput } from './rounds.schemas.js';

export const toRound = (row: RoundRow, allowedEvents?: Round['allowedEvents']): Round => ({
  id: row.id,
  year: row.year,
  title: row.title,
  documentNumber: row.documentNumber,
  submissionDeadline: row.submissionDeadline,
  revisionDeadline: row.revisionDeadline,
  finalAcceptanceDate: row.finalAcceptanceDate,
  funding: { first: row.fundingFirst, second: row.fundingSecond, third: row.fundingThird, qualified: row.fundingQualified },
  minReviews: row.minReviews,
  scoreScale: { min: row.scoreMin, max: row.scoreMax },
  requireSignedLetter: row.requireSignedLetter,
  state: row.state as RoundState,
  stateLabel: roundStateLabel(row.state as RoundState),
  version: row.version,
  publication: row.context.publication ?? null,
  ...(allowedEvents ? { allowedEvents } : {}),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export interface RoundEventResult {
  round: Round;
  transition: TransitionView;
  /** The START entries written with PUBLISH_LIST, one per approved project; empty otherwise. */
  started: TransitionView[];
}

function validDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export class RoundsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly projects: ProjectsService,
    private readonly store: ProjectStore,
  ) {}

  create(input: CreateRoundInput): Promise<Round> {
    const scale = input.scoreScale ?? { min: 0, max: 20 };
    if (scale.max <= scale.min) {
      throw new Problem('unprocessable', '评分上限须大于下限 / scoreScale.max must exceed scoreScale.min', { field: 'scoreScale' });
    }
    for (const [field, value] of [
      ['submissionDeadline', input.submissionDeadline],
      ['revisionDeadline', input.revisionDeadline ?? null],
      ['finalAcceptanceDate', input.finalAcceptanceDate],
    ] as const) {
      if (value !== null && !validDate(value)) {
        throw new Problem('unprocessable', `日期无效 / ${field} is not a calendar date`, { field });
      }
    }
    if (input.revisionDeadline && input.revisionDeadline < input.submissionDeadline) {
      throw new Problem('unprocessable', '修改截止日期不能早于申报截止日期 / revisionDeadline precedes submissionDeadline', { field: 'revisionDeadline' });
    }
    return this.committer.run(() => {
      const now = this.clock.now();
      const id = newId(now);
      const persisted = persistRound(createRound(id));
      const row: RoundRow = {
        id,
        year: input.year,
        title: input.title,
        documentNumber: input.documentNumber,
        submissionDeadline: input.submissionDeadline,
        revisionDeadline: input.revisionDeadline ?? null,
        finalAcceptanceDate: input.finalAcceptanceDate,
        fundingFirst: input.funding.first,
        fundingSecond: input.funding.second,
        fundingThird: input.funding.third,
        fundingQualified: input.funding.qualified,
        minReviews: input.minReviews ?? 3,
        scoreMin: scale.min,
        scoreMax: scale.max,
        requireSignedLetter: input.requireSignedLetter ?? false,
        state: persisted.state,
        context: persisted.context,
        machineId: persisted.machineId,
        machineVersion: persisted.machineVersion,
        version: 1,
        createdAt: isoUtc(now),
        updatedAt: null,
      };
      this.db.insert(rounds).values(row).run();
      return toRound(row);
    });
  }

  list(): Round[] {
    return this.db.select().from(rounds).orderBy(asc(rounds.id)).all().map((row) => toRound(row));
  }

  findRow(id: string): RoundRow | undefined {
    return this.db.select().from(rounds).where(eq(rounds.id, id)).get();
  }

  get(principal: Principal, id: string): Round {
    const row = this.findRow(id);
    if (!row) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
    const snapshot = restoreRound(persistedOf(row));
    return toRound(row, allowedRoundEvents(snapshot, actorOf(principal), this.facts(row, this.clock.now())));
  }

  transitions(principal: Principal, id: string): TransitionView[] {
    if (!this.findRow(id)) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
    return entriesOfSubject(this.db, 'round', id).map((row) => toTransitionView(row, principal));
  }

  /**
   * One round event, one transaction: the round's transition and its log entry, and for
   * PUBLISH_LIST a START (with its own log entry) for every committee-approved project of the
   * round. A refusal, or any failure on the way, writes nothing.
   */
  fire(
    principal: Principal,
    id: string,
    command: RoundEventInput,
    options: { expectedVersion: number | null; requestId: string; idempotencyKey?: string | null },
  ): Promise<{ result: RoundEventResult; body: string; replayed: boolean; version: number }> {
    const key = options.idempotencyKey ?? null;
    // Keys are per user, shared with project events: the hash names the round, so a key reused
    // for another round or another event is refused rather than replayed.
    const requestHash = key ? createHash('sha256').update(canonicalJson({ roundId: id, command })).digest('hex') : null;
    return this.committer.run(() => {
      if (key && requestHash) {
        const record = this.store.idempotencyRecord(principal.id, key);
        if (record) {
          if (record.requestHash !== requestHash) {
            throw new Problem('idempotency-key-reused', '该幂等键已用于另一个请求 / This Idempotency-Key was used for a different request');
          }
          const result = JSON.parse(record.responseBody) as RoundEventResult;
          return { result, body: record.responseBody, replayed: true, version: result.round.version };
        }
      }
      const row = this.findRow(id);
      if (!row) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
      if (options.expectedVersion !== null && options.expectedVersion !== row.version) {
        throw new Problem('precondition-failed', `批次已更新到版本 ${row.version} / The round is at version ${row.version}`, { currentVersion: row.version });
      }
      const now = this.clock.now();
      const event = { ...(command as RoundCommand), actor: actorOf(principal), facts: this.facts(row, now) };
      const decision = decideRound(restoreRound(persistedOf(row)), event);
      if (!decision.ok) refuseDecision(decision, command.type, ROUND_TERMS);

      const at = isoUtc(now);
      const persisted = persistRound(decision.snapshot);
      const { type: _type, ...payload } = command as RoundCommand & Record<string, unknown>;
      const entry = this.store.appendLog({
        subjectKind: 'round',
        subjectId: row.id,
        event: command.type,
        fromState: decision.from,
        toState: decision.to,
        payload: canonicalJson(payload),
        actorId: principal.id,
        actorRole: principal.role,
        actorUnitId: principal.unitId,
        at,
        requestId: options.requestId,
        machineId: persisted.machineId,
        machineVersion: persisted.machineVersion,
      });
      const updated = this.db
        .update(rounds)
        .set({ state: persisted.state, context: persisted.context, version: row.version + 1, updatedAt: at })
        .where(eq(rounds.id, row.id))
        .returning()
        .get();
      if (!updated || updated.version !== row.version + 1) throw new Error(`round ${row.id} changed inside its own transaction`);

      const started = command.type === 'PUBLISH_LIST' ? this.projects.startApproved(principal, row.id, options.requestId, now) : [];
      const result: RoundEventResult = {
        round: toRound(updated, allowedRoundEvents(decision.snapshot, actorOf(principal), this.facts(updated, now))),
        transition: toTransitionView(entry, principal),
        started: started.map((e) => toTransitionView(e, principal)),
      };
      const body = JSON.stringify(result);
      if (key && requestHash) {
        this.store.saveIdempotencyRecord({ userId: principal.id, key, requestHash, statusCode: 200, responseBody: body, createdAt: at });
      }
      return { result, body, replayed: false, version: updated.version };
    });
  }

  private facts(row: RoundRow, now: number): RoundFactsForMachine {
    return {
      now,
      submissionClosesAt: endOfShanghaiDay(row.submissionDeadline),
      projectsByState: this.store.projectsByState(row.id) as Partial<Record<ProjectState, number>>,
    };
  }
}

const actorOf = (principal: Principal) => ({ id: principal.id, role: principal.role, unitId: principal.unitId });

const persistedOf = (row: RoundRow) => ({
  machineId: row.machineId,
  machineVersion: row.machineVersion,
  state: row.state as RoundState,
  context: row.context,
});

const ROUND_TERMS: MachineTerms<RoundState> = {
  stateLabel: roundStateLabel,
  eventsAcceptedIn: roundEventsAcceptedIn,
  stateNoun: { zh: '批次状态', en: 'round state' },
};
