/**
 * The one workflow step, for every machine: idempotency → load → If-Match → decide → refuse →
 * append the log entry → write → record the reply.
 *
 * It is a plain synchronous function, run inside the group committer's transaction (a savepoint of
 * it): it throws a Problem to refuse, the savepoint rolls back, and a refused event writes nothing.
 * It never awaits. What differs between machines (which table holds the subject, which facts its
 * guards read, what else an entry writes) is a `Subjects` of the feature; the machine itself is the
 * definition the registry names for the subject's persisted machine id and version.
 */
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { Lifecycle, Persisted } from '../../machines/lifecycle.js';
import type { EventType, ProjectContext, ProjectState } from '../../machines/project.types.js';
import { checkGate, decideInRound, type GateFacts } from '../../machines/round.gates.js';
import type { RoundEventType } from '../../machines/round.types.js';
import type { MachineRegistry } from '../../machines/registry.js';
import type { Label } from '../../machines/vocabulary.js';
import { sha256Hex } from '../audit/table-rules.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc } from '../clock.js';
import type { SubjectKind, TransitionLogRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import type { IdempotencyRepository } from './idempotency.repository.js';
import type { TransitionLogRepository } from './transition-log.repository.js';
import { canonicalJson } from './hash-chain.js';
import { contextSha256 } from './records.js';
import { refuseDecision, refuseGate } from './refusal.js';

export type { SubjectKind } from '../db/schema.js';

/** What the step needs of a subject's row. */
export interface SubjectRow {
  id: string;
  version: number;
  machineId: string;
  machineVersion: number;
  state: string;
  context: unknown;
}

/** A feature's subjects as the step sees them: where they live and what their machine needs. */
export interface Subjects<Row extends SubjectRow, Command extends { type: string }, Facts> {
  kind: SubjectKind;
  /** What the subject is called: 项目 / project, 批次 / round. */
  noun: Label;
  /** How the subject's state is named in a refusal: 状态 / state, 批次状态 / round state. */
  stateNoun: Label;
  load(id: string): Row | undefined;
  /** Whether the caller may see the subject at all (404 otherwise, as for an unknown id). */
  visible(principal: Principal, row: Row): boolean;
  notFound(id: string): Problem;
  /** The facts the machine's guards read, at `now`. */
  facts(row: Row, now: number): Facts;
  /** The payload the log keeps for this command; the step adds `contextSha256`, the hash of the context written. */
  loggedPayload(command: Command, facts: Facts, next: Persisted): Record<string, unknown>;
  /** Writes the subject as the machine left it, one version up; answers the row as written. */
  write(row: Row, next: Persisted, at: string): Row;
  /**
   * What the entry implies, in the same transaction: further rows (a review's scores), or events
   * of other subjects (PUBLISH_LIST starts every approved project); answers their log entries.
   */
  afterEntry?(row: Row, command: Command, principal: Principal, entry: TransitionLogRow): TransitionLogRow[] | void;
  /**
   * The round's gate facts for the subject's event (projects, when the round's gates are enforced):
   * the event is then decided by the machine and by the round (`decideInRound`), a closed gate
   * answering 409 `round-gate-closed`. Absent: the machine alone decides.
   */
  gate?(row: Row, facts: Facts, request: StepRequest<Command>): GateFacts;
}

export interface StepRequest<Command> {
  principal: Principal;
  subjectId: string;
  command: Command;
  /** The version the client last saw, from If-Match; null: none given. */
  expectedVersion: number | null;
  requestId: string;
  now: number;
  /** The round event this one runs inside (START inside PUBLISH_LIST); the round's gates read it. */
  cause?: RoundEventType;
}

export interface StepOutcome<Row> {
  row: Row;
  entry: TransitionLogRow;
  /** The machine's snapshot after the event, the one `row` was written from. */
  snapshot: SnapshotFrom<AnyStateMachine>;
  lifecycle: Lifecycle;
  /** The entries the event's consequences wrote (the STARTs of PUBLISH_LIST); empty for most. */
  followUps: TransitionLogRow[];
}

export interface WorkflowStores {
  registry: MachineRegistry;
  log: TransitionLogRepository;
  idempotency: IdempotencyRepository;
}

/** The step without its idempotency: for events fired by other events (PUBLISH_LIST's STARTs). */
export function applyStep<Row extends SubjectRow, Command extends { type: string }, Facts>(
  stores: WorkflowStores,
  subjects: Subjects<Row, Command, Facts>,
  request: StepRequest<Command>,
): StepOutcome<Row> {
  const { principal, command } = request;
  const row = subjects.load(request.subjectId);
  if (!row || !subjects.visible(principal, row)) throw subjects.notFound(request.subjectId);
  if (request.expectedVersion !== null && request.expectedVersion !== row.version) {
    throw new Problem('precondition-failed', `${subjects.noun.zh}已更新到版本 ${row.version} / The ${subjects.noun.en} is at version ${row.version}`, {
      currentVersion: row.version,
    });
  }

  const lifecycle = stores.registry.require(row.machineId, row.machineVersion);
  const facts = subjects.facts(row, request.now);
  const event = { ...command, actor: { id: principal.id, role: principal.role, unitId: principal.unitId }, facts };
  const restored = lifecycle.restore(row);
  let decision: ReturnType<Lifecycle['decide']>;
  if (subjects.gate) {
    const gate = subjects.gate(row, facts, request);
    const project = lifecycle as unknown as Lifecycle<AnyStateMachine, ProjectState, EventType>;
    const gated = decideInRound(project, restored, event as Parameters<typeof project.decide>[1], gate);
    if (!gated.ok && gated.kind === 'gated') refuseGate(gated.refusal, lifecycle, openEvents(project, restored, gate));
    decision = gated;
  } else {
    decision = lifecycle.decide(restored, event);
  }
  if (!decision.ok) refuseDecision(decision, command.type, lifecycle, subjects.stateNoun);

  const at = isoUtc(request.now);
  const next = lifecycle.persist(decision.snapshot);
  const entry = stores.log.append({
    subjectKind: subjects.kind,
    subjectId: row.id,
    event: command.type,
    fromState: decision.from,
    toState: decision.to,
    // The hash of the context the row now holds: the log binds every persisted snapshot.
    payload: canonicalJson({ ...subjects.loggedPayload(command, facts, next), contextSha256: contextSha256(next.context) }),
    actorId: principal.id,
    actorRole: principal.role,
    actorUnitId: principal.unitId,
    at,
    requestId: request.requestId,
    machineId: next.machineId,
    machineVersion: next.machineVersion,
  });
  const written = subjects.write(row, next, at);
  const followUps = subjects.afterEntry?.(written, command, principal, entry) ?? [];
  return { row: written, entry, snapshot: decision.snapshot, lifecycle, followUps };
}

/** The events the project's state accepts whose gate the round has open now. */
export function openEvents(lifecycle: Lifecycle<AnyStateMachine, ProjectState, EventType>, snapshot: SnapshotFrom<AnyStateMachine>, gate: GateFacts): string[] {
  const from = lifecycle.stateOf(snapshot);
  const context = (snapshot as { context: ProjectContext }).context;
  return lifecycle.eventsAcceptedIn(from).filter((e) => checkGate(context, from, e, gate) === null);
}

/** The answer to an event, ready to send: a replay sends the stored bytes unchanged. */
export interface StepReply {
  body: string;
  replayed: boolean;
  /** The subject's version after the event, for the ETag. */
  version: number;
}

/**
 * The whole step: a retried request (same caller, same Idempotency-Key, same request) replays the
 * first answer's bytes; the same key with another request is refused; otherwise the step runs and
 * its answer is recorded under the key in the same transaction.
 */
export function runStep<Row extends SubjectRow, Command extends { type: string }, Facts>(
  stores: WorkflowStores,
  subjects: Subjects<Row, Command, Facts>,
  request: StepRequest<Command> & { idempotencyKey: string | null; requestHash: string | null },
  answer: { reply(outcome: StepOutcome<Row>): string; versionOf(reply: string): number },
): StepReply {
  const { idempotencyKey: key, requestHash: hash, principal } = request;
  if (key && hash) {
    const record = stores.idempotency.find(principal.id, key);
    if (record) {
      if (record.requestHash !== hash) {
        throw new Problem('idempotency-key-reused', '该幂等键已用于另一个请求 / This Idempotency-Key was used for a different request');
      }
      return { body: record.responseBody, replayed: true, version: answer.versionOf(record.responseBody) };
    }
  }
  const outcome = applyStep(stores, subjects, request);
  const body = answer.reply(outcome);
  if (key && hash) {
    stores.idempotency.save({ userId: principal.id, key, requestHash: hash, statusCode: 200, responseBody: body, createdAt: outcome.entry.at });
  }
  return { body, replayed: false, version: outcome.row.version };
}

/** What an Idempotency-Key is bound to: the SHA-256 of the request's canonical JSON. */
export function requestHash(request: unknown): string {
  return sha256Hex(canonicalJson(request));
}
