/**
 * The review panel of a round: bulk reviewer assignment (explicit pairs or automatic, load
 * balanced, never a conflict of interest), a reviewer's worklist, and the reviews of a project
 * as each role may see them. Writes run through the group committer, like every other write.
 */
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectState } from '../../machines/project.types.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { ReviewRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { appendRecord, assignmentSubjectId, recordAssignment, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { ASSIGNABLE_STATES, pairRefusal, refusalProblem, reviewPanelOf, type PairRefusal, type PanelContext } from './assignment-rules.js';
import { ConflictRules } from './conflict.js';
import type { UnitsService } from '../units/units.service.js';
import { PanelRepository, type PanelKind, type PendingRow } from './panel.repository.js';
import type { AssignmentOutcome, AssignmentsInput, PanelView, PendingAssignment, Refusal, RemovedMember, ReviewView, WorklistItem } from './panel.schemas.js';

const toReview = (row: ReviewRow, reviewerName: string): ReviewView => ({
  projectId: row.projectId,
  reviewerId: row.reviewerId,
  reviewerName,
  scores: { direction: row.direction, innovation: row.innovation, practicality: row.practicality, breadth: row.breadth, exemplarity: row.exemplarity },
  total: row.total,
  comment: row.comment,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toPending = (row: PendingRow): PendingAssignment => ({
  projectId: row.projectId,
  projectTitle: row.projectTitle,
  reviewerId: row.reviewerId,
  reviewerName: row.reviewerName,
  since: row.assignedAt,
});

export class PanelService {
  private readonly panel: PanelRepository;
  private readonly conflicts: ConflictRules;

  constructor(
    db: Db,
    private readonly clock: Clock,
    units: UnitsService,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.panel = new PanelRepository(db);
    this.conflicts = new ConflictRules(db, units);
  }

  /** The round's review panel and conflict rules, for one assignment request (409 when the panel is not named or empty). */
  private context(roundId: string, scope: 'family' | 'line'): PanelContext {
    return { members: reviewPanelOf(this.panel, roundId), scope, conflicting: this.conflicts.forScope(scope) };
  }

  /** One transaction: every assignment made, each with its ASSIGN_REVIEWER entry, or (on an unexpected error) none. */
  assign(principal: Principal, roundId: string, input: AssignmentsInput, requestId: string): Promise<AssignmentOutcome> {
    return this.committer.run(() => {
      const round = this.panel.roundOf(roundId);
      if (round === undefined) throw new Problem('not-found', `批次不存在 / Round ${roundId} not found`);
      const context = this.context(roundId, round.conflictScope);
      const outcome: AssignmentOutcome = { roundId, mode: input.mode, assigned: [], refused: [] };
      const at = isoUtc(this.clock.now());
      const insert = (projectId: string, reviewerId: string) => {
        this.panel.assign({ projectId, reviewerId, assignedBy: principal.id, assignedAt: at });
        recordAssignment(this.log, { actor: principal, requestId }, projectId, reviewerId, at);
        outcome.assigned.push({ projectId, reviewerId });
      };
      if (input.mode === 'explicit') this.explicit(roundId, context, input.pairs, insert, outcome.refused);
      else this.automatic(roundId, context, round.minReviews, insert, outcome.refused);
      return outcome;
    });
  }

  /** A pair refusal as the bulk answer lists it (a conflict names the reviewer's unit). */
  private refusalOf(refusal: PairRefusal): Pick<Refusal, 'code' | 'detail' | 'conflictingUnits'> {
    const conflictingUnits = refusal.conflictingUnitId ? this.conflicts.named([refusal.conflictingUnitId]) : undefined;
    return { code: refusal.code, detail: refusal.detail, ...(conflictingUnits ? { conflictingUnits } : {}) };
  }

  private explicit(
    roundId: string,
    context: PanelContext,
    pairs: ReadonlyArray<{ projectId: string; reviewerId: string }>,
    insert: (projectId: string, reviewerId: string) => void,
    refused: Refusal[],
  ): void {
    for (const { projectId, reviewerId } of pairs) {
      const refuse = (code: Refusal['code'], detail: string) => refused.push({ projectId, reviewerId, code, detail });
      const project = this.panel.project(projectId);
      if (!project || project.roundId !== roundId) {
        refuse('not_in_round', `项目不属于此批次 / Project ${projectId} is not a project of this round`);
        continue;
      }
      const refusal = pairRefusal(this.panel, context, project, reviewerId);
      if (refusal) {
        refused.push({ projectId, reviewerId, ...this.refusalOf(refusal) });
        continue;
      }
      insert(projectId, reviewerId);
    }
  }

  /**
   * Every assignable project of the round gets reviewers up to `minReviews`, counting those it has.
   * The most constrained projects (fewest eligible reviewers) go first; each takes the eligible
   * reviewers with the fewest assignments in the round, ties broken by id. Only the active members
   * of the round's review panel are drawn; a replaced assignment neither counts nor comes back.
   */
  private automatic(roundId: string, context: PanelContext, minReviews: number, insert: (projectId: string, reviewerId: string) => void, refused: Refusal[]): void {
    const roundProjects = this.panel.projectsOfRound(roundId);
    const reviewers = this.panel.activeReviewers().filter((r) => context.members.has(r.id));
    const existing = this.panel.assignmentsOf(roundProjects.map((p) => p.id));
    const load = new Map(reviewers.map((r) => [r.id, 0]));
    const assignedTo = new Map<string, Set<string>>(roundProjects.map((p) => [p.id, new Set<string>()]));
    const taken = new Map<string, Set<string>>(roundProjects.map((p) => [p.id, new Set<string>()]));
    for (const a of existing) {
      taken.get(a.projectId)?.add(a.reviewerId);
      if (a.state !== 'assigned') continue;
      assignedTo.get(a.projectId)?.add(a.reviewerId);
      if (load.has(a.reviewerId)) load.set(a.reviewerId, load.get(a.reviewerId)! + 1);
    }
    const open = roundProjects
      .filter((p) => ASSIGNABLE_STATES.includes(p.state))
      .map((p) => {
        const have = assignedTo.get(p.id)!;
        const barred = context.conflicting(p.unitId);
        const eligible = reviewers.filter((r) => !taken.get(p.id)!.has(r.id) && (r.unitId === null || !barred.includes(r.unitId)));
        return { project: p, have, eligible, need: Math.max(0, minReviews - have.size) };
      })
      .filter((p) => p.need > 0)
      .sort((a, b) => a.eligible.length - b.eligible.length || (a.project.id < b.project.id ? -1 : 1));
    for (const { project, have, eligible, need } of open) {
      const chosen = [...eligible].sort((a, b) => load.get(a.id)! - load.get(b.id)! || (a.id < b.id ? -1 : 1)).slice(0, need);
      for (const reviewer of chosen) {
        insert(project.id, reviewer.id);
        have.add(reviewer.id);
        load.set(reviewer.id, load.get(reviewer.id)! + 1);
      }
      if (chosen.length < need) {
        refused.push({
          projectId: project.id,
          reviewerId: null,
          code: 'not_enough_reviewers',
          detail: `可用评审人不足 / Not enough eligible reviewers: ${have.size} of ${minReviews}`,
          required: minReviews,
          assigned: have.size,
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Named panels and their members

  private roundExists(roundId: string): void {
    if (this.panel.roundOf(roundId) === undefined) throw new Problem('not-found', `批次不存在 / Round ${roundId} not found`);
  }

  private namedPanel(roundId: string, kind: PanelKind) {
    const panel = this.panel.panel(roundId, kind);
    if (!panel) throw new Problem('not-found', `本批次尚未组建${kind === 'review' ? '评审组' : '结项评审组'} / The round has no ${kind} panel`);
    return panel;
  }

  /** The round's panel of a kind named (created) or renamed, with its NAME_PANEL entry. */
  namePanel(act: Act, roundId: string, kind: PanelKind, name: string): Promise<{ created: boolean; panel: PanelView }> {
    const trimmed = name.trim();
    if (trimmed === '') throw new Problem('unprocessable', '评审组名称不能为空 / The panel’s name must not be blank', { field: 'name' });
    return this.committer.run(() => {
      this.roundExists(roundId);
      const existing = this.panel.panel(roundId, kind);
      if (existing && existing.name === trimmed) return { created: false, panel: this.view(roundId, kind) };
      const at = isoUtc(this.clock.now());
      if (existing) this.panel.renamePanel(roundId, kind, trimmed, at);
      else this.panel.insertPanel({ roundId, kind, name: trimmed, createdBy: act.actor.id, createdAt: at, updatedAt: at });
      appendRecord(this.log, act, {
        subjectKind: 'panel',
        subjectId: `${roundId}/${kind}`,
        event: 'NAME_PANEL',
        fromState: existing ? 'named' : 'none',
        toState: 'named',
        payload: { roundId, kind, name: trimmed },
        at,
      });
      return { created: !existing, panel: this.view(roundId, kind) };
    });
  }

  private view(roundId: string, kind: PanelKind): PanelView {
    const panel = this.namedPanel(roundId, kind);
    return {
      roundId,
      kind,
      name: panel.name,
      createdBy: panel.createdBy,
      createdAt: panel.createdAt,
      updatedAt: panel.updatedAt,
      members: this.panel.members(roundId, kind),
    };
  }

  /** The round's panel of a kind with every member, removed ones included; 404 when not named. */
  getPanel(roundId: string, kind: PanelKind): PanelView {
    this.roundExists(roundId);
    return this.view(roundId, kind);
  }

  /** An active reviewer added to the panel (or a removed member added back), with its ADD_PANEL_MEMBER entry. */
  addMember(act: Act, roundId: string, kind: PanelKind, userId: string): Promise<PanelView> {
    return this.committer.run(() => {
      this.roundExists(roundId);
      if (!this.panel.panel(roundId, kind)) {
        throw new Problem('conflict', '请先组建评审组 / Name the panel first (PUT /rounds/{id}/panels/{kind})', { code: 'panel_not_named' });
      }
      const user = this.panel.reviewer(userId);
      if (!user || user.role !== 'reviewer') {
        throw new Problem('unprocessable', `不是评审人 / ${userId} is not a user of role reviewer`, { field: 'userId', code: 'not_a_reviewer' });
      }
      if (!user.active) throw new Problem('unprocessable', `该用户已停用 / ${userId} is deactivated`, { field: 'userId', code: 'user_inactive' });
      const existing = this.panel.member(roundId, kind, userId);
      if (existing?.active) throw new Problem('unprocessable', '已是评审组成员 / Already a member of the panel', { field: 'userId', code: 'already_member' });
      const at = isoUtc(this.clock.now());
      this.panel.putMember({ roundId, kind, userId, addedBy: act.actor.id, addedAt: at });
      appendRecord(this.log, act, {
        subjectKind: 'panel_member',
        subjectId: `${roundId}/${kind}/${userId}`,
        event: 'ADD_PANEL_MEMBER',
        fromState: existing ? 'removed' : 'none',
        toState: 'active',
        payload: { roundId, kind, userId },
        at,
      });
      return this.view(roundId, kind);
    });
  }

  /** A member removed (the row stays, inactive, with the reason) and its REMOVE_PANEL_MEMBER entry; answers the member's pending assignments. */
  removeMember(act: Act, roundId: string, kind: PanelKind, userId: string, reason: string): Promise<RemovedMember> {
    const trimmed = reason.trim();
    if (trimmed === '') throw new Problem('unprocessable', '须说明移出理由 / A reason is required', { field: 'reason' });
    return this.committer.run(() => {
      this.roundExists(roundId);
      this.namedPanel(roundId, kind);
      const member = this.panel.member(roundId, kind, userId);
      if (!member) throw new Problem('not-found', `不是评审组成员 / ${userId} is not a member of the panel`);
      if (!member.active) throw new Problem('conflict', '该成员已移出 / The member was already removed', { code: 'already_removed' });
      const at = isoUtc(this.clock.now());
      this.panel.removeMember(roundId, kind, userId, at, trimmed);
      appendRecord(this.log, act, {
        subjectKind: 'panel_member',
        subjectId: `${roundId}/${kind}/${userId}`,
        event: 'REMOVE_PANEL_MEMBER',
        fromState: 'active',
        toState: 'removed',
        payload: { roundId, kind, userId, reason: trimmed },
        at,
      });
      return {
        panel: this.view(roundId, kind),
        pendingAssignments: kind === 'review' ? this.panel.pending(roundId, userId).map(toPending) : [],
      };
    });
  }

  /** The round's pending assignments (assigned and not scored): whom to replace. */
  pendingAssignments(roundId: string): PendingAssignment[] {
    this.roundExists(roundId);
    return this.panel.pending(roundId).map(toPending);
  }

  /**
   * The reviewer of a project replaced: the old assignment marked replaced (REPLACE_REVIEWER), the
   * replacement assigned under the panel and conflict rules (ASSIGN_REVIEWER naming whom it
   * replaces), in one step. A reviewer who has scored is not replaced (409 review_submitted).
   */
  replaceReviewer(act: Act, projectId: string, reviewerId: string, replacementId: string, reason: string) {
    const trimmed = reason.trim();
    if (trimmed === '') throw new Problem('unprocessable', '须说明更换理由 / A reason is required', { field: 'reason' });
    return this.committer.run(() => {
      const project = this.panel.project(projectId);
      if (!project) throw new Problem('not-found', `项目不存在 / Project ${projectId} not found`);
      const state = this.panel.assignmentState(projectId, reviewerId);
      if (state === undefined) throw new Problem('not-found', `该评审人未被分配此项目 / ${reviewerId} is not assigned to this project`);
      if (state === 'replaced') throw new Problem('conflict', '该评审人已被更换 / This reviewer was already replaced', { code: 'already_replaced' });
      if (this.panel.hasReviewed(projectId, reviewerId)) {
        throw new Problem('conflict', '该评审人已提交评分，不能更换 / The reviewer has already scored the project; a submitted review is not replaced', {
          code: 'review_submitted',
        });
      }
      const round = this.panel.roundOf(project.roundId)!;
      const refusal = pairRefusal(this.panel, this.context(project.roundId, round.conflictScope), project, replacementId);
      if (refusal) throw refusalProblem(refusal, project.state, 'replacementId', (ids) => this.conflicts.named(ids));
      const at = isoUtc(this.clock.now());
      this.panel.markReplaced(projectId, reviewerId, replacementId, at, trimmed);
      appendRecord(this.log, act, {
        subjectKind: 'assignment',
        subjectId: assignmentSubjectId(projectId, reviewerId),
        event: 'REPLACE_REVIEWER',
        fromState: 'assigned',
        toState: 'replaced',
        payload: { projectId, reviewerId, replacementId, reason: trimmed },
        at,
      });
      this.panel.assign({ projectId, reviewerId: replacementId, assignedBy: act.actor.id, assignedAt: at });
      appendRecord(this.log, act, {
        subjectKind: 'assignment',
        subjectId: assignmentSubjectId(projectId, replacementId),
        event: 'ASSIGN_REVIEWER',
        toState: 'assigned',
        payload: { projectId, reviewerId: replacementId, replaces: reviewerId },
        at,
      });
      return { projectId, replaced: reviewerId, replacement: replacementId, reason: trimmed, at };
    });
  }

  /** The caller's assigned projects, with whether it has scored each and its own review. */
  worklist(principal: Principal, query: PageQuery = {}): Page<WorklistItem> {
    const limit = pageSize(query);
    const rows = this.panel.worklistOf(principal.id, query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : undefined, limit + 1);
    return pageOf(
      rows,
      limit,
      ({ project }) => encodeKeyCursor([project.roundId, project.id]),
      ({ project, assignedAt, review }) => ({
        id: project.id,
        roundId: project.roundId,
        title: project.title,
        category: project.category,
        direction: project.direction,
        state: project.state as ProjectState,
        stateLabel: stateLabel(project.state as ProjectState),
        assignedAt,
        reviewed: review !== null,
        review: review ? toReview(review, principal.name) : null,
      }),
    );
  }

  /**
   * The reviews of a project: all of them for org_dept, committee and auditors; a reviewer sees
   * only its own, and only on a project assigned to it (otherwise 404, like an unknown project).
   * Applicants never reach this (the route refuses their role).
   */
  projectReviews(principal: Principal, projectId: string, query: PageQuery = {}): Page<ReviewView> {
    const notFound = () => new Problem('not-found', `项目不存在 / Project ${projectId} not found`);
    if (!this.panel.projectExists(projectId)) throw notFound();
    const own = principal.role === 'reviewer';
    if (!['org_dept', 'committee', 'auditor', 'reviewer'].includes(principal.role)) throw notFound();
    if (own && !this.panel.isAssigned(projectId, principal.id)) throw notFound();
    const limit = pageSize(query);
    const afterKey = query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : undefined;
    const rows = this.panel.reviewsOf(projectId, own ? principal.id : undefined, afterKey, limit + 1);
    return pageOf(
      rows,
      limit,
      ({ review }) => encodeKeyCursor([review.createdAt, review.reviewerId]),
      ({ review, name }) => toReview(review, name),
    );
  }
}
