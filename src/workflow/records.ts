/**
 * Record entries: the acts that change an audited table without being a machine's transition
 * (creating a unit, a user, a round, a project; a draft edit; a reviewer assignment; an upload),
 * each appended to the transition log in the same transaction as its write, under the pseudo
 * machine `record@1`. Their payloads hold the facts the row is rebuilt from, so that replaying
 * the log yields the audited tables. Also: the upgrade adoption (one ADOPT entry per row of a
 * database written before record entries existed) and the audited projection of a row.
 */
import type Database from 'better-sqlite3';
import type { Label } from '../../machines/vocabulary.js';
import type { Principal } from '../auth/principal.js';
import { SUBJECT_KINDS, type SubjectKind, type TransitionLogRow } from '../db/schema.js';
import { canonicalJson } from './hash-chain.js';
import type { TransitionLogRepository } from './transition-log.repository.js';
import { RECORD_MACHINE, ROUND_SETTINGS, projectRow, sha256Hex, type AuditedTable } from '../audit/table-rules.js';

/** The machine id of record entries: one name with the replay rules (src/audit/tables-replay.mjs). */
export { RECORD_MACHINE };
export const RECORD_MACHINE_VERSION = 1;

/** The events of record entries. */
export const RECORD_EVENTS = [
  'CREATE_UNIT',
  'CREATE_USER',
  'CREATE_ROUND',
  'CREATE_PROJECT',
  'EDIT_DRAFT',
  'ASSIGN_REVIEWER',
  'UPLOAD_FILE',
  'ADOPT',
  'ACKNOWLEDGE_HEAD',
  'AMEND_UNIT',
  'DEACTIVATE_UNIT',
  'REACTIVATE_UNIT',
  'DELETE_UNIT',
  'AMEND_USER',
  'DEACTIVATE_USER',
  'REACTIVATE_USER',
  'ROTATE_TOKEN',
  'REISSUE_TOKEN',
  'SET_PASSWORD',
  'CHANGE_PASSWORD',
  'LOG_IN',
  'LOG_OUT',
  'END_SESSION',
  'AMEND_ROUND',
  'GRANT_EXTENSION',
  'REVOKE_EXTENSION',
  'NAME_PANEL',
  'ADD_PANEL_MEMBER',
  'REMOVE_PANEL_MEMBER',
  'REPLACE_REVIEWER',
  'SET_CALENDAR',
  'UPLOAD_ROUND_DOCUMENT',
  'ASSIGN_ACCEPTANCE_REVIEWER',
  'REPLACE_ACCEPTANCE_REVIEWER',
] as const;
export type RecordEvent = (typeof RECORD_EVENTS)[number];

