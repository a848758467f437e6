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
import type { UnitsService } from '../units/units.service.js';
import { recordAssignment } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { ASSIGNABLE_STATES, pairRefusal } from './assignment-rules.js';
import { PanelRepository, type Reviewer } from './panel.repository.js';
import type { AssignmentOutcome, AssignmentsInput, Refusal, ReviewView, WorklistItem } from './panel.schemas.js';

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

export class PanelService {
  private readonly panel: PanelRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly unitsService: UnitsService,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.panel = new PanelRepository(db);
  }

  /** One transaction: every assignment made, each with its ASSIGN_REVIEWER entry, or (on an unexpected error) none. */
  assign(principal: Principal, roundId: string, input: AssignmentsInput, requestId: string): Promise<AssignmentOutcome> {
    return this.committer.run(() => {
      const minReviews = this.panel.minReviewsOf(roundId);
      if (minReviews === undefined) throw new Problem('not-found', `批次不存在 / Round ${roundId} not found`);
      const outcome: AssignmentOutcome = { roundId, mode: input.mode, assigned: [], refused: [] };
      const at = isoUtc(this.clock.now());
      const insert = (projectId: string, reviewerId: string) => {
        this.panel.assign({ projectId, reviewerId, assignedBy: principal.id, assignedAt: at });
        recordAssignment(this.log, { actor: principal, requestId }, projectId, reviewerId, at);
        outcome.assigned.push({ projectId, reviewerId });
      };
      if (input.mode === 'explicit') this.explicit(roundId, input.pairs, insert, outcome.refused);
      else this.automatic(roundId, minReviews, insert, outcome.refused);
      return outcome;
    });
  }

  private conflicted(projectUnitId: string, reviewer: Reviewer): boolean {
    return reviewer.unitId !== null && this.unitsService.lineage(projectUnitId).includes(reviewer.unitId);
  }

  private explicit(
    roundId: string,
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
      const refusal = pairRefusal(this.panel, (unitId) => this.unitsService.lineage(unitId), project, reviewerId);
      if (refusal) {
        refuse(refusal.code, refusal.detail);
        continue;
      }
      insert(projectId, reviewerId);
    }
  }

  /**
   * Every assignable project of the round gets reviewers up to `minReviews`, counting those it has.
   * The most constrained projects (fewest eligible reviewers) go first; each takes the eligible
   * reviewers with the fewest assignments in the round, ties broken by id.
   */
  private automatic(roundId: string, minReviews: number, insert: (projectId: string, reviewerId: string) => void, refused: Refusal[]): void {
    const roundProjects = this.panel.projectsOfRound(roundId);
    const reviewers = this.panel.activeReviewers();
    const existing = this.panel.assignmentsOf(roundProjects.map((p) => p.id));
    const load = new Map(reviewers.map((r) => [r.id, 0]));
    const assignedTo = new Map<string, Set<string>>(roundProjects.map((p) => [p.id, new Set<string>()]));
    for (const a of existing) {
      assignedTo.get(a.projectId)?.add(a.reviewerId);
      if (load.has(a.reviewerId)) load.set(a.reviewerId, load.get(a.reviewerId)! + 1);
    }
    const open = roundProjects
      .filter((p) => ASSIGNABLE_STATES.includes(p.state))
      .map((p) => {
        const have = assignedTo.get(p.id)!;
        const eligible = reviewers.filter((r) => !have.has(r.id) && !this.conflicted(p.unitId, r));
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
