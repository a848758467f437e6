/**
 * 公示 (DOMAIN.md, "The round governs its projects"), the service side of round@2: the facts its
 * machine reads (the period's end as the calendar makes it, the projects an objection may name, the
 * signed list documents), the objections as people read them, and the proposed list every user of
 * the institution may read while it is in publicity.
 *
 * The calendar and the round's documents come from outside (`PublicitySources`): the app wires the
 * working-day calendar (src/calendar: a year without a calendar counts Monday to Friday) and the
 * round's latest signed list (src/files/round-documents.service.ts).
 */
import { jsonText } from '../db/dialect.js';
import type Database from 'better-sqlite3';
import { roundStateLabel } from '../../machines/round.lifecycle.js';
import type { Objection, RoundCommand, RoundContext, RoundFactsForMachine, RoundState } from '../../machines/round.types.js';
import type { Label } from '../../machines/vocabulary.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { RoundRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { CATEGORIES, type Category } from '../projects/categories.js';

/** What 公示 needs from outside the rounds: the calendar of working days and the round's uploaded documents. */
export interface PublicitySources {
  /**
   * The exclusive end of a publicity period of `workingDays` working days begun at `startedAt`
   * (epoch ms): Asia/Shanghai midnight after the `workingDays`-th working day after the start's
   * day (that day itself not counted); 0 working days: `startedAt` itself.
   */
  publicityEnd(startedAt: number, workingDays: number): number;
  /** The signed list documents uploaded to the round: file id → SHA-256. */
  listDocuments(roundId: string): Record<string, string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A round's approved project as the proposed and published lists show it: no scores, no reviewers. */
export interface ListedProject {
  id: string;
  title: string;
  unit: { id: string; name: string };
  category: { code: Category; label: Label };
  direction: { code: string; label: Label };
}

export interface ObjectionView {
  number: number;
  projectId: string | null;
  /** The project's title, when the objection names one. */
  projectTitle: string | null;
  reason: string;
  lodgedBy: { id: string; name: string | null };
  lodgedAt: string;
  handling: { outcome: 'upheld' | 'dismissed'; response: string; by: { id: string; name: string | null }; at: string } | null;
}

/** The statements 公示 reads, prepared once per connection. */
export class PublicityRepository {
  private readonly statements;

  constructor(db: Db) {
    const sqlite: Database.Database = db.$client;
    this.statements = {
      decided: sqlite.prepare<[string], { id: string }>(
        `SELECT id FROM projects WHERE round_id = ?
           AND (state = 'committee_approved' OR (state = 'rejected' AND ${jsonText(sqlite, 'context', '$.rejectedBy')} = 'committee')) ORDER BY id`,
      ),
      approved: sqlite.prepare<[string], { id: string; title: string; unitId: string; unitName: string; category: Category; direction: string }>(
        `SELECT p.id, p.title, p.unit_id AS unitId, u.name AS unitName, p.category, p.direction
           FROM projects p JOIN units u ON u.id = p.unit_id
          WHERE p.round_id = ? AND p.state = 'committee_approved' ORDER BY p.category, u.name, p.title, p.id`,
      ),
      userName: sqlite.prepare<[string], { name: string }>('SELECT name FROM users WHERE id = ?'),
      projectTitle: sqlite.prepare<[string], { title: string }>('SELECT title FROM projects WHERE id = ?'),
    };
  }

  /** The round's projects the committee decided on: approved, or rejected by the committee itself. */
  decidedProjectIds(roundId: string): string[] {
    return this.statements.decided.all(roundId).map((r) => r.id);
  }

  /** The round's committee-approved projects, by category, unit name and title. */
  approvedList(roundId: string): ListedProject[] {
    return this.statements.approved.all(roundId).map((p) => {
      const category = CATEGORIES[p.category];
      return {
        id: p.id,
        title: p.title,
        unit: { id: p.unitId, name: p.unitName },
        category: { code: p.category, label: category.label },
        direction: { code: p.direction, label: (category.directions as Record<string, Label>)[p.direction] ?? { zh: p.direction, en: p.direction } },
      };
    });
  }

  userName(id: string): string | null {
    return this.statements.userName.get(id)?.name ?? null;
  }

