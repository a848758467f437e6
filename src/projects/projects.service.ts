import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { EventType, Facts, ProjectCommand, ProjectContext, ProjectState } from '../../machines/project.types.js';
import { checkGate, type GateFacts } from '../../machines/round.gates.js';
import type { RoundEventType, RoundState } from '../../machines/round.types.js';
import { queryEntries } from '../audit/transition-log.repository.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { acceptanceAssignments, type ProjectRow, type TransitionLogRow } from '../db/schema.js';
import { DEFAULT_PAGE_SIZE, decodeKeyCursor, encodeKeyCursor, decodeSeqCursor, encodeSeqCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import { acceptancePairRefusal, acceptancePanelOf, pairRefusal, refusalProblem, reviewPanelOf } from '../panel/assignment-rules.js';
import { ConflictRules } from '../panel/conflict.js';
import { PanelRepository } from '../panel/panel.repository.js';
import type { UnitsService } from '../units/units.service.js';
import { actorNames, type ActorNameOf } from '../users/actor-names.js';
import { appendRecord, assignmentSubjectId, contextSha256, letterSha256, recordAssignment, type Act } from '../workflow/records.js';
import { applyStep, requestHash, runStep, type StepReply, type Subjects, type WorkflowStores } from '../workflow/step.js';
import { directionBelongsTo, type Category } from './categories.js';
import { ProjectFacts, loggedPayload } from './project-facts.js';
import { acceptanceAssignmentsPage, type ProjectsRepository, type RoundStage } from './projects.repository.js';
import { LetterRevisionsRepository } from './letter-revisions.repository.js';
import { eventLabelOf, type CreateProjectInput, type ListProjectsInput, type PatchProjectInput, type ProjectView, type TransitionView } from './projects.schemas.js';
import type { LetterRevisionSummary, LetterRevisionView } from './letter-revisions.schemas.js';

/** Who sees org_dept's grade proposal before the committee confirms it. */
const PROPOSAL_READERS: readonly string[] = ['org_dept', 'committee', 'auditor'];

/**
 * project@2's acceptance fields of the view: the proposal (org_dept, the committee and auditors
 * only) and the recorded outcome of the higher-level selection. Absent for project@1.
 */
function acceptanceFields(row: ProjectRow, role: string | undefined): Pick<ProjectView, 'proposal' | 'recommendationOutcome'> {
  if (row.machineVersion < 2) return {};
  return {
    ...(role !== undefined && PROPOSAL_READERS.includes(role) ? { proposal: row.context.proposal ?? null } : {}),
    recommendationOutcome: row.context.recommendationOutcome ?? null,
  };
}

export function toProjectView(row: ProjectRow, events?: string[], role?: string): ProjectView {
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
    ...acceptanceFields(row, role),
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
/** A page of one subject's log entries, in sequence order, as `principal` may see them. */
export function transitionsPage(db: Db, kind: 'project' | 'round', id: string, principal: Principal, query: PageQuery): Page<TransitionView> {
  const limit = pageSize(query);
  const rows = queryEntries(db, { subjectKind: kind, subjectId: id, limit: limit + 1, ...(query.cursor ? { afterSeq: decodeSeqCursor(query.cursor) } : {}) });
  const nameOf = actorNames(
    db.$client,
    rows.slice(0, limit).map((row) => row.actorId),
  );
  return pageOf(
    rows,
    limit,
    (row) => encodeSeqCursor(row.seq),
    (row) => toTransitionView(row, principal, nameOf),
  );
}

/**
 * One entry as `viewer` may see it, its actor named by `nameOf` (by default the viewer's own name
 * when it is the actor: an event's answer).
 */
export function toTransitionView(row: TransitionLogRow, viewer: Principal, nameOf: ActorNameOf = (id) => (id === viewer.id ? viewer.name : null)): TransitionView {
  const hidden =
    (row.event === 'SUBMIT_REVIEW' || row.event === 'SUBMIT_ACCEPTANCE_REVIEW') && (viewer.role === 'applicant' || (viewer.role === 'reviewer' && row.actorId !== viewer.id));
  return {
    seq: row.seq,
    subject: { kind: row.subjectKind, id: row.subjectId },
    ...(row.subjectKind === 'project' ? { projectId: row.subjectId } : {}),
    event: row.event as TransitionView['event'],
    eventLabel: eventLabelOf(row.event, row.machineId),
    fromState: row.fromState as ProjectState,
    toState: row.toState as ProjectState,
    payload: hidden ? { redacted: true } : (JSON.parse(row.payload) as Record<string, unknown>),
    actor: hidden ? { id: null, name: null, role: row.actorRole, unitId: null } : { id: row.actorId, name: nameOf(row.actorId), role: row.actorRole, unitId: row.actorUnitId },
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

/**
 * Every write runs as one step of the group committer: inside its own savepoint of a shared
 * immediate transaction, answered only after that transaction's commit.
 */
export class ProjectsService {
  /** Projects as the workflow step sees them. */
  private readonly subjects: Subjects<ProjectRow, ProjectCommand, Facts>;
  private readonly panel: PanelRepository;
  private readonly letterRevisions: LetterRevisionsRepository;
  private readonly conflicts: ConflictRules;
  /**
   * The units a reviewer must not come from, for a project: its unit's line, and its family unless
   * the round narrows it to the line (read when a reviewer's guard first asks, never on other events).
   */
  private readonly barredUnits: (project: ProjectRow) => string[];
  /**
   * While fireEvent's step runs: the round's stage its gate read (once read), for the answer's
   * allowed events, built in the same transaction (a project event writes no round): one read of the
   * round per event, not two. Null outside that synchronous step, so nothing else sees a kept stage.
   */
  private eventRound: { read?: { id: string; stage: RoundStage | undefined } } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly unitsService: UnitsService,
    private readonly committer: GroupCommitter,
    private readonly repository: ProjectsRepository,
    private readonly workflow: WorkflowStores,
    /** Whether the round's gates decide project events beside the project's machine (issue 16). */
    private readonly enforceRoundGates = true,
  ) {
    this.panel = new PanelRepository(db);
    this.letterRevisions = new LetterRevisionsRepository(db.$client);
    this.conflicts = new ConflictRules(db, unitsService);
    this.barredUnits = (project) => {
      const scope = this.panel.roundOf(project.roundId)?.conflictScope ?? 'family';
      return this.conflicts.conflictingUnitIds(project.unitId, scope);
    };
    this.subjects = {
      kind: 'project',
      noun: { zh: '项目', en: 'project' },
      stateNoun: { zh: '状态', en: 'state' },
      load: (id) => this.repository.project(id),
      visible: (principal, project) => this.visible(principal, project),
      notFound: (id) => new Problem('not-found', `项目不存在 / Project ${id} not found`),
      facts: (project, now) => this.facts(project, now),
      loggedPayload: (command, facts, next) => {
        const payload = loggedPayload(command, facts, next.context as ProjectContext);
        // SUBMIT names the letter revision it submitted (none for a project older than revisions).
        if (command.type !== 'SUBMIT') return payload;
        const revision = this.letterRevisions.latest((next.context as ProjectContext).projectId);
        return revision === null ? payload : { ...payload, letterRevision: revision };
      },
      write: (project, next, at) => {
        const context = next.context as ProjectContext;
        const updated: ProjectRow = {
          ...project,
          state: next.state,
          context,
          machineId: next.machineId,
          machineVersion: next.machineVersion,
          version: project.version + 1,
          grade: context.grade,
          funding: context.funding,
          updatedAt: at,
        };
        if (!this.repository.updateProject(updated, project)) throw new Error(`project ${project.id} changed inside its own transaction`);
        return updated;
      },
      afterEntry: (project, command, principal, entry) => {
        if (command.type === 'SUBMIT_REVIEW') {
          this.repository.upsertReview({ projectId: project.id, reviewerId: principal.id, scores: command.scores, comment: command.comment, logSeq: entry.seq, at: entry.at });
        }
        if (command.type === 'SUBMIT_ACCEPTANCE_REVIEW') {
          this.repository.upsertAcceptanceReview({
            projectId: project.id,
            reviewerId: principal.id,
            scores: command.scores,
            comment: command.comment,
            logSeq: entry.seq,
            at: entry.at,
          });
        }
      },
      ...(enforceRoundGates
        ? { gate: (project: ProjectRow, facts: Facts, request: { now: number; cause?: RoundEventType }) => this.gateFacts(project, facts, request.now, request.cause) }
        : {}),
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
        return this.repository.isAssigned(project.id, principal.id) || this.repository.isAcceptanceAssigned(project.id, principal.id);
      case 'admin':
        return false;
    }
  }

  /** The facts of one project at `now`, each read only when a guard first asks for it. */
  private facts(project: ProjectRow, now: number): Facts {
    const round = this.repository.roundWithFacts(project.roundId);
    if (!round) throw new Error(`project ${project.id} refers to a missing round`);
    return new ProjectFacts(this.repository, () => this.barredUnits(project), project, round.facts, round.requireSignedLetter, now);
  }

  /**
   * What the round's gates read for one project event: the round's state, machine version and
   * acceptance dates (one fresh primary-key read), the unit's deadline (its extension included) and
   * the revision deadline from the project's facts.
   */
  private gateFacts(project: ProjectRow, facts: Facts, now: number, via?: RoundEventType): GateFacts {
    const kept = this.eventRound?.read;
    const round = kept?.id === project.roundId ? kept.stage : this.repository.roundState(project.roundId);
    if (this.eventRound && !kept) this.eventRound.read = { id: project.roundId, stage: round };
    if (!round) throw new Error(`project ${project.id} refers to a missing round`);
    return {
      roundId: project.roundId,
      roundState: round.state as RoundState,
      roundVersion: round.machineVersion,
      now,
      submissionClosesAt: facts.submissionClosesAt,
      revisionClosesAt: facts.revisionClosesAt,
      finalAcceptanceDate: round.finalAcceptanceDate,
      acceptanceOpensOn: round.acceptanceOpensOn,
      publicityEndsAt: round.publicityEndsAt === null ? null : Date.parse(round.publicityEndsAt),
      ...(via ? { via } : {}),
    };
  }

  /** A draft and its CREATE_PROJECT entry, in one step. */
  create(principal: Principal, input: CreateProjectInput, requestId: string): Promise<ProjectView> {
    if (principal.role !== 'applicant' || principal.unitId === null) {
      throw new Problem('forbidden', '只有申报单位可以创建项目 / Only applicants create projects');
    }
    const unitId = principal.unitId;
    return this.committer.run(() => {
      const round = this.repository.roundState(input.roundId);
      if (!round) {
        throw new Problem('unprocessable', `批次不存在 / Round ${input.roundId} does not exist`, { field: 'roundId' });
      }
      const roundState = round.state;
      if (roundState !== 'open') {
        throw new Problem('conflict', `批次已截止申报，不能再新建项目 / The round is ${roundState}: new projects only while it is open`, {
          field: 'roundId',
          code: 'round_not_open',
        });
      }
      if (!this.unitsService.isActive(unitId)) {
        throw new Problem('unprocessable', `本单位已停用，不能新建项目 / Unit ${unitId} is inactive: it takes no new projects`, { field: 'unitId', code: 'unit_inactive' });
      }
      this.assertDirection(input.category, input.direction);
      const now = this.clock.now();
      const id = newId(now);
      // A round pins the version of the project machine its projects run under.
      const lifecycle = this.workflow.registry.require('project', round.projectMachineVersion);
      const persisted = lifecycle.persist(lifecycle.create({ projectId: id, unitId }));
      const row = this.repository.insert({
        id,
        roundId: input.roundId,
        unitId,
        category: input.category,
        direction: input.direction,
        title: input.title,
        letter: input.letter ?? {},
        state: persisted.state,
        context: persisted.context as ProjectContext,
        machineId: persisted.machineId,
        machineVersion: persisted.machineVersion,
        version: 1,
        grade: null,
        funding: null,
        createdBy: principal.id,
        createdAt: isoUtc(now),
        updatedAt: isoUtc(now),
      });
      appendRecord(
        this.workflow.log,
        { actor: principal, requestId },
        {
          subjectKind: 'project',
          subjectId: id,
          event: 'CREATE_PROJECT',
          toState: row.state,
          payload: {
            roundId: row.roundId,
            unitId: row.unitId,
            category: row.category,
            direction: row.direction,
            title: row.title,
            letterSha256: letterSha256(row.letter),
            letterRevision: 1,
            machine: { id: row.machineId, version: row.machineVersion },
            contextSha256: contextSha256(row.context),
          },
          at: row.createdAt,
        },
      );
      this.letterRevisions.save({ projectId: id, revision: 1, letter: row.letter, savedBy: principal.id, savedAt: row.createdAt });
      return toProjectView(row, this.allowedFor(principal, row));
    });
  }

  list(principal: Principal, query: ListProjectsInput): { items: ProjectView[]; nextCursor: string | null } {
    if (principal.role === 'admin') return { items: [], nextCursor: null };
    const { rows, more } = this.repository.page(
      {
        state: query.state,
        roundId: query.roundId,
        unitId: query.unitId,
        category: query.category,
        afterId: query.cursor ? decodeCursor(query.cursor) : undefined,
        unitIds: principal.role === 'applicant' ? (principal.unitId ? this.unitsService.subtree(principal.unitId) : []) : undefined,
        assignedTo: principal.role === 'reviewer' ? principal.id : undefined,
      },
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
    const submitted = this.letterRevisions.submittedOf(rows.map((row) => row.id));
    const items = rows.map((row) => ({ ...toProjectView(row, undefined, principal.role), submittedLetterRevision: submitted.get(row.id) ?? null }));
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor(last.id) : null };
  }

  get(principal: Principal, id: string): ProjectView {
    const row = this.findVisible(principal, id);
    return { ...toProjectView(row, this.allowedFor(principal, row), principal.role), submittedLetterRevision: this.letterRevisions.submitted(id) };
  }

  /** A page of the project's letter revisions, oldest first, without the letters. */
  listLetterRevisions(principal: Principal, id: string, query: PageQuery = {}): Page<LetterRevisionSummary> {
    this.findVisible(principal, id);
    const limit = pageSize(query);
    const after = query.cursor ? decodeKeyCursor(query.cursor, ['number'] as const)[0] : 0;
    return pageOf(
      this.letterRevisions.page(id, after, limit + 1),
      limit,
      (r) => encodeKeyCursor([r.revision]),
      (r) => ({ revision: r.revision, sha256: letterSha256(JSON.parse(r.letter)), savedBy: r.savedBy, savedByName: r.savedByName, savedAt: r.savedAt }),
    );
  }

  /** One revision of the project's letter, in full. */
  letterRevision(principal: Principal, id: string, revision: number): LetterRevisionView {
    this.findVisible(principal, id);
    const row = this.letterRevisions.one(id, revision);
    if (!row) throw new Problem('not-found', `项目 ${id} 没有责任书修订 ${revision} / Project ${id} has no letter revision ${revision}`);
    const letter = JSON.parse(row.letter) as LetterRevisionView['letter'];
    return { projectId: id, revision: row.revision, letter, sha256: letterSha256(letter), savedBy: row.savedBy, savedByName: row.savedByName, savedAt: row.savedAt };
  }

  /** A draft's edit and its EDIT_DRAFT entry, in one step. */
  patch(principal: Principal, id: string, expectedVersion: number | null, input: PatchProjectInput, requestId: string): Promise<ProjectView> {
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
      const updated = this.repository.updateDraft(id, row.version, {
        category,
        direction,
        title: input.title ?? row.title,
        letter: { ...row.letter, ...(input.letter ?? {}) },
        updatedAt: isoUtc(this.clock.now()),
      });
      if (!updated) throw new Error(`project ${id} changed inside its own transaction`);
      const letter = letterSha256(updated.letter);
      const letterChanged = letter !== letterSha256(row.letter);
      const changed = [...(['category', 'direction', 'title'] as const).filter((field) => updated[field] !== row[field]), ...(letterChanged ? ['letter'] : [])];
      appendRecord(
        this.workflow.log,
        { actor: principal, requestId },
        {
          subjectKind: 'project',
          subjectId: id,
          event: 'EDIT_DRAFT',
          fromState: row.state,
          toState: updated.state,
          payload: {
            category: updated.category,
            direction: updated.direction,
            title: updated.title,
            letterSha256: letter,
            revision: updated.version,
            // A changed letter is kept as a revision, numbered by the project's version.
            ...(letterChanged ? { letterRevision: updated.version } : {}),
            changed,
          },
          at: updated.updatedAt,
        },
      );
      if (letterChanged) {
        this.letterRevisions.save({ projectId: id, revision: updated.version, letter: updated.letter, savedBy: principal.id, savedAt: updated.updatedAt });
      }
      return toProjectView(updated, this.allowedFor(principal, updated));
    });
  }

  /** One event through the workflow step; the answer's bytes are what a retry with the same key replays. */
  fireEvent(principal: Principal, projectId: string, command: ProjectCommand, options: EventOptions): Promise<StepReply> {
    const key = options.idempotencyKey;
    const hash = key ? requestHash({ projectId, command }) : null;
    return this.committer.run(() => {
      this.eventRound = {};
      try {
        return runStep(
          this.workflow,
          this.subjects,
          {
            principal,
            subjectId: projectId,
            command,
            expectedVersion: options.expectedVersion,
            requestId: options.requestId,
            now: this.clock.now(),
            idempotencyKey: key,
            requestHash: hash,
          },
          {
            reply: ({ row, entry, snapshot }) =>
              JSON.stringify({ project: toProjectView(row, this.allowedFor(principal, row, snapshot), principal.role), transition: toTransitionView(entry, principal) }),
            versionOf: (reply) => (JSON.parse(reply) as { project: { version: number } }).project.version,
          },
        );
      } finally {
        this.eventRound = null;
      }
    });
  }

  /**
   * START for every committee-approved project of the round, each its own step and log entry.
   * Synchronous, for the caller's transaction: publishing the approved list runs it there.
   */
  startApproved(principal: Principal, roundId: string, requestId: string, now: number): TransitionLogRow[] {
    return this.repository
      .approvedProjectIds(roundId)
      .map(
        (subjectId) =>
          applyStep(this.workflow, this.subjects, { principal, subjectId, command: { type: 'START' }, expectedVersion: null, requestId, now, cause: 'PUBLISH_LIST' }).entry,
      );
  }

  /**
   * CONFIRM_GRADES carried out: for every project of the round under final acceptance, GRADE with
   * org_dept's proposed grade or FAIL with its comment, each its own step and log entry, caused by
   * the committee's confirmation. Synchronous, for the caller's transaction (the round's event).
   */
  confirmProposals(principal: Principal, roundId: string, requestId: string, now: number): TransitionLogRow[] {
    return this.repository.underAcceptance(roundId).map(({ id: subjectId }) => {
      const project = this.repository.project(subjectId)!;
      const proposal = project.context.proposal;
      if (!proposal) throw new Error(`project ${subjectId} has no proposal although CONFIRM_GRADES was accepted`);
      const command: ProjectCommand =
        proposal.grade === 'fail'
          ? { type: 'FAIL', reason: proposal.comment ?? '' }
          : { type: 'GRADE', grade: proposal.grade, ...(proposal.comment ? { comment: proposal.comment } : {}) };
      return applyStep(this.workflow, this.subjects, { principal, subjectId, command, expectedVersion: null, requestId, now, cause: 'CONFIRM_GRADES' }).entry;
    });
  }

  /**
   * One member of the round's acceptance panel for a project's final report (结项评审), and its
   * ASSIGN_ACCEPTANCE_REVIEWER entry: the project under final acceptance, the reviewer an active member
   * of the acceptance panel, without a conflict of interest under the round's scope, once.
   */
  assignAcceptanceReviewer(principal: Principal, id: string, reviewerId: string, requestId: string) {
    return this.committer.run(() => {
      const project = this.findVisible(principal, id);
      this.refuseAcceptancePair(project, reviewerId, 'reviewerId');
      this.writeAcceptanceAssignment({ actor: principal, requestId }, id, reviewerId, isoUtc(this.clock.now()));
      return acceptanceAssignmentsPage(this.db, id, undefined, 1000);
    });
  }

  /** Throws the refusal of `reviewerId` for the project's acceptance review (panel, conflict scope, once), naming `field`. */
  private refuseAcceptancePair(project: ProjectRow, reviewerId: string, field: string): void {
    const round = this.panel.roundOf(project.roundId)!;
    const refusal = acceptancePairRefusal(
      this.panel,
      { members: acceptancePanelOf(this.panel, project.roundId), scope: round.conflictScope, conflicting: this.conflicts.forScope(round.conflictScope) },
      project,
      reviewerId,
      (projectId, reviewer) => this.repository.isAcceptanceAssigned(projectId, reviewer),
    );
    if (refusal) throw refusalProblem(refusal, project.state, field, (ids) => this.conflicts.named(ids));
  }

  /** The acceptance assignment's row and its ASSIGN_ACCEPTANCE_REVIEWER entry (naming whom it replaces, if any). */
  private writeAcceptanceAssignment(act: Act, projectId: string, reviewerId: string, at: string, replaces?: string): void {
    this.db.insert(acceptanceAssignments).values({ projectId, reviewerId, assignedBy: act.actor.id, assignedAt: at }).run();
    appendRecord(this.workflow.log, act, {
      subjectKind: 'acceptance_assignment',
      subjectId: assignmentSubjectId(projectId, reviewerId),
      event: 'ASSIGN_ACCEPTANCE_REVIEWER',
      toState: 'assigned',
      payload: { projectId, reviewerId, ...(replaces === undefined ? {} : { replaces }) },
      at,
    });
  }

  /**
   * An acceptance reviewer of a project replaced (结项评审): the old assignment marked replaced
   * (REPLACE_ACCEPTANCE_REVIEWER), the replacement assigned under the acceptance panel and conflict
   * rules (ASSIGN_ACCEPTANCE_REVIEWER naming whom it replaces), in one step. A reviewer who has scored
   * the final report is not replaced (409 review_submitted); only while the project is under final acceptance.
   */
  replaceAcceptanceReviewer(principal: Principal, id: string, reviewerId: string, replacementId: string, reason: string, requestId: string) {
    const trimmed = reason.trim();
    if (trimmed === '') throw new Problem('unprocessable', '须说明更换理由 / A reason is required', { field: 'reason' });
    return this.committer.run(() => {
      const project = this.repository.project(id);
      if (!project) throw this.subjects.notFound(id);
      const state = this.repository.acceptanceAssignmentState(id, reviewerId);
      if (state === undefined) throw new Problem('not-found', `该评审人未被分配此项目的结项评审 / ${reviewerId} is not assigned to this project’s final report`);
      if (state === 'replaced') throw new Problem('conflict', '该结项评审人已被更换 / This acceptance reviewer was already replaced', { code: 'already_replaced' });
      if (this.repository.acceptanceReviewedIds(id).includes(reviewerId)) {
        throw new Problem('conflict', '该结项评审人已提交评分，不能更换 / The reviewer has already scored the final report; a submitted review is not replaced', {
          code: 'review_submitted',
        });
      }
      this.refuseAcceptancePair(project, replacementId, 'replacementId');
      const at = isoUtc(this.clock.now());
      const act = { actor: principal, requestId };
      this.repository.markAcceptanceReplaced(id, reviewerId, replacementId, at, trimmed);
      appendRecord(this.workflow.log, act, {
        subjectKind: 'acceptance_assignment',
        subjectId: assignmentSubjectId(id, reviewerId),
        event: 'REPLACE_ACCEPTANCE_REVIEWER',
        fromState: 'assigned',
        toState: 'replaced',
        payload: { projectId: id, reviewerId, replacementId, reason: trimmed },
        at,
      });
      this.writeAcceptanceAssignment(act, id, replacementId, at, reviewerId);
      return { projectId: id, replaced: reviewerId, replacement: replacementId, reason: trimmed, at };
    });
  }

  /** A page of the project's acceptance assignments, in assignment order, with whether each has scored. */
  listAcceptanceReviewers(principal: Principal, id: string, query: PageQuery = {}) {
    this.findVisible(principal, id);
    const limit = pageSize(query);
    const rows = acceptanceAssignmentsPage(this.db, id, query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : undefined, limit + 1);
    return pageOf(
      rows,
      limit,
      (a) => encodeKeyCursor([a.assignedAt, a.reviewerId]),
      (a) => a,
    );
  }

  /** A page of the project's log entries in sequence order: one LIMIT query, whatever the history's length. */
  transitions(principal: Principal, id: string, query: PageQuery = {}): Page<TransitionView> {
    this.findVisible(principal, id);
    return transitionsPage(this.db, 'project', id, principal, query);
  }

  /** One reviewer for one project, and its ASSIGN_REVIEWER entry. */
  assignReviewer(principal: Principal, id: string, reviewerId: string, requestId: string) {
    return this.committer.run(() => {
      const project = this.findVisible(principal, id);
      // Only from the round's review panel (409 when it is not named or empty), under the round's conflict scope.
      const round = this.panel.roundOf(project.roundId)!;
      const members = reviewPanelOf(this.panel, project.roundId);
      const refusal = pairRefusal(this.panel, { members, scope: round.conflictScope, conflicting: this.conflicts.forScope(round.conflictScope) }, project, reviewerId);
      if (refusal) throw refusalProblem(refusal, project.state, 'reviewerId', (ids) => this.conflicts.named(ids));
      const assignedAt = isoUtc(this.clock.now());
      this.repository.assign({ projectId: id, reviewerId, assignedBy: principal.id, assignedAt });
      recordAssignment(this.workflow.log, { actor: principal, requestId }, id, reviewerId, assignedAt);
      return this.assignments(id);
    });
  }

  /** A page of the project's assignments, in assignment order. */
  listReviewers(principal: Principal, id: string, query: PageQuery = {}) {
    this.findVisible(principal, id);
    const limit = pageSize(query);
    const rows = this.repository.assignmentsPage(id, query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : undefined, limit + 1);
    return pageOf(
      rows,
      limit,
      (a) => encodeKeyCursor([a.assignedAt, a.reviewerId]),
      (a) => a,
    );
  }

  private assignments(projectId: string) {
    const reviewed = new Set(this.repository.reviewedReviewerIds(projectId));
    return this.repository.assignments(projectId).map((a) => ({ ...a, reviewed: reviewed.has(a.reviewerId) }));
  }

  /** The project, if the caller may see it; a Problem 404 otherwise (the one visibility rule, for every module). */
  findVisible(principal: Principal, id: string): ProjectRow {
    const row = this.repository.project(id);
    if (!row || !this.visible(principal, row)) throw this.subjects.notFound(id);
    return row;
  }

  /** The events `principal` may fire on the project now (as GET /projects/{id} answers them); none for an unknown project. */
  allowedEventsOf(principal: Principal, projectId: string): string[] {
    const row = this.repository.project(projectId);
    return row && this.visible(principal, row) ? this.allowedFor(principal, row) : [];
  }

  /** The events `principal` may fire now; `snapshot`, when the caller has it, saves restoring the row. */
  private allowedFor(principal: Principal, row: ProjectRow, snapshot?: SnapshotFrom<AnyStateMachine>): string[] {
    const lifecycle = this.workflow.registry.require(row.machineId, row.machineVersion);
    const now = this.clock.now();
    const facts = this.facts(row, now);
    const allowed = lifecycle.allowedEvents(snapshot ?? lifecycle.restore(row), { id: principal.id, role: principal.role, unitId: principal.unitId }, facts);
    if (!this.enforceRoundGates || allowed.length === 0) return allowed;
    // With the round's gates enforced, an event its gate holds shut is not offered.
    const gate = this.gateFacts(row, facts, now);
    const from = row.state as ProjectState;
    return allowed.filter((event) => checkGate(row.context, from, event as EventType, gate) === null);
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
