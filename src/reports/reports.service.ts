/**
 * The organisation department's reports over one round, read straight from the tables: the panel
 * ranking (reviews aggregated, never who scored what), the acceptance list with each final report,
 * grades and funding with totals, and quota compliance. Every read is synchronous, so one report
 * sees one state of the database.
 *
 * Rules, also stated in the OpenAPI descriptions:
 * - means are exact rationals rounded half up to 2 decimals (integer arithmetic, no float drift);
 * - `disagreement`: the spread of the totals (max − min) exceeds 20% of the total range,
 *   (scoreMax − scoreMin) × 5 × 0.2, which is exactly one criterion's range (20 on a 0–20 scale);
 * - ranking order: mean total descending (compared exactly), then median descending, then project
 *   id; projects equal on mean and median share a rank and the next rank skips (1, 2, 2, 4);
 * - quota: a project counts for compliance in every state but draft and withdrawn; a branch's
 *   project counts for its nearest quota unit above it (normally its general branch). Inactive
 *   units are left out; each unit shows the latest extension granted to it or a branch below it.
 */
import { stateLabel } from '../../machines/project.lifecycle.js';
import { CRITERIA, type Criterion, type ProjectContext, type ProjectState } from '../../machines/project.types.js';
import type { Db } from '../db/client.js';
import { Problem } from '../http/problems.js';
import { CATEGORIES, CATEGORY_NAMES, type Category } from '../projects/categories.js';
import type { Label } from '../../machines/vocabulary.js';
import {
  APPROVED_STATES,
  COUNTED_STATES,
  FUNDING_GRADE_LABELS,
  FUNDING_GRADES,
  QUOTA_UNIT_TYPES,
  UNIT_TYPE_LABELS,
  type Compliance,
  type FinalReportEntry,
  type FinalReports,
  type Funding,
  type FundingGrade,
  type FundingRow,
  type QuotaUnitType,
  type Ranking,
  type RankingEntry,
} from './reports.schemas.js';
import { ReportsRepository, type RoundHeader, type UnitInfo } from './reports.repository.js';
import { RoundDocumentsRepository } from '../files/round-documents.repository.js';
import { listNotPublished } from '../files/round-documents.service.js';
import type { Publication } from '../../machines/round.types.js';
import { PUBLISHED_STATES, type PublishedList } from './published-list.schemas.js';

interface ProjectInfo {
  id: string;
  unitId: string;
  category: Category;
  direction: string;
  title: string;
  state: ProjectState;
  leader: string | null;
  grade: string | null;
  funding: number | null;
  context: ProjectContext;
}

/** A project approved by the committee, as the approved-list export shows it. */
export interface ApprovedRow {
  project: ReturnType<typeof projectFields>;
  leader: string | null;
  rank: number | null;
  meanTotal: number | null;
  meetingReference: string | null;
}