  projectTitle(id: string): string | null {
    return this.statements.projectTitle.get(id)?.title ?? null;
  }
}

/**
 * round@2's facts besides the counts every round has: where the period would end if the committee
 * concluded now (under review), the projects an objection may name and the signed list documents
 * (in publicity). Other states and round@1 read none of them.
 */
export function publicityFacts(row: RoundRow, now: number, sources: PublicitySources, repository: PublicityRepository): Partial<RoundFactsForMachine> {
  if (row.machineVersion < 2) return {};
  switch (row.state) {
    case 'under_review':
      return { publicityWorkingDays: row.publicityWorkingDays, publicityEndsAt: sources.publicityEnd(now, row.publicityWorkingDays) };
    case 'in_publicity':
      return { decidedProjectIds: repository.decidedProjectIds(row.id), listDocuments: sources.listDocuments(row.id) };
    default:
      return {};
  }
}

/**
 * What the log keeps of a 公示 event besides its payload: the period CONCLUDE_DECISIONS began, the
 * number given to an objection, the SHA-256 of the signed list document PUBLISH_LIST names. Empty
 * for every other event and for round@1.
 */
export function publicityLogged(command: RoundCommand, context: RoundContext): Record<string, unknown> {
  switch (command.type) {
    case 'CONCLUDE_DECISIONS':
      return context.publicity ? { publicity: context.publicity } : {};
    case 'LODGE_OBJECTION': {
      const objections = context.objections ?? [];
      return objections.length > 0 ? { objectionNumber: objections[objections.length - 1]!.number } : {};
    }
    case 'PUBLISH_LIST':
      return context.publication?.document ? { documentSha256: context.publication.document.sha256 } : {};
    default:
      return {};
  }
}

/** The objection a 公示 event recorded, as the round's context holds it; null for other events. */
export function objectionOf(command: RoundCommand, context: RoundContext): Objection | null {
  const objections = context.objections ?? [];
  if (command.type === 'LODGE_OBJECTION') return objections[objections.length - 1] ?? null;
  if (command.type === 'HANDLE_OBJECTION') return objections.find((o) => o.number === command.objectionNumber) ?? null;
  return null;
}

/** Who reads every objection with its author; everyone else reads only their own. */
const READS_ALL: ReadonlySet<Principal['role']> = new Set(['org_dept', 'committee', 'auditor']);

export const HOW_TO_OBJECT: Label = {
  zh: '公示期内，本单位任何人员均可对名单或其中的项目提出异议：POST /api/v1/rounds/{id}/objections，写明理由（针对项目的填 projectId）；组织部逐一处理并记录处理意见',
  en: 'During the period anyone of the institution may object to the list or to one of its projects: POST /api/v1/rounds/{id}/objections with a reason (and the projectId for a project); org_dept handles each and records how',
};

/** The readable side of 公示: the objections and the proposed list. The writes are round events (RoundsService.fire). */
export class PublicityService {
  constructor(
    private readonly clock: Clock,
    private readonly repository: PublicityRepository,
    private readonly findRound: (id: string) => RoundRow | undefined,
  ) {}

  private round(id: string): RoundRow {
    const row = this.findRound(id);
    if (!row) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
    return row;
  }

  /** An objection with the names of the people in it. */
  view(objection: Objection): ObjectionView {
    const person = (id: string) => ({ id, name: this.repository.userName(id) });
    return {
      number: objection.number,
      projectId: objection.projectId,
      projectTitle: objection.projectId === null ? null : this.repository.projectTitle(objection.projectId),
      reason: objection.reason,
      lodgedBy: person(objection.lodgedBy),
      lodgedAt: objection.lodgedAt,
      handling: objection.handling === null ? null : { ...objection.handling, by: person(objection.handling.by) },
    };
  }

  /** The round's objections in the order lodged: all of them for org_dept, the committee and auditors, else the caller's own. */
  objections(principal: Principal, roundId: string): { items: ObjectionView[]; open: number; handled: number } {
    const all = this.round(roundId).context.objections ?? [];
    const readable = READS_ALL.has(principal.role) ? all : all.filter((o) => o.lodgedBy === principal.id);
    const open = readable.filter((o) => o.handling === null).length;
    return { items: readable.map((o) => this.view(o)), open, handled: readable.length - open };
  }

  /** The proposed list while it is in publicity (409 `not_in_publicity` otherwise), for every user. */
  proposedList(roundId: string) {
    const row = this.round(roundId);
    const publicity = row.context.publicity;
    if (row.state !== 'in_publicity' || !publicity) {
      const label = roundStateLabel(row.state as RoundState);
      throw new Problem(
        'conflict',
        `拟立项名单仅在公示期间可查阅，批次现为「${label.zh}」 / The proposed list is readable only while it is in publicity; the round is ${row.state}`,
        {
          code: 'not_in_publicity',
          state: row.state,
          stateLabel: label,
        },
      );
    }
    const now = this.clock.now();
    return {
      round: { id: row.id, year: row.year, title: row.title },
      publicity: { ...publicity, over: now >= Date.parse(publicity.endsAt) },
      projects: this.repository.approvedList(row.id),
      howToObject: { zh: HOW_TO_OBJECT.zh.replace('{id}', row.id), en: HOW_TO_OBJECT.en.replace('{id}', row.id) },
      asOf: iso(now),
    };
  }
}