export const RECORD_EVENT_LABELS: Record<RecordEvent, Label> = {
  CREATE_UNIT: { zh: '新建党组织', en: 'Unit created' },
  CREATE_USER: { zh: '新建用户', en: 'User created' },
  CREATE_ROUND: { zh: '新建立项批次', en: 'Round created' },
  CREATE_PROJECT: { zh: '新建项目', en: 'Project created' },
  EDIT_DRAFT: { zh: '修改草稿', en: 'Draft edited' },
  ASSIGN_REVIEWER: { zh: '分配评审人', en: 'Reviewer assigned' },
  UPLOAD_FILE: { zh: '上传文件', en: 'File uploaded' },
  ADOPT: { zh: '升级时纳入日志', en: 'Adopted into the log at an upgrade' },
  ACKNOWLEDGE_HEAD: { zh: '确认日志头', en: 'Log head acknowledged' },
  AMEND_UNIT: { zh: '修改党组织', en: 'Unit amended' },
  DEACTIVATE_UNIT: { zh: '停用党组织', en: 'Unit deactivated' },
  REACTIVATE_UNIT: { zh: '恢复党组织', en: 'Unit reactivated' },
  DELETE_UNIT: { zh: '删除党组织（未被引用）', en: 'Unit deleted (never referenced)' },
  AMEND_USER: { zh: '修改用户', en: 'User amended' },
  DEACTIVATE_USER: { zh: '停用用户', en: 'User deactivated' },
  REACTIVATE_USER: { zh: '恢复用户', en: 'User reactivated' },
  ROTATE_TOKEN: { zh: '更换令牌', en: 'Token rotated' },
  REISSUE_TOKEN: { zh: '管理员重发令牌', en: 'Token reissued by an admin' },
  SET_PASSWORD: { zh: '管理员设置初始密码', en: 'Initial password set by an admin' },
  CHANGE_PASSWORD: { zh: '修改密码', en: 'Password changed' },
  LOG_IN: { zh: '登录', en: 'Logged in' },
  LOG_OUT: { zh: '退出登录', en: 'Logged out' },
  END_SESSION: { zh: '注销登录会话', en: 'Session revoked' },
  AMEND_ROUND: { zh: '修改批次设置', en: 'Round settings amended' },
  GRANT_EXTENSION: { zh: '准予延期申报', en: 'Submission extension granted' },
  REVOKE_EXTENSION: { zh: '撤销延期', en: 'Submission extension revoked' },
  NAME_PANEL: { zh: '组建或更名评审组', en: 'Panel named' },
  ADD_PANEL_MEMBER: { zh: '加入评审组', en: 'Panel member added' },
  REMOVE_PANEL_MEMBER: { zh: '移出评审组', en: 'Panel member removed' },
  REPLACE_REVIEWER: { zh: '更换评审人', en: 'Reviewer replaced' },
  SET_CALENDAR: { zh: '设置工作日历（节假日与调休）', en: 'Working-day calendar set (holidays and adjusted working days)' },
  UPLOAD_ROUND_DOCUMENT: { zh: '上传批次文件（盖章立项名单）', en: 'Round document uploaded (the signed approved list)' },
  ASSIGN_ACCEPTANCE_REVIEWER: { zh: '分配结项评审人', en: 'Acceptance reviewer assigned' },
  REPLACE_ACCEPTANCE_REVIEWER: { zh: '更换结项评审人', en: 'Acceptance reviewer replaced' },
};

/**
 * The states of record entries' subjects: `none` before the act, `active` (a unit, a user),
 * `inactive` (deactivated), `deleted` (an unreferenced unit), `assigned` / `replaced` (an
 * assignment), `stored` (a file), `granted` / `revoked` (an extension), `named` (a panel), `active` /
 * `removed` (a panel member), `set` (a year of the working-day calendar);
 * the log's own head goes from `refused` to `acknowledged` (`lixiang audit acknowledge`).
 */
export const RECORD_STATES = [
  'none',
  'active',
  'inactive',
  'assigned',
  'replaced',
  'stored',
  'refused',
  'acknowledged',
  'deleted',
  'granted',
  'revoked',
  'named',
  'removed',
  'set',
] as const;

/** Who did it, as the entry names it: a principal, or the service itself. */
export type RecordActor = Pick<Principal, 'id' | 'unitId'> & { role: string };

/** The service's own acts: the bootstrap administrator, the upgrade adoption, the demo builder. */
export const SYSTEM_ACTOR: RecordActor = { id: 'system', role: 'system', unitId: null };

/** Who acts and under which request id (the HTTP request's, or `system:<purpose>`). */
export interface Act {
  actor: RecordActor;
  requestId: string;
}

/** The operator at the command line (`lixiang users create`, `lixiang machines migrate`). */
export const CLI_ACTOR: RecordActor = { id: 'cli', role: 'admin', unitId: null };

export const systemAct = (purpose: string): Act => ({ actor: SYSTEM_ACTOR, requestId: `system:${purpose}` });

export interface RecordEntry {
  subjectKind: SubjectKind;
  subjectId: string;
  event: RecordEvent;
  /** Default `none`: the act created the subject. */
  fromState?: string;
  toState: string;
  payload: Record<string, unknown>;
  /** The same ISO string the row's createdAt/updatedAt/assignedAt holds. */
  at: string;
}

/** Appends one record entry; call it inside the transaction that writes the row. */
export function appendRecord(log: TransitionLogRepository, act: Act, entry: RecordEntry): TransitionLogRow {
  return log.append({
    subjectKind: entry.subjectKind,
    subjectId: entry.subjectId,
    event: entry.event,
    fromState: entry.fromState ?? 'none',
    toState: entry.toState,
    payload: canonicalJson(entry.payload),
    actorId: act.actor.id,
    actorRole: act.actor.role,
    actorUnitId: act.actor.unitId,
    at: entry.at,
    requestId: act.requestId,
    machineId: RECORD_MACHINE,
    machineVersion: RECORD_MACHINE_VERSION,
  });
}

