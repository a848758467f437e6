/**
 * What the review panel reads and writes: reviewer assignments, the reviewers, the reviews, and
 * the few columns of rounds and projects that assignment and the worklist need.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { after } from '../http/paging.js';
import {
  panelMembers,
  panels,
  projects,
  reviewerAssignments,
  reviews,
  rounds,
  units,
  users,
  type PanelMemberRow,
  type PanelRow,
  type ProjectRow,
  type ReviewRow,
} from '../db/schema.js';

/** A user as a candidate reviewer. */
export interface Reviewer {
  id: string;
  unitId: string | null;
  role: string;
  active: boolean;
}

/** The columns of a project that assignment decides on. */
export type AssignableProject = Pick<ProjectRow, 'id' | 'roundId' | 'unitId' | 'state'>;

export interface Assignment {
  projectId: string;
  reviewerId: string;
  assignedBy: string;
  assignedAt: string;
}

export type PanelKind = PanelRow['kind'];

/** A member of a panel as the panel view shows it. */
export interface MemberRow {
  id: string;
  name: string;
  unitId: string | null;
  unitName: string | null;
  active: boolean;
  addedAt: string;
  removedAt: string | null;
  removeReason: string | null;
}

/** A pending assignment: assigned and not yet scored. */
export interface PendingRow {
  projectId: string;
  projectTitle: string;
  roundId: string;
  reviewerId: string;
  reviewerName: string;
  assignedAt: string;
}

export interface WorklistRow {
  project: ProjectRow;
  assignedAt: string;
  /** The reviewer's own review of the project, if it has scored it. */
  review: ReviewRow | null;
}

const ASSIGNABLE_PROJECT = { id: projects.id, roundId: projects.roundId, unitId: projects.unitId, state: projects.state };

export class PanelRepository {
  constructor(private readonly db: Executor) {}

  /** The round's settings that assignment reads, or undefined when there is no such round. */
  roundOf(roundId: string): { minReviews: number; conflictScope: 'family' | 'line' } | undefined {
    return this.db.select({ minReviews: rounds.minReviews, conflictScope: rounds.conflictScope }).from(rounds).where(eq(rounds.id, roundId)).get();
  }

  panel(roundId: string, kind: PanelKind): PanelRow | undefined {
    return this.db
      .select()
      .from(panels)
      .where(and(eq(panels.roundId, roundId), eq(panels.kind, kind)))
      .get();
  }

  insertPanel(row: PanelRow): void {
    this.db.insert(panels).values(row).run();
  }

  renamePanel(roundId: string, kind: PanelKind, name: string, at: string): void {
    this.db
      .update(panels)
      .set({ name, updatedAt: at })
      .where(and(eq(panels.roundId, roundId), eq(panels.kind, kind)))
      .run();
  }

  /** The panel's members (removed ones too), in the order they were added. */
  members(roundId: string, kind: PanelKind): MemberRow[] {
    return this.db
      .select({
        id: users.id,
        name: users.name,
        unitId: users.unitId,
        unitName: units.name,
        active: panelMembers.active,
        addedAt: panelMembers.addedAt,
        removedAt: panelMembers.removedAt,
        removeReason: panelMembers.removeReason,
      })
      .from(panelMembers)
      .innerJoin(users, eq(users.id, panelMembers.userId))
      .leftJoin(units, eq(units.id, users.unitId))
      .where(and(eq(panelMembers.roundId, roundId), eq(panelMembers.kind, kind)))
      .orderBy(asc(panelMembers.addedAt), asc(panelMembers.userId))
      .all();
  }

  member(roundId: string, kind: PanelKind, userId: string): PanelMemberRow | undefined {
    return this.db
      .select()
      .from(panelMembers)
      .where(and(eq(panelMembers.roundId, roundId), eq(panelMembers.kind, kind), eq(panelMembers.userId, userId)))
      .get();
  }

