import { createHash } from 'node:crypto';
import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { allowedEvents, createProject, persistProject, stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectCommand, ProjectState } from '../../machines/project.types.js';
import { canonicalJson } from '../audit/hash-chain.js';
import { entriesOfSubject } from '../audit/transition-log.repository.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { projects, reviewerAssignments, users, type ProjectRow, type TransitionLogRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import { pairRefusal } from '../panel/assignment-rules.js';
import type { UnitsService } from '../units/units.service.js';
import { applyEvent, loadFacts, restore, type StepContext } from './apply-event.js';
import type { ProjectStore } from './project-store.js';
import { directionBelongsTo, type Category } from './categories.js';
import type {
  CreateProjectInput,
  ListProjectsInput,
  PatchProjectInput,
  ProjectView,
  TransitionView,
} from './projects.schemas.js';

export function toProjectView(row: ProjectRow, events?: string[]): ProjectView {
  return {
    id: row.id,
    roundId: row.roundId,
    unitId: row.unitId,
    category: row.category,
    direction: row.direction,
    title: row.title,
    letter: row.letter,
    state: row.state as ProjectState,
    stateLabel: stateLabel(row.state as ProjectState),
    version: row.version,
    grade: row.grade,
    funding: row.funding,
    recommended: row.context.recommended,
    submissions: row.context.submissions,
    machine: { id: row.machineId, version: row.machineVersion },
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...(events ? { allowedEvents: events as ProjectView['allowedEvents'] } : {}),
  };
}

/**
 * Applicants never learn who scored what, and a reviewer sees only its own reviews: other reviews
 * reach them without reviewer or scores. `projectId` (deprecated) is kept on project entries only.
 */
export function toTransitionView(row: TransitionLogRow, viewer: Principal): TransitionView {
  const hidden =
    row.event === 'SUBMIT_REVIEW' && (viewer.role === 'applicant' || (viewer.role === 'reviewer' && row.actorId !== viewer.id));
  return {
    seq: row.seq,
    subject: { kind: row.subjectKind, id: row.subjectId },
    ...(row.subjectKind === 'project' ? { projectId: row.subjectId } : {}),
    event: row.event as TransitionView['event'],
    fromState: row.fromState as ProjectState,
    toState: row.toState as ProjectState,
    payload: hidden ? { redacted: true } : (JSON.parse(row.payload) as Record<string, unknown>),
    actor: hidden ? { id: null, role: row.actorRole, unitId: null } : { id: row.actorId, role: row.actorRole, unitId: row.actorUnitId },
    at: row.at,
    requestId: row.requestId,
    machine: { id: row.machineId, version: row.machineVersion },
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

const encodeCursor = (id: string): string => Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { id?: unknown }).id === 'string') return (parsed as { id: string }).id;
  } catch {
    // fall through to the problem below
  }
  throw new Problem('validation-failed', '分页游标无效 / Invalid cursor', { field: 'cursor' });
}

export interface EventOptions {
  expectedVersion: number | null;
  idempotencyKey: string | null;
  requestId: string;
}

/** The answer to an event request, ready to send: replays send the stored bytes unchanged. */
export interface EventReply {
  statusCode: number;
  body: string;
  replayed: boolean;
  version: number | null;
}

/**
 * Every write runs as one step of the group committer: inside its own savepoint of a shared
 * immediate transaction, answered only after that transaction's commit.
 */
