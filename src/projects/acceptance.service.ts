/**
 * 结项评审 (project@2), the reads: a reviewer's acceptance worklist and a round's acceptance scores,
 * aggregated like the panel ranking (never who scored what).
 */
import type Database from 'better-sqlite3';
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectContext, ProjectState } from '../../machines/project.types.js';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../db/client.js';
import type { AcceptanceCriterion } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import type { AcceptanceScores, AcceptanceWorklistItem } from './acceptance.schemas.js';

/** The states of a project once its final report is in: under acceptance, and after the committee confirmed. */
const ACCEPTANCE_STATES = ['final_acceptance', 'graded', 'failed'] as const;

const round2 = (value: number): number => Math.round(value * 100) / 100;

interface WorklistRow {
  id: string;
  roundId: string;
  title: string;
  category: AcceptanceWorklistItem['category'];
  direction: string;
  state: string;
  assignedAt: string;
  criteria: string;
  scoreMin: number;
  scoreMax: number;
  scores: string | null;
  total: number | null;
  comment: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export class AcceptanceService {
  private readonly sqlite: Database.Database;

  constructor(db: Db) {
    this.sqlite = db.$client;
  }

  /** The projects whose final report the caller is assigned to score, by round then project, with its own review. */
  worklist(principal: Principal, query: PageQuery = {}): Page<AcceptanceWorklistItem> {
    const limit = pageSize(query);
    const after = query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : null;
    const rows = this.sqlite
      .prepare<unknown[], WorklistRow>(
        `SELECT p.id, p.round_id AS roundId, p.title, p.category, p.direction, p.state, a.assigned_at AS assignedAt,
           r.acceptance_criteria AS criteria, r.score_min AS scoreMin, r.score_max AS scoreMax,
           v.scores, v.total, v.comment, v.created_at AS createdAt, v.updated_at AS updatedAt
         FROM acceptance_assignments a
         JOIN projects p ON p.id = a.project_id
         JOIN rounds r ON r.id = p.round_id
         LEFT JOIN acceptance_reviews v ON v.project_id = a.project_id AND v.reviewer_id = a.reviewer_id
         WHERE a.reviewer_id = ? AND a.state = 'assigned'${after ? ' AND (p.round_id, p.id) > (?, ?)' : ''}
         ORDER BY p.round_id, p.id LIMIT ?`,
      )
      .all(principal.id, ...(after ? [after[0], after[1]] : []), limit + 1);
    return pageOf(
      rows,
      limit,
      (row) => encodeKeyCursor([row.roundId, row.id]),
      (row) => ({
        id: row.id,
        roundId: row.roundId,
        title: row.title,
        category: row.category,
        direction: row.direction,
        state: row.state as ProjectState,
        stateLabel: stateLabel(row.state as ProjectState),
        criteria: (JSON.parse(row.criteria) as AcceptanceCriterion[]).map(({ key, label }) => ({ key, label })),
        scoreScale: { min: row.scoreMin, max: row.scoreMax },
        assignedAt: row.assignedAt,
        reviewed: row.scores !== null,
        review:
          row.scores === null
            ? null
            : { scores: JSON.parse(row.scores) as Record<string, number>, total: row.total!, comment: row.comment!, createdAt: row.createdAt!, updatedAt: row.updatedAt! },
      }),
    );
  }

  /**
   * The round's acceptance scores: every project whose final report is in (under final acceptance,
   * graded or failed), with its acceptance reviews aggregated (count, mean of each criterion, mean
   * total), org_dept's proposal and, once confirmed, its grade and funding. By mean total
   * descending (projects without reviews last), then project id.
   */
  scores(roundId: string): AcceptanceScores {
    const round = this.sqlite
      .prepare<[string], { criteria: string; scoreMin: number; scoreMax: number; minAcceptanceReviews: number; prizeCaps: string }>(
        'SELECT acceptance_criteria AS criteria, score_min AS scoreMin, score_max AS scoreMax, min_acceptance_reviews AS minAcceptanceReviews, prize_caps AS prizeCaps FROM rounds WHERE id = ?',
      )
      .get(roundId);
    if (!round) throw new Problem('not-found', `批次不存在 / Round ${roundId} not found`);
    const criteria = (JSON.parse(round.criteria) as AcceptanceCriterion[]).map(({ key, label }) => ({ key, label }));
    const projects = this.sqlite
      .prepare<unknown[], { id: string; title: string; unitId: string; unitName: string; state: string; context: string; grade: string | null; funding: number | null }>(
        `SELECT p.id, p.title, p.unit_id AS unitId, u.name AS unitName, p.state, p.context, p.grade, p.funding
         FROM projects p JOIN units u ON u.id = p.unit_id
         WHERE p.round_id = ? AND p.state IN (${ACCEPTANCE_STATES.map(() => '?').join(', ')}) ORDER BY p.id`,
      )
      .all(roundId, ...ACCEPTANCE_STATES);
    const reviews = this.sqlite
      .prepare<[string], { projectId: string; scores: string; total: number }>(
        `SELECT v.project_id AS projectId, v.scores, v.total FROM acceptance_reviews v JOIN projects p ON p.id = v.project_id WHERE p.round_id = ?`,
      )
      .all(roundId);
    const assigned = new Map(
      this.sqlite
        .prepare<[string], { projectId: string; n: number }>(
          `SELECT a.project_id AS projectId, count(*) AS n FROM acceptance_assignments a JOIN projects p ON p.id = a.project_id
           WHERE p.round_id = ? AND a.state = 'assigned' GROUP BY a.project_id`,
        )
        .all(roundId)
        .map((r) => [r.projectId, r.n]),
    );
    const byProject = new Map<string, Array<{ scores: Record<string, number>; total: number }>>();
    for (const review of reviews) {
      const list = byProject.get(review.projectId) ?? [];
      list.push({ scores: JSON.parse(review.scores) as Record<string, number>, total: review.total });
      byProject.set(review.projectId, list);
    }
    const proposals: AcceptanceScores['proposals'] = { byGrade: {}, missing: 0 };
    const items = projects.map((project) => {
      const context = JSON.parse(project.context) as ProjectContext;
      const proposal = context.proposal ?? null;
      if (project.state === 'final_acceptance') {
        if (proposal === null) proposals.missing += 1;
        else proposals.byGrade[proposal.grade] = (proposals.byGrade[proposal.grade] ?? 0) + 1;
      }
      const list = byProject.get(project.id) ?? [];
      const count = list.length;
      const sumTotal = list.reduce((sum, r) => sum + r.total, 0);
      return {
        projectId: project.id,
        title: project.title,
        unitId: project.unitId,
        unitName: project.unitName,
        state: project.state as ProjectState,
        reviewCount: count,
        assignedCount: assigned.get(project.id) ?? 0,
        meanScores: Object.fromEntries(criteria.map(({ key }) => [key, count === 0 ? null : round2(list.reduce((sum, r) => sum + (r.scores[key] ?? 0), 0) / count)])),
        meanTotal: count === 0 ? null : round2(sumTotal / count),
        exactMean: count === 0 ? Number.NEGATIVE_INFINITY : sumTotal / count,
        proposal: proposal ? { grade: proposal.grade, comment: proposal.comment } : null,
        grade: project.grade as AcceptanceScores['items'][number]['grade'],
        funding: project.funding,
      };
    });
    items.sort((a, b) => b.exactMean - a.exactMean || (a.projectId < b.projectId ? -1 : 1));
    return {
      roundId,
      criteria,
      scoreScale: { min: round.scoreMin, max: round.scoreMax },
      minAcceptanceReviews: round.minAcceptanceReviews,
      prizeCaps: JSON.parse(round.prizeCaps) as Record<string, number>,
      proposals,
      items: items.map(({ exactMean: _exact, ...item }) => item),
    };
  }
}