  /** The ids of the panel's active members. */
  activeMemberIds(roundId: string, kind: PanelKind): Set<string> {
    return new Set(
      this.db
        .select({ userId: panelMembers.userId })
        .from(panelMembers)
        .where(and(eq(panelMembers.roundId, roundId), eq(panelMembers.kind, kind), eq(panelMembers.active, true)))
        .all()
        .map((m) => m.userId),
    );
  }

  /** A member added, or a removed member added again (the row as ADD_PANEL_MEMBER rebuilds it). */
  putMember(row: Pick<PanelMemberRow, 'roundId' | 'kind' | 'userId' | 'addedBy' | 'addedAt'>): void {
    const values = { ...row, active: true, removedAt: null, removeReason: null };
    this.db
      .insert(panelMembers)
      .values(values)
      .onConflictDoUpdate({ target: [panelMembers.roundId, panelMembers.kind, panelMembers.userId], set: values })
      .run();
  }

  removeMember(roundId: string, kind: PanelKind, userId: string, at: string, reason: string): void {
    this.db
      .update(panelMembers)
      .set({ active: false, removedAt: at, removeReason: reason })
      .where(and(eq(panelMembers.roundId, roundId), eq(panelMembers.kind, kind), eq(panelMembers.userId, userId)))
      .run();
  }

  /** The round's pending assignments (assigned, not replaced, not scored), oldest first; only this reviewer's when given. */
  pending(roundId: string, reviewerId?: string): PendingRow[] {
    return this.db
      .select({
        projectId: reviewerAssignments.projectId,
        projectTitle: projects.title,
        roundId: projects.roundId,
        reviewerId: reviewerAssignments.reviewerId,
        reviewerName: users.name,
        assignedAt: reviewerAssignments.assignedAt,
      })
      .from(reviewerAssignments)
      .innerJoin(projects, eq(projects.id, reviewerAssignments.projectId))
      .innerJoin(users, eq(users.id, reviewerAssignments.reviewerId))
      .where(
        and(
          eq(projects.roundId, roundId),
          eq(reviewerAssignments.state, 'assigned'),
          reviewerId === undefined ? undefined : eq(reviewerAssignments.reviewerId, reviewerId),
          sql`NOT EXISTS (SELECT 1 FROM ${reviews} WHERE ${reviews.projectId} = ${reviewerAssignments.projectId} AND ${reviews.reviewerId} = ${reviewerAssignments.reviewerId})`,
        ),
      )
      .orderBy(asc(reviewerAssignments.assignedAt), asc(reviewerAssignments.projectId), asc(reviewerAssignments.reviewerId))
      .all();
  }

  /** One assignment's state, or undefined when the reviewer was never assigned to the project. */
  assignmentState(projectId: string, reviewerId: string): 'assigned' | 'replaced' | undefined {
    return this.db
      .select({ state: reviewerAssignments.state })
      .from(reviewerAssignments)
      .where(and(eq(reviewerAssignments.projectId, projectId), eq(reviewerAssignments.reviewerId, reviewerId)))
      .get()?.state;
  }

  hasReviewed(projectId: string, reviewerId: string): boolean {
    return (
      this.db
        .select({ one: reviews.projectId })
        .from(reviews)
        .where(and(eq(reviews.projectId, projectId), eq(reviews.reviewerId, reviewerId)))
        .get() !== undefined
    );
  }

  /** The old assignment marked replaced, as REPLACE_REVIEWER rebuilds it. */
  markReplaced(projectId: string, reviewerId: string, replacementId: string, at: string, reason: string): void {
    this.db
      .update(reviewerAssignments)
      .set({ state: 'replaced', replacedBy: replacementId, replacedAt: at, replaceReason: reason })
      .where(and(eq(reviewerAssignments.projectId, projectId), eq(reviewerAssignments.reviewerId, reviewerId)))
      .run();
  }

  /** The round's minimum number of reviews per project, or undefined when there is no such round. */
  minReviewsOf(roundId: string): number | undefined {
    return this.db.select({ minReviews: rounds.minReviews }).from(rounds).where(eq(rounds.id, roundId)).get()?.minReviews;
  }