export class ProjectsService {
  private readonly step: StepContext;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly unitsService: UnitsService,
    private readonly committer: GroupCommitter,
    private readonly store: ProjectStore,
  ) {
    this.step = {
      store: this.store,
      lineage: (unitId) => this.unitsService.lineage(unitId),
      visible: (principal, project) => this.visible(principal, project),
    };
  }

  /** Whether the caller may see the project at all; invisible and unknown answer alike (404). */
  visible(principal: Principal, project: ProjectRow): boolean {
    switch (principal.role) {
      case 'org_dept':
      case 'committee':
      case 'auditor':
        return true;
      case 'applicant':
        return principal.unitId !== null && this.unitsService.subtree(principal.unitId).includes(project.unitId);
      case 'reviewer':
        return this.store.isAssigned(project.id, principal.id);
      case 'admin':
        return false;
    }
  }

  create(principal: Principal, input: CreateProjectInput): Promise<ProjectView> {
    if (principal.role !== 'applicant' || principal.unitId === null) {
      throw new Problem('forbidden', '只有申报单位可以创建项目 / Only applicants create projects');
    }
    const unitId = principal.unitId;
    return this.committer.run(() => {
      if (!this.store.round(input.roundId)) {
        throw new Problem('unprocessable', `批次不存在 / Round ${input.roundId} does not exist`, { field: 'roundId' });
      }
      const roundState = this.store.roundState(input.roundId);
      if (roundState !== 'open') {
        throw new Problem('conflict', `批次已截止申报，不能再新建项目 / The round is ${roundState}: new projects only while it is open`, {
          field: 'roundId',
          code: 'round_not_open',
        });
      }
      this.assertDirection(input.category, input.direction);
      const now = this.clock.now();
      const id = newId(now);
      const persisted = persistProject(createProject({ projectId: id, unitId }));
      const row = this.db
        .insert(projects)
        .values({
          id,
          roundId: input.roundId,
          unitId,
          category: input.category,
          direction: input.direction,
          title: input.title,
          letter: input.letter ?? {},
          state: persisted.state,
          context: persisted.context,
          machineId: persisted.machineId,
          machineVersion: persisted.machineVersion,
          version: 1,
          grade: null,
          funding: null,
          createdBy: principal.id,
          createdAt: isoUtc(now),
          updatedAt: isoUtc(now),
        })
        .returning()
        .get();
      return toProjectView(row, this.allowedFor(principal, row));
    });
  }

  list(principal: Principal, query: ListProjectsInput): { items: ProjectView[]; nextCursor: string | null } {
    const limit = query.limit ?? 20;
    const conditions: SQL[] = [];
    if (query.state) conditions.push(eq(projects.state, query.state));
    if (query.roundId) conditions.push(eq(projects.roundId, query.roundId));
    if (query.unitId) conditions.push(eq(projects.unitId, query.unitId));
    if (query.category) conditions.push(eq(projects.category, query.category));
    if (query.cursor) conditions.push(gt(projects.id, decodeCursor(query.cursor)));
    if (principal.role === 'applicant') {
      conditions.push(inArray(projects.unitId, principal.unitId ? this.unitsService.subtree(principal.unitId) : []));
    } else if (principal.role === 'reviewer') {
      const assigned = this.db
        .select({ id: reviewerAssignments.projectId })
        .from(reviewerAssignments)
        .where(eq(reviewerAssignments.reviewerId, principal.id));
      conditions.push(inArray(projects.id, assigned));
    } else if (principal.role === 'admin') {
      return { items: [], nextCursor: null };
    }
    const rows = this.db
      .select()
      .from(projects)
      .where(and(...conditions))
      .orderBy(asc(projects.id))
      .limit(limit + 1)
      .all();
    const items = rows.slice(0, limit).map((row) => toProjectView(row));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  get(principal: Principal, id: string): ProjectView {
    const row = this.findVisible(principal, id);
    return toProjectView(row, this.allowedFor(principal, row));
  }

  patch(principal: Principal, id: string, expectedVersion: number | null, input: PatchProjectInput): Promise<ProjectView> {
    return this.committer.run(() => {
      const row = this.findVisible(principal, id);
      if (principal.role !== 'applicant' || principal.unitId !== row.unitId) {
        throw new Problem('forbidden', '只能修改本单位的草稿 / Only the applicant unit edits its drafts');
      }
      if (expectedVersion === null) {
        throw new Problem('precondition-required', '修改项目须带 If-Match 请求头 / PATCH needs If-Match with the current ETag');
      }
      if (expectedVersion !== row.version) {
        throw new Problem('precondition-failed', `项目已更新到版本 ${row.version} / The project is at version ${row.version}`, {
          currentVersion: row.version,
        });
      }
      if (row.state !== 'draft') {
        throw new Problem('conflict', `只有草稿可以修改 / Only drafts can be edited; the project is ${row.state}`, { state: row.state });
      }
      const category = input.category ?? row.category;
      const direction = input.direction ?? row.direction;
      this.assertDirection(category, direction);
      const updated = this.db
        .update(projects)
        .set({
          category,
          direction,
          title: input.title ?? row.title,
          letter: { ...row.letter, ...(input.letter ?? {}) },
          version: row.version + 1,
          updatedAt: isoUtc(this.clock.now()),
        })
        .where(and(eq(projects.id, id), eq(projects.version, row.version)))
        .returning()
        .get();
      if (!updated) throw new Error(`project ${id} changed inside its own transaction`);
      return toProjectView(updated, this.allowedFor(principal, updated));
    });
  }

  fireEvent(principal: Principal, projectId: string, command: ProjectCommand, options: EventOptions): Promise<EventReply> {
    const key = options.idempotencyKey;
    const requestHash = key ? createHash('sha256').update(canonicalJson({ projectId, command })).digest('hex') : null;
    return this.committer.run(() => {
      if (key && requestHash) {
        const record = this.store.idempotencyRecord(principal.id, key);
        if (record) {
          if (record.requestHash !== requestHash) {
            throw new Problem('idempotency-key-reused', '该幂等键已用于另一个请求 / This Idempotency-Key was used for a different request');
          }
          const replayedVersion = (JSON.parse(record.responseBody) as { project?: { version?: number } }).project?.version ?? null;
          return { statusCode: record.statusCode, body: record.responseBody, replayed: true, version: replayedVersion };
        }
      }
      const now = this.clock.now();
      const { project, entry, snapshot } = applyEvent(this.step, {
        principal,
        projectId,
        command,
        expectedVersion: options.expectedVersion,
        requestId: options.requestId,
        now,
      });
      const body = JSON.stringify({
        project: toProjectView(project, this.allowedFor(principal, project, snapshot)),
        transition: toTransitionView(entry, principal),
      });
      if (key && requestHash) {
        this.store.saveIdempotencyRecord({ userId: principal.id, key, requestHash, statusCode: 200, responseBody: body, createdAt: isoUtc(now) });
      }
      return { statusCode: 200, body, replayed: false, version: project.version };
    });
  }

  /**
   * START for every committee-approved project of the round, each its own step and log entry.
   * Synchronous, for the caller's transaction: publishing the approved list runs it there.
   */
  startApproved(principal: Principal, roundId: string, requestId: string, now: number): TransitionLogRow[] {
    return this.store.approvedProjectIds(roundId).map(
      (projectId) => applyEvent(this.step, { principal, projectId, command: { type: 'START' }, expectedVersion: null, requestId, now }).entry,
    );
  }

  transitions(principal: Principal, id: string): TransitionView[] {
    this.findVisible(principal, id);
    return entriesOfSubject(this.db, 'project', id).map((row) => toTransitionView(row, principal));
  }

  assignReviewer(principal: Principal, id: string, reviewerId: string) {
    return this.committer.run(() => {
      const project = this.findVisible(principal, id);
      const refusal = pairRefusal(this.db, (unitId) => this.unitsService.lineage(unitId), project, reviewerId);
      switch (refusal?.code) {
        case 'wrong_state':
          throw new Problem('conflict', refusal.detail, { state: project.state });
        case 'not_a_reviewer':
        case 'conflict_of_interest':
          throw new Problem('unprocessable', refusal.detail, { field: 'reviewerId', code: refusal.code });
        case 'already_assigned':
          throw new Problem('conflict', refusal.detail, { code: refusal.code });
      }
      this.db.insert(reviewerAssignments).values({ projectId: id, reviewerId, assignedBy: principal.id, assignedAt: isoUtc(this.clock.now()) }).run();
      return this.assignments(id);
    });
  }

  listReviewers(principal: Principal, id: string) {
    this.findVisible(principal, id);
    return this.assignments(id);
  }

  private assignments(projectId: string) {
    const reviewed = new Set(this.store.reviewedReviewerIds(projectId));
    return this.db
      .select({
        projectId: reviewerAssignments.projectId,
        reviewerId: reviewerAssignments.reviewerId,
        reviewerName: users.name,
        assignedBy: reviewerAssignments.assignedBy,
        assignedAt: reviewerAssignments.assignedAt,
      })
      .from(reviewerAssignments)
      .innerJoin(users, eq(users.id, reviewerAssignments.reviewerId))
      .where(eq(reviewerAssignments.projectId, projectId))
      .orderBy(asc(reviewerAssignments.assignedAt), asc(reviewerAssignments.reviewerId))
      .all()
      .map((a) => ({ ...a, reviewed: reviewed.has(a.reviewerId) }));
  }

  /** The project, if the caller may see it; a Problem 404 otherwise (the one visibility rule, for every module). */
  findVisible(principal: Principal, id: string): ProjectRow {
    const row = this.store.project(id);
    if (!row || !this.visible(principal, row)) throw new Problem('not-found', `项目不存在 / Project ${id} not found`);
    return row;
  }

  /** The events `principal` may fire now; `snapshot`, when the caller has it, saves restoring the row. */
  private allowedFor(principal: Principal, row: ProjectRow, snapshot = restore(row)): string[] {
    const facts = loadFacts(this.step, row, this.clock.now());
    return allowedEvents(snapshot, { id: principal.id, role: principal.role, unitId: principal.unitId }, facts);
  }

  private assertDirection(category: Category, direction: string): void {
    if (!directionBelongsTo(category, direction)) {
      throw new Problem('unprocessable', `方向 ${direction} 不属于类别 ${category} / Direction ${direction} is not one of category ${category}`, {
        field: 'direction',
        code: 'direction_mismatch',
      });
    }
  }
}