const collator = new Intl.Collator('zh-CN');
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `numerator / denominator` rounded half up to 2 decimals, exactly, for non-negative integers. */
export function roundedRatio(numerator: number, denominator: number): number {
  return Math.floor((200 * numerator + denominator) / (2 * denominator)) / 100;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function projectFields(project: ProjectInfo, unitsById: Map<string, UnitInfo>) {
  return {
    projectId: project.id,
    title: project.title,
    unitId: project.unitId,
    unitName: unitsById.get(project.unitId)?.name ?? project.unitId,
    category: project.category,
    categoryLabel: { ...CATEGORIES[project.category].label },
    direction: project.direction,
    state: project.state,
    stateLabel: stateLabel(project.state),
  };
}

/** Category in the machine's order, then unit name (Chinese collation), then project id. */
function byCategoryThenUnit(a: { category: Category; unitName: string; projectId: string }, b: typeof a): number {
  return CATEGORY_NAMES.indexOf(a.category) - CATEGORY_NAMES.indexOf(b.category) || collator.compare(a.unitName, b.unitName) || byId(a.projectId, b.projectId);
}

interface Aggregate {
  projectId: string;
  count: number;
  sum: number;
  sums: Record<Criterion, number>;
  totals: number[];
  sumOfSquares: number;
  /** Twice the median: an integer, so comparisons stay exact. */
  twiceMedian: number;
}

/** A text field of a logged payload; absent (or not text) reads as empty. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A direction's label in its category; a direction the categories no longer name shows its code. */
function directionLabel(category: Category, direction: string): Label {
  const directions: Record<string, Label> = CATEGORIES[category].directions;
  const label = Object.hasOwn(directions, direction) ? directions[direction] : undefined;
  return label ? { zh: label.zh, en: label.en } : { zh: direction, en: direction };
}

export class ReportsService {
  private readonly reports: ReportsRepository;
  private readonly documents: RoundDocumentsRepository;

  constructor(db: Db) {
    this.reports = new ReportsRepository(db);
    this.documents = new RoundDocumentsRepository(db);
  }

  /** The round's published list's document number and date; null before PUBLISH_LIST. */
  publication(roundId: string): Publication | null {
    return this.reports.publicationOf(roundId)?.publication ?? null;
  }

  /**
   * The published approved list: the projects PUBLISH_LIST started and every later state, by
   * category, then unit name, then title (Chinese collation), with no score and no reviewer.
   * 404 without the round; 409 list_not_published before PUBLISH_LIST, whoever asks.
   */
  publishedList(roundId: string): PublishedList {
    const round = this.round(roundId);
    const { state, publication } = this.reports.publicationOf(roundId)!;
    if (!publication) throw listNotPublished({ id: round.id, title: round.title, state });
    const units = this.units();
    const items = this.projects(roundId, PUBLISHED_STATES)
      .map((project) => ({
        projectId: project.id,
        title: project.title,
        unitId: project.unitId,
        unitName: units.get(project.unitId)?.name ?? project.unitId,
        category: project.category,
        categoryLabel: { ...CATEGORIES[project.category].label },
        direction: project.direction,
        directionLabel: directionLabel(project.category, project.direction),
      }))
      .sort(
        (a, b) =>
          CATEGORY_NAMES.indexOf(a.category) - CATEGORY_NAMES.indexOf(b.category) ||
          collator.compare(a.unitName, b.unitName) ||
          collator.compare(a.title, b.title) ||
          byId(a.projectId, b.projectId),
      );
    const signed = this.documents.latestOf(roundId, 'approved_list');
    return {
      round: { id: round.id, title: round.title, year: round.year },
      documentNumber: publication.documentNumber,
      publishedOn: publication.publishedOn,
      signedDocument: signed ? { fileId: signed.id, sha256: signed.sha256 } : null,
      items,
      total: items.length,
    };
  }

  /** The round, or a 404 problem. */
  round(roundId: string): RoundHeader {
    const row = this.reports.round(roundId);
    if (!row) throw new Problem('not-found', `批次不存在 / Round ${roundId} not found`);
    return row;
  }

  private units(): Map<string, UnitInfo> {
    return new Map(this.reports.units().map((row) => [row.id, row]));
  }

  private projects(roundId: string, states?: readonly ProjectState[]): ProjectInfo[] {
    return this.reports
      .projectsOf(roundId, states)
      .map(({ letter, ...row }) => ({ ...row, state: row.state as ProjectState, leader: letter.leader?.trim() ? letter.leader : null }));
  }

  /** Each reviewed project's reviews of the round, aggregated with integer sums. */
  private aggregates(roundId: string): Map<string, Aggregate> {
    const rows = this.reports.reviewScoresOf(roundId);
    const byProject = new Map<string, Aggregate>();
    for (const row of rows) {
      let aggregate = byProject.get(row.projectId);
      if (!aggregate) {
        aggregate = {
          projectId: row.projectId,
          count: 0,
          sum: 0,
          sums: { direction: 0, innovation: 0, practicality: 0, breadth: 0, exemplarity: 0 },
          totals: [],
          sumOfSquares: 0,
          twiceMedian: 0,
        };
        byProject.set(row.projectId, aggregate);
      }
      aggregate.count += 1;
      aggregate.sum += row.total;
      aggregate.sumOfSquares += row.total * row.total;
      aggregate.totals.push(row.total);
      for (const criterion of CRITERIA) aggregate.sums[criterion] += row[criterion];
    }
    for (const aggregate of byProject.values()) {
      const sorted = aggregate.totals.sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      aggregate.twiceMedian = sorted.length % 2 === 1 ? 2 * sorted[middle]! : sorted[middle - 1]! + sorted[middle]!;
    }
    return byProject;
  }

  ranking(roundId: string, allowedEvents: (projectId: string) => RankingEntry['allowedEvents'] = () => []): Ranking {
    const round = this.round(roundId);
    const unitsById = this.units();
    const aggregates = this.aggregates(roundId);
    const threshold = round.scoreMax - round.scoreMin; // (max − min) × 5 × 20%
    const ranked = this.projects(roundId)
      .filter((project) => aggregates.has(project.id))
      .map((project) => ({ project, aggregate: aggregates.get(project.id)! }))
      .sort(
        (a, b) =>
          b.aggregate.sum * a.aggregate.count - a.aggregate.sum * b.aggregate.count || b.aggregate.twiceMedian - a.aggregate.twiceMedian || byId(a.project.id, b.project.id),
      );
    const items: RankingEntry[] = [];
    ranked.forEach(({ project, aggregate }, index) => {
      const previous = index > 0 ? ranked[index - 1]!.aggregate : null;
      const tied = previous !== null && previous.sum * aggregate.count === aggregate.sum * previous.count && previous.twiceMedian === aggregate.twiceMedian;
      const { count, sum, totals, sumOfSquares } = aggregate;
      const minTotal = totals[0]!;
      const maxTotal = totals[totals.length - 1]!;
      const spread = maxTotal - minTotal;
      items.push({
        rank: tied ? items[index - 1]!.rank : index + 1,
        ...projectFields(project, unitsById),
        reviewCount: count,
        meanTotal: roundedRatio(sum, count),
        meanScores: Object.fromEntries(CRITERIA.map((c) => [c, roundedRatio(aggregate.sums[c], count)])) as Record<Criterion, number>,
        medianTotal: aggregate.twiceMedian / 2,
        minTotal,
        maxTotal,
        spread,
        // Population deviation: the reviewers of a project are its whole panel, not a sample.
        standardDeviation: round2(Math.sqrt(Math.max(0, count * sumOfSquares - sum * sum)) / count),
        disagreement: spread > threshold,
        allowedEvents: allowedEvents(project.id),
      });
    });
    return {
      roundId,
      scoreScale: { min: round.scoreMin, max: round.scoreMax },
      totalScale: { min: round.scoreMin * CRITERIA.length, max: round.scoreMax * CRITERIA.length },
      disagreementThreshold: threshold,
      minReviews: round.minReviews,
      items,
    };
  }

  finalReports(roundId: string): FinalReports {
    this.round(roundId);
    const unitsById = this.units();
    const underAcceptance = this.projects(roundId, ['final_acceptance']);
    const log = this.reports.logEntries(
      underAcceptance.map((p) => p.id),
      ['SUBMIT_PROGRESS_REPORT', 'SUBMIT_FINAL_REPORT', 'RETURN_FINAL_REPORT'],
    );
    // Every final-report document of these projects, in one query.
    const reportFiles = new Map(this.reports.finalReportDocumentsOf(underAcceptance.map((p) => p.id)).map(({ id, ...file }) => [id, file]));
    const items: FinalReportEntry[] = underAcceptance.map((project) => {
      const own = log.filter((entry) => entry.projectId === project.id);
      const finals = own.filter((entry) => entry.event === 'SUBMIT_FINAL_REPORT');
      const latest = finals[finals.length - 1];
      if (!latest) throw new Error(`project ${project.id} is under final acceptance without a final report in the log`);
      const text = (entry: (typeof own)[number], field: string) => ({ text: textOf(entry.payload[field]), at: entry.at });
      // The documents the report named, with the checksums its log entry recorded.
      const named = (latest.payload.documents ?? []) as Array<{ fileId: string; sha256: string }>;
      const documents = named.map(({ fileId, sha256 }) => {
        const file = reportFiles.get(fileId);
        if (!file) throw new Error(`final report of ${project.id} names a missing file ${fileId}`);
        return { fileId, ...file, sha256 };
      });
      return {
        ...projectFields(project, unitsById),
        leader: project.leader,
        finalReport: { summary: textOf(latest.payload.summary), submittedAt: latest.at, documents },
        progressReports: own.filter((entry) => entry.event === 'SUBMIT_PROGRESS_REPORT').map((entry) => text(entry, 'text')),
        returns: own.filter((entry) => entry.event === 'RETURN_FINAL_REPORT').map((entry) => text(entry, 'comment')),
      };
    });
    return { roundId, items: items.sort(byCategoryThenUnit) };
  }

  funding(roundId: string): Funding {
    this.round(roundId);
    const unitsById = this.units();
    const rows: FundingRow[] = this.projects(roundId, ['graded', 'failed']).map((project) => {
      const grade: FundingGrade = project.state === 'failed' ? 'failed' : ((project.grade as FundingGrade | null) ?? fail(`graded project ${project.id} has no grade`));
      const amount = project.state === 'failed' ? 0 : (project.funding ?? fail(`graded project ${project.id} has no funding`));
      if (!Number.isSafeInteger(amount) || amount < 0) fail(`project ${project.id} has funding ${amount}, not whole yuan`);
      return {
        ...projectFields(project, unitsById),
        grade,
        gradeLabel: { ...FUNDING_GRADE_LABELS[grade] },
        amount,
        recommended: project.context.recommended === true,
      };
    });
    rows.sort((a, b) => FUNDING_GRADES.indexOf(a.grade) - FUNDING_GRADES.indexOf(b.grade) || collator.compare(a.unitName, b.unitName) || byId(a.projectId, b.projectId));
    const byUnit = new Map<string, { unitId: string; unitName: string; count: number; amount: number }>();
    const byGrade = new Map(FUNDING_GRADES.map((grade) => [grade, { grade, label: { ...FUNDING_GRADE_LABELS[grade] }, count: 0, amount: 0 }]));
    const total = { count: 0, amount: 0 };
    for (const row of rows) {
      const unit = byUnit.get(row.unitId) ?? { unitId: row.unitId, unitName: row.unitName, count: 0, amount: 0 };
      unit.count += 1;
      unit.amount += row.amount;
      byUnit.set(row.unitId, unit);
      const grade = byGrade.get(row.grade)!;
      grade.count += 1;
      grade.amount += row.amount;
      total.count += 1;
      total.amount += row.amount;
    }
    return {
      roundId,
      items: rows,
      total,
      byUnit: [...byUnit.values()].sort((a, b) => collator.compare(a.unitName, b.unitName) || byId(a.unitId, b.unitId)),
      byGrade: [...byGrade.values()],
    };
  }

  compliance(roundId: string): Compliance {
    this.round(roundId);
    const unitsById = this.units();
    const isQuota = (type: string): type is QuotaUnitType => (QUOTA_UNIT_TYPES as readonly string[]).includes(type);
    /** The unit itself when it is under the quota, else the nearest quota unit above it; null if none. */
    const creditedUnit = (unitId: string): UnitInfo | null => {
      const seen = new Set<string>();
      let unit = unitsById.get(unitId);
      while (unit && !seen.has(unit.id)) {
        if (isQuota(unit.type)) return unit;
        seen.add(unit.id);
        unit = unit.parentId ? unitsById.get(unit.parentId) : undefined;
      }
      return null;
    };
    const counts = new Map<string, number>();
    for (const project of this.projects(roundId, COUNTED_STATES)) {
      const unit = creditedUnit(project.unitId);
      if (unit) counts.set(unit.id, (counts.get(unit.id) ?? 0) + 1);
    }
    // A unit's extension, or one of a branch it answers for: the latest.
    const extendedUntil = new Map<string, string>();
    for (const [unitId, date] of this.reports.extensionsOf(roundId)) {
      const unit = creditedUnit(unitId);
      if (unit && (extendedUntil.get(unit.id) ?? '') < date) extendedUntil.set(unit.id, date);
    }
    // An inactive unit is out of the quota.
    const quota = [...unitsById.values()]
      .filter((unit): unit is UnitInfo & { type: QuotaUnitType } => isQuota(unit.type) && unit.active)
      .sort((a, b) => QUOTA_UNIT_TYPES.indexOf(a.type) - QUOTA_UNIT_TYPES.indexOf(b.type) || collator.compare(a.name, b.name) || byId(a.id, b.id))
      .map((unit) => ({
        unitId: unit.id,
        name: unit.name,
        type: unit.type,
        typeLabel: { ...UNIT_TYPE_LABELS[unit.type] },
        extendedUntil: extendedUntil.get(unit.id) ?? null,
      }));
    const missing = quota.filter((unit) => !counts.has(unit.unitId));
    return {
      roundId,
      countedStates: [...COUNTED_STATES],
      quotaUnits: quota.length,
      complete: missing.length === 0,
      missing,
      complied: quota.filter((unit) => counts.has(unit.unitId)).map((unit) => ({ ...unit, projects: counts.get(unit.unitId)! })),
    };
  }

  /**
   * The projects the committee approved (they passed APPROVE), with their panel rank and mean,
   * the meeting that approved them, by category, then rank, then unit name.
   */
  approved(roundId: string): ApprovedRow[] {
    this.round(roundId);
    const unitsById = this.units();
    const ranking = new Map(this.ranking(roundId).items.map((item) => [item.projectId, item]));
    const approved = this.projects(roundId, APPROVED_STATES);
    const approvals = new Map<string, string>();
    for (const entry of this.reports.logEntries(
      approved.map((p) => p.id),
      ['APPROVE'],
    )) {
      approvals.set(entry.projectId, textOf(entry.payload.meetingReference));
    }
    const rows = approved.map((project) => {
      const ranked = ranking.get(project.id);
      return {
        project: projectFields(project, unitsById),
        leader: project.leader,
        rank: ranked?.rank ?? null,
        meanTotal: ranked?.meanTotal ?? null,
        meetingReference: approvals.get(project.id) ?? null,
      };
    });
    return rows.sort(
      (a, b) =>
        CATEGORY_NAMES.indexOf(a.project.category) - CATEGORY_NAMES.indexOf(b.project.category) ||
        (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
        collator.compare(a.project.unitName, b.project.unitName) ||
        byId(a.project.projectId, b.project.projectId),
    );
  }
}

function fail(message: string): never {
  throw new Error(message);
}
