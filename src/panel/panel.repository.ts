/**
 * What the review panel reads and writes: reviewer assignments, the reviewers, the reviews, and
 * the few columns of rounds and projects that assignment and the worklist need.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { after } from '../http/paging.js';
import { projects, reviewerAssignments, reviews, rounds, users, type ProjectRow, type ReviewRow } from '../db/schema.js';

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

export interface WorklistRow {
  project: ProjectRow;
  assignedAt: string;
  /** The reviewer's own review of the project, if it has scored it. */
  review: ReviewRow | null;
}

const ASSIGNABLE_PROJECT = { id: projects.id, roundId: projects.roundId, unitId: projects.unitId, state: projects.state };

export class PanelRepository {
  constructor(private readonly db: Executor) {}

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

  /** The reviewers assigned to each of these projects, as pairs. */
  assignmentsOf(projectIds: string[]): Array<{ projectId: string; reviewerId: string }> {
    if (projectIds.length === 0) return [];
    return this.db
      .select({ projectId: reviewerAssignments.projectId, reviewerId: reviewerAssignments.reviewerId })
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
      .where(and(eq(reviewerAssignments.reviewerId, reviewerId), afterKey ? after([projects.roundId, projects.id], afterKey) : undefined))
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