/** The letter's hash: SHA-256 of its canonical JSON. */
export const letterSha256 = (letter: unknown): string => sha256Hex(canonicalJson(letter));

/** A persisted machine context's hash: SHA-256 of its canonical JSON. */
export const contextSha256 = (context: unknown): string => sha256Hex(canonicalJson(context));

/** What the log says of a token: the SHA-256 of the stored token hash's text (never the token, nor its hash). */
export const tokenFingerprint = (tokenHash: string): string => sha256Hex(tokenHash);

/** A review comment's hash: SHA-256 of its UTF-8 text. */
export const commentSha256 = (comment: string): string => sha256Hex(comment);

/** An assignment's subject id. */
export const assignmentSubjectId = (projectId: string, reviewerId: string): string => `${projectId}/${reviewerId}`;

/** The ASSIGN_REVIEWER entry of one assignment (assignedBy is the actor, assignedAt the entry's time). */
export function recordAssignment(log: TransitionLogRepository, act: Act, projectId: string, reviewerId: string, assignedAt: string): TransitionLogRow {
  return appendRecord(log, act, {
    subjectKind: 'assignment',
    subjectId: assignmentSubjectId(projectId, reviewerId),
    event: 'ASSIGN_REVIEWER',
    toState: 'assigned',
    payload: { projectId, reviewerId },
    at: assignedAt,
  });
}

// ---------------------------------------------------------------------------------------------
// The audited projection of a stored row

export type { AuditedTable };

type Row = Record<string, unknown>;

/** A boolean column as Drizzle gives it or as SQLite does (0/1). */
const bool = (value: unknown): boolean => value === true || value === 1;
const pick = (row: Row, fields: readonly string[]): Row => Object.fromEntries(fields.map((f) => [f, row[f] ?? null]));

/** A round's settings as a plain object (requireSignedLetter a boolean). */
export function roundSettings(row: Row): Row {
  return { ...pick(row, ROUND_SETTINGS), requireSignedLetter: bool(row.requireSignedLetter) };
}

/**
 * The audited projection of a stored row (camelCase keys, as Drizzle reads it; JSON columns parsed
 * or as text, booleans as booleans or 0/1): the plain JSON facts the log must account for. Hashes
 * stand in for the letter, the machine context, the review comment, the token hash and the file's
 * bytes (recomputed from `content`).
 */
export function auditedProjection(table: AuditedTable, row: Row): Row {
  return projectRow(table, row);
}

// ---------------------------------------------------------------------------------------------
// The upgrade adoption

interface Adoptable {
  table: Exclude<AuditedTable, 'reviews'>;
  kind: SubjectKind;
  /** The keys, in key order, read before any row (a statement being iterated keeps the connection busy); raw: one array per key. */
  keys: string;
  /** One row by its key's columns, camelCase. */
  row: string;
  subjectId(row: Row): string;
  state(row: Row): string;
}

