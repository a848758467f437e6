/**
 * One workflow step as a plain synchronous function of (transaction, event): load the project,
 * gather the facts, let the machine decide, then write the project, the review, one log row and
 * the idempotency record. It throws a Problem to refuse, and the caller's transaction then rolls
 * back, so a refused event writes nothing. It never awaits: it may share a transaction with other
 * events (group commit) as long as each runs in its own savepoint.
 */
import { and, eq } from 'drizzle-orm';
import { decide, persistProject, restoreProject, type Decision } from '../../machines/project.lifecycle.js';
import type { Facts, ProjectCommand, ProjectEvent } from '../../machines/project.types.js';
import { canonicalJson } from '../audit/hash-chain.js';
import { appendEntry } from '../audit/transition-log.repository.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc } from '../clock.js';
import type { Executor } from '../db/executor.js';
import { idempotencyRecords, projects, reviewerAssignments, reviews, rounds, type ProjectRow, type TransitionLogRow } from '../db/schema.js';
import { Problem, bilingual } from '../http/problems.js';
import { roundFacts } from '../rounds/rounds.service.js';
import { eventsAcceptedIn, stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectState } from '../../machines/project.types.js';

export interface EventRequest {
  principal: Principal;
  projectId: string;
  command: ProjectCommand;
  /** The version the client last saw, from If-Match. */
  expectedVersion: number | null;
  idempotency: { key: string; requestHash: string } | null;
  requestId: string;
  now: number;
}

export interface FactSources {
  /** The project's unit with every unit above and below it. */
  lineage(tx: Executor, unitId: string): string[];
}

export interface EventOutcome {
  project: ProjectRow;
  entry: TransitionLogRow;
}

export function loadFacts(tx: Executor, sources: FactSources, project: ProjectRow, now: number): Facts {
  const round = tx.select().from(rounds).where(eq(rounds.id, project.roundId)).get();
  if (!round) throw new Error(`project ${project.id} refers to a missing round`);
  const assigned = tx
    .select({ reviewerId: reviewerAssignments.reviewerId })
    .from(reviewerAssignments)
    .where(eq(reviewerAssignments.projectId, project.id))
    .all()
    .map((r) => r.reviewerId);
  const reviewed = tx
    .select({ reviewerId: reviews.reviewerId })
    .from(reviews)
    .where(eq(reviews.projectId, project.id))
    .all()
    .map((r) => r.reviewerId);
  return {
    now,
    title: project.title,
    letter: project.letter,
    ...roundFacts(round),
    conflictingUnitIds: sources.lineage(tx, project.unitId),
    assignedReviewerIds: assigned,
    reviewedReviewerIds: reviewed,
  };
}

function refuse(decision: Exclude<Decision, { ok: true }>, event: string): never {
  const state = decision.state;
  const here = { state, stateLabel: stateLabel(state) };
  switch (decision.kind) {
    case 'illegal':
      throw new Problem(
        'illegal-transition',
        `事件 ${event} 不能在状态「${stateLabel(state).zh}」下执行 / ${event} is not allowed in state ${state}`,
        { ...here, event, allowedEvents: eventsAcceptedIn(state) },
      );
    case 'forbidden':
      throw new Problem('forbidden', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
    case 'unprocessable':
      throw new Problem('guard-failed', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
  }
}

/**
 * Applies the event inside the caller's transaction. `visible` decides whether the caller may see
 * the project at all (404 otherwise, the same answer as for an unknown id).
 */
export function applyEvent(
  tx: Executor,
  sources: FactSources,
  request: EventRequest,
  visible: (tx: Executor, principal: Principal, project: ProjectRow) => boolean,
): EventOutcome {
  const { principal, command } = request;
  const project = tx.select().from(projects).where(eq(projects.id, request.projectId)).get();
  if (!project || !visible(tx, principal, project)) {
    throw new Problem('not-found', `项目不存在 / Project ${request.projectId} not found`);
  }
  if (request.expectedVersion !== null && request.expectedVersion !== project.version) {
    throw new Problem('precondition-failed', `项目已更新到版本 ${project.version} / The project is at version ${project.version}`, {
      currentVersion: project.version,
    });
  }

  const snapshot = restoreProject({
    machineId: project.machineId,
    machineVersion: project.machineVersion,
    state: project.state as ProjectState,
    context: project.context,
  });
  const facts = loadFacts(tx, sources, project, request.now);
  const event = { ...command, actor: { id: principal.id, role: principal.role, unitId: principal.unitId }, facts } as ProjectEvent;
  const decision = decide(snapshot, event);
  if (!decision.ok) refuse(decision, command.type);

  const at = isoUtc(request.now);
  const persisted = persistProject(decision.snapshot);
  const { type: _type, ...payload } = command;
  const entry = appendEntry(tx, {
    projectId: project.id,
    event: command.type,
    fromState: decision.from,
    toState: decision.to,
    payload: canonicalJson(payload),
    actorId: principal.id,
    actorRole: principal.role,
    actorUnitId: principal.unitId,
    at,
    requestId: request.requestId,
    machineId: persisted.machineId,
    machineVersion: persisted.machineVersion,
  });

  const updated = tx
    .update(projects)
    .set({
      state: persisted.state,
      context: persisted.context,
      machineId: persisted.machineId,
      machineVersion: persisted.machineVersion,
      version: project.version + 1,
      grade: persisted.context.grade,
      funding: persisted.context.funding,
      updatedAt: at,
    })
    .where(and(eq(projects.id, project.id), eq(projects.version, project.version)))
    .returning()
    .get();
  if (!updated) throw new Error(`project ${project.id} changed inside its own transaction`);

  if (command.type === 'SUBMIT_REVIEW') {
    const { scores, comment } = command;
    const total = scores.direction + scores.innovation + scores.practicality + scores.breadth + scores.exemplarity;
    tx.insert(reviews)
      .values({ projectId: project.id, reviewerId: principal.id, ...scores, total, comment, logSeq: entry.seq, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [reviews.projectId, reviews.reviewerId],
        set: { ...scores, total, comment, logSeq: entry.seq, updatedAt: at },
      })
      .run();
  }

  return { project: updated, entry };
}

export function findIdempotencyRecord(tx: Executor, userId: string, key: string) {
  return tx
    .select()
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.userId, userId), eq(idempotencyRecords.key, key)))
    .get();
}

export function saveIdempotencyRecord(
  tx: Executor,
  record: { userId: string; key: string; requestHash: string; statusCode: number; responseBody: string; now: number },
): void {
  tx.insert(idempotencyRecords)
    .values({
      userId: record.userId,
      key: record.key,
      requestHash: record.requestHash,
      statusCode: record.statusCode,
      responseBody: record.responseBody,
      createdAt: isoUtc(record.now),
    })
    .run();
}
