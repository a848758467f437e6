/**
 * A database written as the services write it once every act is an entry (issue 14's spec, "Record
 * entries"): each row inserted with the log entry that proves it, appended through
 * TransitionLogRepository, with the payloads the spec lists. The tables' tests tamper with it.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { projectRow, sha256Hex } from '../../src/audit/table-rules.js';
import { hashToken } from '../../src/auth/tokens.js';
import type { TransitionLogRow } from '../../src/db/schema.js';
import { canonicalJson } from '../../src/workflow/hash-chain.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';

export interface Actor {
  id: string;
  role: string;
  unitId: string | null;
  /** The bearer token (users made here). */
  token?: string;
}

const SYSTEM: Actor = { id: 'system', role: 'system', unitId: null };
const RECORD = { id: 'record', version: 1 };
const jsonHash = (value: unknown) => sha256Hex(canonicalJson(value));

export const ROUND_SETTINGS_EXAMPLE = {
  year: 2026,
  title: '2026 年度党建项目',
  documentNumber: '组通〔2026〕3 号',
  submissionDeadline: '2026-04-30',
  revisionDeadline: '2026-05-15',
  finalAcceptanceDate: '2026-11-30',
  fundingFirst: 3000,
  fundingSecond: 2000,
  fundingThird: 1500,
  fundingQualified: 1000,
  minReviews: 1,
  scoreMin: 0,
  scoreMax: 20,
  requireSignedLetter: false,
};

export class RecordedWorld {
  readonly log: TransitionLogRepository;
  private clock = Date.parse('2026-03-01T08:00:00.000Z');
  private ids = 0;

  constructor(readonly sqlite: Database.Database) {
    this.log = new TransitionLogRepository(sqlite);
  }