const ADOPTABLE: Adoptable[] = [
  {
    table: 'units',
    kind: 'unit',
    keys: 'SELECT id FROM units ORDER BY id',
    row: 'SELECT id, name, type, parent_id AS parentId, active, created_at AS createdAt FROM units WHERE id = ?',
    subjectId: (r) => String(r.id),
    state: (r) => (bool(r.active) ? 'active' : 'inactive'),
  },
  {
    table: 'users',
    kind: 'user',
    keys: 'SELECT id FROM users ORDER BY id',
    row: 'SELECT id, name, role, unit_id AS unitId, token_hash AS tokenHash, active, created_at AS createdAt FROM users WHERE id = ?',
    subjectId: (r) => String(r.id),
    state: (r) => (bool(r.active) ? 'active' : 'inactive'),
  },
  {
    table: 'rounds',
    kind: 'round',
    keys: 'SELECT id FROM rounds ORDER BY id',
    row: `SELECT id, year, title, document_number AS documentNumber, submission_deadline AS submissionDeadline, revision_deadline AS revisionDeadline,
            final_acceptance_date AS finalAcceptanceDate, acceptance_opens_on AS acceptanceOpensOn, funding_first AS fundingFirst, funding_second AS fundingSecond, funding_third AS fundingThird,
            funding_qualified AS fundingQualified, min_reviews AS minReviews, score_min AS scoreMin, score_max AS scoreMax,
            require_signed_letter AS requireSignedLetter, conflict_scope AS conflictScope, contacts, acceptance_criteria AS acceptanceCriteria,
            min_acceptance_reviews AS minAcceptanceReviews, prize_caps AS prizeCaps, recommendable_grades AS recommendableGrades, publicity_working_days AS publicityWorkingDays, state, context, machine_id AS machineId, machine_version AS machineVersion,
            project_machine_version AS projectMachineVersion, version, created_at AS createdAt, updated_at AS updatedAt
          FROM rounds WHERE id = ?`,
    subjectId: (r) => String(r.id),
    state: (r) => String(r.state),
  },
  {
    table: 'projects',
    kind: 'project',
    keys: 'SELECT id FROM projects ORDER BY id',
    row: `SELECT id, round_id AS roundId, unit_id AS unitId, category, direction, title, letter, state, context, machine_id AS machineId,
            machine_version AS machineVersion, version, grade, funding, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt
          FROM projects WHERE id = ?`,
    subjectId: (r) => String(r.id),
    state: (r) => String(r.state),
  },
  {
    table: 'reviewer_assignments',
    kind: 'assignment',
    keys: 'SELECT project_id, reviewer_id FROM reviewer_assignments ORDER BY project_id, reviewer_id',
    row: `SELECT project_id AS projectId, reviewer_id AS reviewerId, assigned_by AS assignedBy, assigned_at AS assignedAt, state,
            replaced_by AS replacedBy, replaced_at AS replacedAt, replace_reason AS replaceReason
          FROM reviewer_assignments WHERE project_id = ? AND reviewer_id = ?`,
    subjectId: (r) => assignmentSubjectId(String(r.projectId), String(r.reviewerId)),
    state: () => 'assigned',
  },
  {
    table: 'files',
    kind: 'file',
    keys: 'SELECT id FROM files ORDER BY id',
    row: `SELECT id, project_id AS projectId, kind, file_name AS fileName, media_type AS mediaType, size, sha256, content, uploaded_by AS uploadedBy,
            created_at AS createdAt FROM files WHERE id = ?`,
    subjectId: (r) => String(r.id),
    state: () => 'stored',
  },
];

/** Whether the log has no record entry while an audited table has a row: a database from before record entries. */
export function needsAdoption(sqlite: Database.Database): boolean {
  // Runs at every start. Subjects without a machine have only record entries: a probe of the
  // (kind, id, seq) index answers at once for any database that has users; the scan by machine id,
  // which walks the whole log when it has no record entry, is left for the rest.
  const recordOnlyKinds = SUBJECT_KINDS.filter((kind) => kind !== 'project' && kind !== 'round');
  const probe = sqlite.prepare(`SELECT 1 FROM transition_log WHERE subject_kind IN (${recordOnlyKinds.map(() => '?').join(', ')}) LIMIT 1`);
  if (probe.get(...recordOnlyKinds)) return false;
  if (sqlite.prepare(`SELECT 1 FROM transition_log WHERE machine_id = ? LIMIT 1`).get(RECORD_MACHINE)) return false;
  return ADOPTABLE.some(({ table }) => sqlite.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined);
}

/**
 * The upgrade adoption, inside the caller's transaction: when the log holds no record entry and an
 * audited table holds rows, one ADOPT entry per row (units, users, rounds, projects, assignments,
 * files; each by key), by the service itself, whose payload is the row's audited projection.
 * Afterwards there are record entries, so it never runs again; a fresh database has nothing to
 * adopt. Reviews are not adopted: they are replayed from SUBMIT_REVIEW entries. Answers how many
 * rows were adopted.
 */
export function adoptUnrecorded(sqlite: Database.Database, log: TransitionLogRepository, at: string): number {
  if (!needsAdoption(sqlite)) return 0;
  const act = systemAct('adopt');
  let adopted = 0;
  for (const source of ADOPTABLE) {
    const keys = sqlite.prepare<[], string[]>(source.keys).raw().all();
    const one = sqlite.prepare<string[], Row>(source.row);
    for (const key of keys) {
      const row = one.get(...key);
      if (!row) throw new Error(`${source.table} ${key.join('/')} vanished during the adoption`);
      appendRecord(log, act, {
        subjectKind: source.kind,
        subjectId: source.subjectId(row),
        event: 'ADOPT',
        toState: source.state(row),
        payload: { row: auditedProjection(source.table, row) },
        at,
      });
      adopted += 1;
    }
  }
  return adopted;
}
