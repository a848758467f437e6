/**
 * One workflow step as a plain synchronous function of (store, event): load the project, gather
 * the facts, let the machine decide, then write the project, the review, one log row and the
 * idempotency record. It throws a Problem to refuse, and the caller's transaction (or savepoint,
 * under group commit) then rolls back, so a refused event writes nothing. It never awaits.
 */
import { decide, eventsAcceptedIn, persistProject, restoreProject, stateLabel, type ProjectSnapshot } from '../../machines/project.lifecycle.js';
import type { Facts, ProjectCommand, ProjectContext, ProjectEvent, ProjectState } from '../../machines/project.types.js';
import { canonicalJson } from '../audit/hash-chain.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc } from '../clock.js';
import type { ProjectRow, TransitionLogRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { refuseDecision, type MachineTerms } from '../http/refusal.js';
import type { RoundFacts } from '../rounds/round-facts.js';
import type { ProjectStore } from './project-store.js';

export interface EventRequest {
  principal: Principal;
  projectId: string;
  command: ProjectCommand;
  /** The version the client last saw, from If-Match. */
  expectedVersion: number | null;
  requestId: string;
  now: number;
}

export interface StepContext {
  store: ProjectStore;
  /** The project's unit with every unit above and below it. */
  lineage(unitId: string): string[];
  /** Whether the caller may see the project at all (404 otherwise, as for an unknown id). */
  visible(principal: Principal, project: ProjectRow): boolean;
}

export interface EventOutcome {
  project: ProjectRow;
  entry: TransitionLogRow;
  /** The machine's snapshot after the event, the one `project` was written from. */
  snapshot: ProjectSnapshot;
}

/**
 * The facts of one project at `now`. Each is read from the database only when a guard first asks
 * for it: a progress report never loads the panel, a review never loads the letter twice. The lazy
 * ones are getters on the prototype, memoised in fields, rather than properties redefined on each
 * object: the hot path builds one of these per event.
 */
class ProjectFacts implements Facts {
  readonly title: string;
  readonly letter: Facts['letter'];
  readonly submissionClosesAt: number;
  readonly revisionClosesAt: number | null;
  readonly minReviews: number;
  readonly scoreMin: number;
  readonly scoreMax: number;
  readonly funding: Facts['funding'];
  readonly signedLetterRequired: boolean;
  private conflicting: string[] | undefined;
  private assigned: string[] | undefined;
  private reviewed: string[] | undefined;
  private letterFile: Facts['signedLetter'] | undefined;
  private documents: Facts['finalReportDocuments'] | undefined;

  constructor(
    private readonly context: StepContext,
    private readonly project: ProjectRow,
    round: RoundFacts,
    signedLetterRequired: boolean,
    readonly now: number,
  ) {
    this.title = project.title;
    this.letter = project.letter;
    this.submissionClosesAt = round.submissionClosesAt;
    this.revisionClosesAt = round.revisionClosesAt;
    this.minReviews = round.minReviews;
    this.scoreMin = round.scoreMin;
    this.scoreMax = round.scoreMax;
    this.funding = round.funding;
    this.signedLetterRequired = signedLetterRequired;
  }

  get conflictingUnitIds(): string[] {
    return (this.conflicting ??= this.context.lineage(this.project.unitId));
  }

  get assignedReviewerIds(): string[] {
    return (this.assigned ??= this.context.store.assignedReviewerIds(this.project.id));
  }

  get reviewedReviewerIds(): string[] {
    return (this.reviewed ??= this.context.store.reviewedReviewerIds(this.project.id));
  }

  get signedLetter(): Facts['signedLetter'] {
    if (this.letterFile === undefined) this.letterFile = this.context.store.latestSignedLetter(this.project.id);
    return this.letterFile;
  }

  get finalReportDocuments(): Facts['finalReportDocuments'] {
    return (this.documents ??= this.context.store.finalReportDocuments(this.project.id));
  }
}

export function loadFacts(context: StepContext, project: ProjectRow, now: number): Facts {
  const round = context.store.roundWithFacts(project.roundId);
  if (!round) throw new Error(`project ${project.id} refers to a missing round`);
  return new ProjectFacts(context, project, round.facts, round.row.requireSignedLetter, now);
}

/**
 * The payload the log keeps: the command without its type, plus the checksums of the files the
 * event relies on, so the hash chain covers exactly which bytes were submitted. SUBMIT names the
 * latest signed letter (when there is one); SUBMIT_FINAL_REPORT replaces its document ids with
 * `{ fileId, sha256 }` as the machine recorded them.
 */
export function loggedPayload(command: ProjectCommand, facts: Facts, context: ProjectContext): Record<string, unknown> {
  const { type: _type, ...payload } = command as ProjectCommand & Record<string, unknown>;
  if (command.type === 'SUBMIT' && facts.signedLetter) return { ...payload, signedLetter: facts.signedLetter };
  if (command.type === 'SUBMIT_FINAL_REPORT' && command.documents) return { ...payload, documents: context.finalReportDocuments ?? [] };
  return payload;
}

export function restore(project: ProjectRow) {
  return restoreProject({
    machineId: project.machineId,
    machineVersion: project.machineVersion,
    state: project.state as ProjectState,
    context: project.context,
  });
}

const PROJECT_TERMS: MachineTerms<ProjectState> = { stateLabel, eventsAcceptedIn, stateNoun: { zh: '状态', en: 'state' } };

export function applyEvent(context: StepContext, request: EventRequest): EventOutcome {
  const { principal, command } = request;
  const { store } = context;
  const project = store.project(request.projectId);
  if (!project || !context.visible(principal, project)) {
    throw new Problem('not-found', `项目不存在 / Project ${request.projectId} not found`);
  }
  if (request.expectedVersion !== null && request.expectedVersion !== project.version) {
    throw new Problem('precondition-failed', `项目已更新到版本 ${project.version} / The project is at version ${project.version}`, {
      currentVersion: project.version,
    });
  }

  const facts = loadFacts(context, project, request.now);
  const event = { ...command, actor: { id: principal.id, role: principal.role, unitId: principal.unitId }, facts } as ProjectEvent;
  const decision = decide(restore(project), event);
  if (!decision.ok) refuseDecision(decision, command.type, PROJECT_TERMS);

  const at = isoUtc(request.now);
  const persisted = persistProject(decision.snapshot);
  const entry = store.appendLog({
    subjectKind: 'project',
    subjectId: project.id,
    event: command.type,
    fromState: decision.from,
    toState: decision.to,
    payload: canonicalJson(loggedPayload(command, facts, persisted.context)),
    actorId: principal.id,
    actorRole: principal.role,
    actorUnitId: principal.unitId,
    at,
    requestId: request.requestId,
    machineId: persisted.machineId,
    machineVersion: persisted.machineVersion,
  });

  const updated: ProjectRow = {
    ...project,
    state: persisted.state,
    context: persisted.context,
    machineId: persisted.machineId,
    machineVersion: persisted.machineVersion,
    version: project.version + 1,
    grade: persisted.context.grade,
    funding: persisted.context.funding,
    updatedAt: at,
  };
  if (!store.updateProject(updated, project)) throw new Error(`project ${project.id} changed inside its own transaction`);

  if (command.type === 'SUBMIT_REVIEW') {
    store.upsertReview({ projectId: project.id, reviewerId: principal.id, scores: command.scores, comment: command.comment, logSeq: entry.seq, at });
  }
  return { project: updated, entry, snapshot: decision.snapshot };
}