  private at(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private id(prefix: string): string {
    this.ids += 1;
    return `${prefix}-${String(this.ids).padStart(4, '0')}`;
  }

  append(kind: string, subjectId: string, event: string, fromState: string, toState: string, payload: object, actor: Actor, at: string, machine = RECORD): TransitionLogRow {
    return this.log.append({
      subjectKind: kind as TransitionLogRow['subjectKind'],
      subjectId,
      event,
      fromState,
      toState,
      payload: canonicalJson(payload),
      actorId: actor.id,
      actorRole: actor.role,
      actorUnitId: actor.unitId,
      at,
      requestId: `test-${subjectId}-${event}`,
      machineId: machine.id,
      machineVersion: machine.version,
    });
  }

  unit(name: string, type: string, parentId: string | null): string {
    const id = this.id('unit');
    const at = this.at();
    this.sqlite.prepare('INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, ?, ?, ?, ?)').run(id, name, type, parentId, at);
    this.append('unit', id, 'CREATE_UNIT', 'none', 'active', { name, type, parentId }, SYSTEM, at);
    return id;
  }

  user(name: string, role: string, unitId: string | null, by: Actor = SYSTEM): Actor {
    const id = this.id('user');
    const at = this.at();
    const token = `lx_${randomBytes(24).toString('hex')}`;
    const tokenHash = hashToken(token);
    this.sqlite.prepare('INSERT INTO users (id, name, role, unit_id, token_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)').run(id, name, role, unitId, tokenHash, at);
    this.append('user', id, 'CREATE_USER', 'none', 'active', { name, role, unitId, tokenFingerprint: sha256Hex(tokenHash) }, by, at);
    return { id, role, unitId, token };
  }

  round(admin: Actor): string {
    const id = this.id('round');
    const at = this.at();
    const context = { roundId: id, publication: null };
    const s = ROUND_SETTINGS_EXAMPLE;
    this.sqlite
      .prepare(
        `INSERT INTO rounds (id, year, title, document_number, submission_deadline, revision_deadline, final_acceptance_date, funding_first, funding_second,
           funding_third, funding_qualified, min_reviews, score_min, score_max, require_signed_letter, state, context, machine_id, machine_version,
           project_machine_version, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, 'round', 1, 1, 1, ?, NULL)`,
      )
      .run(
        id,
        s.year,
        s.title,
        s.documentNumber,
        s.submissionDeadline,
        s.revisionDeadline,
        s.finalAcceptanceDate,
        s.fundingFirst,
        s.fundingSecond,
        s.fundingThird,
        s.fundingQualified,
        s.minReviews,
        s.scoreMin,
        s.scoreMax,
        s.requireSignedLetter ? 1 : 0,
        JSON.stringify(context),
        at,
      );
    this.append(
      'round',
      id,
      'CREATE_ROUND',
      'none',
      'open',
      { settings: s, machine: { id: 'round', version: 1 }, projectMachineVersion: 1, contextSha256: jsonHash(context) },
      admin,
      at,
    );
    return id;
  }

  /** A transition of the round's machine; its context gains `note` so that its hash moves. */
  roundEvent(roundId: string, actor: Actor, event: string, toState: string, payload: object = {}): TransitionLogRow {
    const row = this.sqlite.prepare<[string], { state: string; context: string; version: number }>('SELECT state, context, version FROM rounds WHERE id = ?').get(roundId)!;
    const at = this.at();
    const context = { ...(JSON.parse(row.context) as object), lastEvent: event };
    const entry = this.append('round', roundId, event, row.state, toState, { ...payload, contextSha256: jsonHash(context) }, actor, at, { id: 'round', version: 1 });
    this.sqlite.prepare('UPDATE rounds SET state = ?, context = ?, version = version + 1, updated_at = ? WHERE id = ?').run(toState, JSON.stringify(context), at, roundId);
    return entry;
  }

  /** The round's projects moved to project@2: a MIGRATE entry on the round, its state unchanged. */
  repinRound(roundId: string, admin: Actor): void {
    const row = this.sqlite.prepare<[string], { state: string }>('SELECT state FROM rounds WHERE id = ?').get(roundId)!;
    const at = this.at();
    this.append('round', roundId, 'MIGRATE', row.state, row.state, { projectMachine: { from: 'project@1', to: 'project@2' }, reason: '新版流程' }, admin, at, {
      id: 'round',
      version: 1,
    });
    this.sqlite.prepare('UPDATE rounds SET project_machine_version = 2, version = version + 1, updated_at = ? WHERE id = ?').run(at, roundId);
  }

  project(roundId: string, applicant: Actor, title: string): string {
    const id = this.id('project');
    const at = this.at();
    const letter = { overview: '项目概述' };
    const context = { projectId: id, unitId: applicant.unitId, submissions: 0, grade: null, funding: null, recommended: false };
    this.sqlite
      .prepare(
        `INSERT INTO projects (id, round_id, unit_id, category, direction, title, letter, state, context, machine_id, machine_version, version, grade, funding,
           created_by, created_at, updated_at)
         VALUES (?, ?, ?, 'fortress', '组织体系建设', ?, ?, 'draft', ?, 'project', 1, 1, NULL, NULL, ?, ?, ?)`,
      )
      .run(id, roundId, applicant.unitId, title, JSON.stringify(letter), JSON.stringify(context), applicant.id, at, at);
    this.append(
      'project',
      id,
      'CREATE_PROJECT',
      'none',
      'draft',
      {
        roundId,
        unitId: applicant.unitId,
        category: 'fortress',
        direction: '组织体系建设',
        title,
        letterSha256: jsonHash(letter),
        letterRevision: 1,
        machine: { id: 'project', version: 1 },
        contextSha256: jsonHash(context),
      },
      applicant,
      at,
    );
    this.saveRevision(id, 1, letter, applicant, at);
    return id;
  }

  private saveRevision(projectId: string, revision: number, letter: object, by: Actor, at: string): void {
    this.sqlite
      .prepare('INSERT INTO letter_revisions (project_id, revision, letter, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)')
      .run(projectId, revision, JSON.stringify(letter), by.id, at);
  }

  editDraft(projectId: string, applicant: Actor, title: string): void {
    const row = this.sqlite.prepare<[string], { letter: string; version: number; category: string; direction: string }>('SELECT * FROM projects WHERE id = ?').get(projectId)!;
    const at = this.at();
    const letter = { ...(JSON.parse(row.letter) as object), background: '背景' };
    this.sqlite.prepare('UPDATE projects SET title = ?, letter = ?, version = version + 1, updated_at = ? WHERE id = ?').run(title, JSON.stringify(letter), at, projectId);
    this.append(
      'project',
      projectId,
      'EDIT_DRAFT',
      'draft',
      'draft',
      {
        category: row.category,
        direction: row.direction,
        title,
        letterSha256: jsonHash(letter),
        revision: row.version + 1,
        letterRevision: row.version + 1,
        changed: ['letter', 'title'],
      },
      applicant,
      at,
    );
    this.saveRevision(projectId, row.version + 1, letter, applicant, at);
  }

  /** A transition of the project's machine, written as the step writes it (grade and funding from GRADE; FAIL withholds the funding). */
  event(projectId: string, actor: Actor, event: string, toState: string, payload: Record<string, unknown> = {}): TransitionLogRow {
    const row = this.sqlite
      .prepare<[string], { state: string; context: string; grade: string | null; funding: number | null; letter: string }>('SELECT * FROM projects WHERE id = ?')
      .get(projectId)!;
    const at = this.at();
    const context = { ...(JSON.parse(row.context) as Record<string, unknown>), lastEvent: event };
    let { grade, funding } = row;
    const logged: Record<string, unknown> = { ...payload };
    if (event === 'GRADE') {
      grade = payload.grade as string;
      funding = { first: 3000, second: 2000, third: 1500, qualified: 1000 }[grade]!;
      Object.assign(context, { grade, funding });
      logged.funding = funding;
    }
    if (event === 'FAIL') {
      funding = 0;
      Object.assign(context, { funding });
    }
    if (event === 'SUBMIT') logged.letterSha256 = jsonHash(JSON.parse(row.letter));
    logged.contextSha256 = jsonHash(context);
    const entry = this.append('project', projectId, event, row.state, toState, logged, actor, at, { id: 'project', version: 1 });
    this.sqlite
      .prepare('UPDATE projects SET state = ?, context = ?, version = version + 1, grade = ?, funding = ?, updated_at = ? WHERE id = ?')
      .run(toState, JSON.stringify(context), grade, funding, at, projectId);
    if (event === 'SUBMIT_REVIEW') {
      const scores = payload.scores as Record<string, number>;
      const total = Object.values(scores).reduce((a, b) => a + b, 0);
      this.sqlite
        .prepare(
          `INSERT INTO reviews (project_id, reviewer_id, direction, innovation, practicality, breadth, exemplarity, total, comment, log_seq, created_at, updated_at)
           VALUES (@projectId, @reviewerId, @direction, @innovation, @practicality, @breadth, @exemplarity, @total, @comment, @logSeq, @at, @at)
           ON CONFLICT (project_id, reviewer_id) DO UPDATE SET direction = excluded.direction, innovation = excluded.innovation,
             practicality = excluded.practicality, breadth = excluded.breadth, exemplarity = excluded.exemplarity,
             total = excluded.total, comment = excluded.comment, log_seq = excluded.log_seq, updated_at = excluded.updated_at`,
        )
        .run({ projectId, reviewerId: actor.id, ...scores, total, comment: payload.comment, logSeq: entry.seq, at });
    }
    return entry;
  }

  assign(projectId: string, reviewer: Actor, by: Actor): void {
    const at = this.at();
    this.sqlite.prepare('INSERT INTO reviewer_assignments (project_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)').run(projectId, reviewer.id, by.id, at);
    this.append('assignment', `${projectId}/${reviewer.id}`, 'ASSIGN_REVIEWER', 'none', 'assigned', { projectId, reviewerId: reviewer.id }, by, at);
  }

  upload(projectId: string, by: Actor, content: Buffer, kind = 'final_report_document'): string {
    const id = this.id('file');
    const at = this.at();
    const sha256 = sha256Hex(content);
    const file = { projectId, kind, fileName: '结项报告.pdf', mediaType: 'application/pdf', size: content.length, sha256 };
    this.sqlite
      .prepare(
        `INSERT INTO files (id, project_id, kind, file_name, media_type, size, sha256, content, uploaded_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, projectId, kind, file.fileName, file.mediaType, file.size, sha256, content, by.id, at);
    this.append('file', id, 'UPLOAD_FILE', 'none', 'stored', file, by, at);
    return id;
  }

  /** A unit renamed and moved (AMEND_UNIT: each changed field's from and to, and the reason). */
  amendUnit(unitId: string, by: Actor, name: string, parentId: string | null, reason: string): void {
    const row = this.sqlite.prepare<[string], { name: string; parent_id: string | null }>('SELECT name, parent_id FROM units WHERE id = ?').get(unitId)!;
    const at = this.at();
    this.sqlite.prepare('UPDATE units SET name = ?, parent_id = ? WHERE id = ?').run(name, parentId, unitId);
    const changes = { name: { from: row.name, to: name }, parentId: { from: row.parent_id, to: parentId } };
    this.append('unit', unitId, 'AMEND_UNIT', 'active', 'active', { changes, reason }, by, at);
  }

  /** DEACTIVATE_UNIT / DEACTIVATE_USER: the row stays, inactive; the reason is logged. */
  deactivate(kind: 'unit' | 'user', id: string, by: Actor, reason: string): void {
    const at = this.at();
    this.sqlite.prepare(`UPDATE ${kind}s SET active = 0 WHERE id = ?`).run(id);
    this.append(kind, id, kind === 'unit' ? 'DEACTIVATE_UNIT' : 'DEACTIVATE_USER', 'active', 'inactive', { reason }, by, at);
  }

  /** ROTATE_TOKEN (the user itself) or REISSUE_TOKEN (an admin): the new token's fingerprint. */
  rotateToken(user: Actor, by: Actor): Actor {
    const at = this.at();
    const token = `lx_${randomBytes(24).toString('hex')}`;
    const tokenHash = hashToken(token);
    this.sqlite.prepare('UPDATE users SET token_hash = ? WHERE id = ?').run(tokenHash, user.id);
    const event = by.id === user.id ? 'ROTATE_TOKEN' : 'REISSUE_TOKEN';
    this.append('user', user.id, event, 'active', 'active', { tokenFingerprint: sha256Hex(tokenHash), ...(event === 'REISSUE_TOKEN' ? { reason: '令牌泄露' } : {}) }, by, at);
    return { ...user, token };
  }

  /** AMEND_ROUND: the changed settings ({ from, to }) and the reason; the round's version and updatedAt move. */
  amendRound(roundId: string, by: Actor, changes: Record<string, { column: string; from: unknown; to: unknown }>, reason: string): void {
    const row = this.sqlite.prepare<[string], { state: string }>('SELECT state FROM rounds WHERE id = ?').get(roundId)!;
    const at = this.at();
    for (const change of Object.values(changes)) {
      this.sqlite.prepare(`UPDATE rounds SET ${change.column} = ? WHERE id = ?`).run(typeof change.to === 'object' ? JSON.stringify(change.to) : change.to, roundId);
    }
    this.sqlite.prepare('UPDATE rounds SET version = version + 1, updated_at = ? WHERE id = ?').run(at, roundId);
    const logged = Object.fromEntries(Object.entries(changes).map(([field, { from, to }]) => [field, { from, to }]));
    this.append('round', roundId, 'AMEND_ROUND', row.state, row.state, { changes: logged, reason }, by, at);
  }

  /** GRANT_EXTENSION: a unit's own submission deadline in the round, with the reason. */
  grantExtension(roundId: string, unitId: string, by: Actor, submissionDeadline: string, reason: string): void {
    const at = this.at();
    this.sqlite
      .prepare(
        `INSERT INTO round_extensions (round_id, unit_id, submission_deadline, reason, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (round_id, unit_id) DO UPDATE SET submission_deadline = excluded.submission_deadline, reason = excluded.reason,
           granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(roundId, unitId, submissionDeadline, reason, by.id, at);
    this.append('extension', `${roundId}/${unitId}`, 'GRANT_EXTENSION', 'none', 'granted', { roundId, unitId, submissionDeadline, reason }, by, at);
  }

  /** NAME_PANEL: the round's panel of a kind created (or renamed). */
  namePanel(roundId: string, kind: 'review' | 'acceptance', name: string, by: Actor): void {
    const at = this.at();
    this.sqlite.prepare('INSERT INTO panels (round_id, kind, name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(roundId, kind, name, by.id, at, at);
    this.append('panel', `${roundId}/${kind}`, 'NAME_PANEL', 'none', 'named', { roundId, kind, name }, by, at);
  }

  /** ADD_PANEL_MEMBER. */
  addMember(roundId: string, kind: 'review' | 'acceptance', member: Actor, by: Actor): void {
    const at = this.at();
    this.sqlite.prepare('INSERT INTO panel_members (round_id, kind, user_id, active, added_by, added_at) VALUES (?, ?, ?, 1, ?, ?)').run(roundId, kind, member.id, by.id, at);
    this.append('panel_member', `${roundId}/${kind}/${member.id}`, 'ADD_PANEL_MEMBER', 'none', 'active', { roundId, kind, userId: member.id }, by, at);
  }

  /** REMOVE_PANEL_MEMBER, with the reason. */
  removeMember(roundId: string, kind: 'review' | 'acceptance', member: Actor, by: Actor, reason: string): void {
    const at = this.at();
    this.sqlite
      .prepare('UPDATE panel_members SET active = 0, removed_at = ?, remove_reason = ? WHERE round_id = ? AND kind = ? AND user_id = ?')
      .run(at, reason, roundId, kind, member.id);
    this.append('panel_member', `${roundId}/${kind}/${member.id}`, 'REMOVE_PANEL_MEMBER', 'active', 'removed', { roundId, kind, userId: member.id, reason }, by, at);
  }

  /** REPLACE_REVIEWER on the old assignment, then the replacement's ASSIGN_REVIEWER (naming whom it replaces). */
  replaceReviewer(projectId: string, old: Actor, replacement: Actor, by: Actor, reason: string): void {
    const at = this.at();
    this.sqlite
      .prepare(`UPDATE reviewer_assignments SET state = 'replaced', replaced_by = ?, replaced_at = ?, replace_reason = ? WHERE project_id = ? AND reviewer_id = ?`)
      .run(replacement.id, at, reason, projectId, old.id);
    this.append(
      'assignment',
      `${projectId}/${old.id}`,
      'REPLACE_REVIEWER',
      'assigned',
      'replaced',
      { projectId, reviewerId: old.id, replacementId: replacement.id, reason },
      by,
      at,
    );
    this.sqlite.prepare('INSERT INTO reviewer_assignments (project_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)').run(projectId, replacement.id, by.id, at);
    this.append('assignment', `${projectId}/${replacement.id}`, 'ASSIGN_REVIEWER', 'none', 'assigned', { projectId, reviewerId: replacement.id, replaces: old.id }, by, at);
  }

  /** ASSIGN_ACCEPTANCE_REVIEWER: a member of the acceptance panel assigned to the project's final report (naming whom it replaces, if any). */
  assignAcceptance(projectId: string, reviewer: Actor, by: Actor, replaces?: Actor): void {
    const at = this.at();
    this.sqlite.prepare('INSERT INTO acceptance_assignments (project_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)').run(projectId, reviewer.id, by.id, at);
    const payload = { projectId, reviewerId: reviewer.id, ...(replaces ? { replaces: replaces.id } : {}) };
    this.append('acceptance_assignment', `${projectId}/${reviewer.id}`, 'ASSIGN_ACCEPTANCE_REVIEWER', 'none', 'assigned', payload, by, at);
  }

  /** REPLACE_ACCEPTANCE_REVIEWER on the old acceptance assignment, then the replacement's ASSIGN_ACCEPTANCE_REVIEWER (naming whom it replaces). */
  replaceAcceptanceReviewer(projectId: string, old: Actor, replacement: Actor, by: Actor, reason: string): void {
    const at = this.at();
    this.sqlite
      .prepare(`UPDATE acceptance_assignments SET state = 'replaced', replaced_by = ?, replaced_at = ?, replace_reason = ? WHERE project_id = ? AND reviewer_id = ?`)
      .run(replacement.id, at, reason, projectId, old.id);
    this.append(
      'acceptance_assignment',
      `${projectId}/${old.id}`,
      'REPLACE_ACCEPTANCE_REVIEWER',
      'assigned',
      'replaced',
      { projectId, reviewerId: old.id, replacementId: replacement.id, reason },
      by,
      at,
    );
    this.assignAcceptance(projectId, replacement, by, old);
  }

  /** SET_CALENDAR: a year of the working-day calendar set (version one up). */
  setCalendar(year: number, by: Actor, holidays: string[], workdays: string[]): void {
    const at = this.at();
    const previous = this.sqlite.prepare('SELECT version FROM calendar_years WHERE year = ?').get(year) as { version: number } | undefined;
    const version = (previous?.version ?? 0) + 1;
    this.sqlite
      .prepare(
        `INSERT INTO calendar_years (year, holidays, workdays, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (year) DO UPDATE SET holidays = excluded.holidays, workdays = excluded.workdays, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run(year, JSON.stringify(holidays), JSON.stringify(workdays), version, by.id, at);
    this.append('calendar', String(year), 'SET_CALENDAR', previous ? 'set' : 'none', 'set', { year, holidays, workdays, changes: {} }, by, at);
  }

  /** UPLOAD_ROUND_DOCUMENT: the round's signed approved list. */
  uploadRoundDocument(roundId: string, by: Actor, content: Buffer): string {
    const id = this.id('document');
    const at = this.at();
    const sha256 = sha256Hex(content);
    const document = { roundId, kind: 'approved_list', fileName: '立项名单（盖章）.pdf', mediaType: 'application/pdf', size: content.length, sha256 };
    this.sqlite
      .prepare(
        `INSERT INTO round_documents (id, round_id, kind, file_name, media_type, size, sha256, content, uploaded_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, roundId, document.kind, document.fileName, document.mediaType, document.size, sha256, content, by.id, at);
    this.append('round_document', id, 'UPLOAD_ROUND_DOCUMENT', 'none', 'stored', document, by, at);
    return id;
  }

  /** A row the log first records by adopting it (a database from before record entries). */
  adoptUnit(name: string): string {
    const id = this.id('unit');
    const createdAt = '2025-12-01T00:00:00.000Z';
    this.sqlite.prepare('INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, ?, ?, NULL, ?)').run(id, name, 'organ_committee', createdAt);
    const row = this.sqlite.prepare('SELECT id, name, type, parent_id AS parentId, created_at AS createdAt FROM units WHERE id = ?').get(id) as Record<string, unknown>;
    this.append('unit', id, 'ADOPT', 'none', 'active', { row: projectRow('units', row) }, SYSTEM, this.at());
    return id;
  }
}

export interface Recorded {
  world: RecordedWorld;
  admin: Actor;
  auditor: Actor;
  orgDept: Actor;
  committee: Actor;
  applicant: Actor;
  reviewer: Actor;
  otherReviewer: Actor;
  units: { organ: string; branch: string; adopted: string; general: string; moved: string };
  /** Replaced on the graded project's panel before scoring; removed from the panel. */
  droppedReviewer: Actor;
  roundId: string;
  /** Graded (second, 2,000 yuan), reviewed twice by one reviewer and once by another, with a file. */
  graded: string;
  /** Failed at final acceptance: funding withheld. */
  failed: string;
  /** Still a draft, edited once. */
  draft: string;
  fileId: string;
}

/**
 * Every kind of act, recorded: units (one adopted, one moved, one deactivated), users (one
 * deactivated, one token rotated then reissued), a round amended before it opens and after, with
 * an extension and a named panel, through two events and a re-pin; three projects with their letter
 * revisions, assignments (one replaced), reviews, a file; a year of the working-day calendar set twice
 * and the round's signed approved list.
 */
export function recordWorld(sqlite: Database.Database): Recorded {
  const world = new RecordedWorld(sqlite);
  const organ = world.unit('机关党委', 'organ_committee', null);
  const branch = world.unit('第一党支部', 'branch', organ);
  const adopted = world.adoptUnit('离退休党委');
  const admin = world.user('管理员', 'admin', null);
  const auditor = world.user('审计', 'auditor', null, admin);
  const orgDept = world.user('组织部', 'org_dept', organ, admin);
  const committee = world.user('党委', 'committee', organ, admin);
  const applicant = world.user('申报人', 'applicant', branch, admin);
  const reviewer = world.user('评审甲', 'reviewer', null, admin);
  const otherReviewer = world.user('评审乙', 'reviewer', null, admin);
  const general = world.unit('作曲系党总支', 'general_branch', null);
  const moved = world.unit('作曲系教工党支部', 'branch', organ);
  world.amendUnit(moved, admin, '作曲系教工党支部', general, '隶属关系更正');
  const closedUnit = world.unit('已撤销党支部', 'branch', general);
  world.deactivate('unit', closedUnit, admin, '党支部撤销');
  const droppedReviewer = world.user('评审丙', 'reviewer', null, admin);
  const leaver = world.user('离职人员', 'applicant', branch, admin);
  world.deactivate('user', leaver.id, admin, '调离');
  const rotated = world.rotateToken(orgDept, orgDept);
  world.rotateToken(rotated, admin);
  const roundId = world.round(admin);
  world.amendRound(roundId, admin, { title: { column: 'title', from: ROUND_SETTINGS_EXAMPLE.title, to: '2026 年度党建工作项目' } }, '标题更正');
  world.amendRound(roundId, admin, { contacts: { column: 'contacts', from: [], to: [{ name: '邹老师', phone: '15802424480' }] } }, '补充联系人');
  world.grantExtension(roundId, branch, orgDept, '2026-05-08', '支部换届，延期一周');
  world.namePanel(roundId, 'review', '2026 年度评审组', orgDept);
  for (const member of [reviewer, otherReviewer, droppedReviewer]) world.addMember(roundId, 'review', member, orgDept);

  const graded = world.project(roundId, applicant, '红色引擎');
  const failed = world.project(roundId, applicant, '先锋工程');
  const draft = world.project(roundId, applicant, '初稿');
  world.editDraft(draft, applicant, '二稿');
  for (const id of [graded, failed]) {
    world.event(id, applicant, 'SUBMIT', 'submitted');
    world.event(id, orgDept, 'PASS_PRELIMINARY_CHECK', 'preliminarily_checked');
  }
  world.roundEvent(roundId, orgDept, 'CLOSE_SUBMISSIONS', 'submissions_closed');
  world.assign(graded, reviewer, orgDept);
  world.assign(graded, droppedReviewer, orgDept);
  world.replaceReviewer(graded, droppedReviewer, otherReviewer, orgDept, '评审人出差，无法按期评分');
  world.removeMember(roundId, 'review', droppedReviewer, orgDept, '无法参加本批次评审');
  world.assign(failed, reviewer, orgDept);
  world.event(graded, reviewer, 'SUBMIT_REVIEW', 'preliminarily_checked', {
    scores: { direction: 15, innovation: 14, practicality: 13, breadth: 12, exemplarity: 11 },
    comment: '初评',
  });
  world.event(graded, reviewer, 'SUBMIT_REVIEW', 'preliminarily_checked', {
    scores: { direction: 18, innovation: 17, practicality: 16, breadth: 15, exemplarity: 14 },
    comment: '复评',
  });
  world.event(graded, otherReviewer, 'SUBMIT_REVIEW', 'preliminarily_checked', {
    scores: { direction: 10, innovation: 10, practicality: 10, breadth: 10, exemplarity: 10 },
    comment: '一般',
  });
  world.event(failed, reviewer, 'SUBMIT_REVIEW', 'preliminarily_checked', {
    scores: { direction: 9, innovation: 9, practicality: 9, breadth: 9, exemplarity: 9 },
    comment: '较弱',
  });
  world.roundEvent(roundId, orgDept, 'START_REVIEW', 'under_review');
  world.amendRound(
    roundId,
    orgDept,
    {
      finalAcceptanceDate: { column: 'final_acceptance_date', from: '2026-11-30', to: '2026-12-15' },
      acceptanceOpensOn: { column: 'acceptance_opens_on', from: null, to: '2026-11-30' },
    },
    '结项材料较多，验收日期顺延；验收仍自原定日期开放',
  );
  for (const id of [graded, failed]) {
    world.event(id, orgDept, 'COMPLETE_PANEL_REVIEW', 'panel_reviewed');
    world.event(id, committee, 'APPROVE', 'committee_approved', { meetingReference: '党委会 2026-5' });
    world.event(id, orgDept, 'START', 'in_progress');
  }
  const fileId = world.upload(graded, applicant, Buffer.from('%PDF-1.4 结项报告'));
  world.event(graded, applicant, 'SUBMIT_FINAL_REPORT', 'final_acceptance', { summary: '完成', documents: [{ fileId, sha256: sha256Hex(Buffer.from('%PDF-1.4 结项报告')) }] });
  world.event(failed, applicant, 'SUBMIT_FINAL_REPORT', 'final_acceptance', { summary: '未完成' });
  world.assignAcceptance(graded, reviewer, orgDept);
  world.assignAcceptance(graded, droppedReviewer, orgDept);
  world.replaceAcceptanceReviewer(graded, droppedReviewer, otherReviewer, orgDept, '结项评审人长期出差，无法按期评分');
  world.event(graded, orgDept, 'GRADE', 'graded', { grade: 'second' });
  world.event(failed, orgDept, 'FAIL', 'failed', { reason: '未完成预期成果' });
  world.repinRound(roundId, admin);
  world.setCalendar(2026, orgDept, ['2026-10-01', '2026-10-02'], []);
  world.setCalendar(2026, orgDept, ['2026-10-01', '2026-10-02', '2026-10-05'], ['2026-10-10']);
  world.uploadRoundDocument(roundId, orgDept, Buffer.from('%PDF-1.4 立项名单 %%EOF'));
  return {
    world,
    admin,
    auditor,
    orgDept: rotated,
    committee,
    applicant,
    reviewer,
    otherReviewer,
    droppedReviewer,
    units: { organ, branch, adopted, general, moved },
    roundId,
    graded,
    failed,
    draft,
    fileId,
  };
}