  project(projectId: string): AssignableProject | undefined {
    return this.db.select(ASSIGNABLE_PROJECT).from(projects).where(eq(projects.id, projectId)).get();
  }

  projectExists(projectId: string): boolean {
    return this.db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get() !== undefined;
  }

  /** Every project of the round, by id. */
  projectsOfRound(roundId: string): AssignableProject[] {
    return this.db.select(ASSIGNABLE_PROJECT).from(projects).where(eq(projects.roundId, roundId)).orderBy(asc(projects.id)).all();
  }

  /** The user as a reviewer, whatever its role; undefined when there is no such user. */
  reviewer(userId: string): Reviewer | undefined {
    return this.db.select({ id: users.id, unitId: users.unitId, role: users.role, active: users.active }).from(users).where(eq(users.id, userId)).get();
  }

  /** Every active reviewer, by id. */
  activeReviewers(): Reviewer[] {
    return this.db
      .select({ id: users.id, unitId: users.unitId, role: users.role, active: users.active })
      .from(users)
      .where(and(eq(users.role, 'reviewer'), eq(users.active, true)))
      .orderBy(asc(users.id))
      .all();
  }

  isAssigned(projectId: string, reviewerId: string): boolean {
    return (
      this.db
        .select({ one: reviewerAssignments.projectId })
        .from(reviewerAssignments)
        .where(and(eq(reviewerAssignments.projectId, projectId), eq(reviewerAssignments.reviewerId, reviewerId)))
        .get() !== undefined
    );
  }

  /** The reviewers assigned to each of these projects (replaced ones too, with their state), as pairs. */
  assignmentsOf(projectIds: string[]): Array<{ projectId: string; reviewerId: string; state: 'assigned' | 'replaced' }> {
    if (projectIds.length === 0) return [];
    return this.db
      .select({ projectId: reviewerAssignments.projectId, reviewerId: reviewerAssignments.reviewerId, state: reviewerAssignments.state })
      .from(reviewerAssignments)
      .where(inArray(reviewerAssignments.projectId, projectIds))
      .all();
  }

  assign(assignment: Assignment): void {
    this.db.insert(reviewerAssignments).values(assignment).run();
  }

  /** The reviewer's assigned projects by round then project, each with the reviewer's own review. */
  worklistOf(reviewerId: string, afterKey: readonly [string, string] | undefined, limit: number): WorklistRow[] {
    return this.db
      .select({ project: projects, assignedAt: reviewerAssignments.assignedAt, review: reviews })
      .from(reviewerAssignments)
      .innerJoin(projects, eq(projects.id, reviewerAssignments.projectId))
      .leftJoin(reviews, and(eq(reviews.projectId, reviewerAssignments.projectId), eq(reviews.reviewerId, reviewerAssignments.reviewerId)))
      .where(
        and(eq(reviewerAssignments.reviewerId, reviewerId), eq(reviewerAssignments.state, 'assigned'), afterKey ? after([projects.roundId, projects.id], afterKey) : undefined),
      )
      .orderBy(asc(projects.roundId), asc(projects.id))
      .limit(limit)
      .all();
  }

  /** The reviews of a project (only this reviewer's when given), oldest first, with each reviewer's name. */
  reviewsOf(projectId: string, reviewerId: string | undefined, afterKey: readonly [string, string] | undefined, limit: number): Array<{ review: ReviewRow; name: string }> {
    return this.db
      .select({ review: reviews, name: users.name })
      .from(reviews)
      .innerJoin(users, eq(users.id, reviews.reviewerId))
      .where(
        and(
          eq(reviews.projectId, projectId),
          reviewerId === undefined ? undefined : eq(reviews.reviewerId, reviewerId),
          afterKey ? after([reviews.createdAt, reviews.reviewerId], afterKey) : undefined,
        ),
      )
      .orderBy(asc(reviews.createdAt), asc(reviews.reviewerId))
      .limit(limit)
      .all();
  }
}
