/**
 * lixiang: the tables the log proves. One file, Node.js 18 or newer, its standard library only; the
 * service imports it, and the audit bundle carries it beside verify.mjs, so the online and the
 * offline verification rebuild the tables by the very same rules.
 *
 *   projectRow(table, row)   the audited projection of a stored row: the columns the API reports
 *                            from, with large or secret values replaced by their SHA-256 (the
 *                            letter, the context, the comment, the token hash, the file's bytes)
 *   new TablesReplayer()     fed every log entry in sequence order, holds one projection per
 *                            subject: the rows the log implies
 *   new TableComparison()    fed the stored projections table by table (any number of rows, one at
 *                            a time), names each divergence { table, key, field, logged, stored }
 *   compareTables(l, s)      both at once, for projections held in memory
 *
 * The replay's rules, by subject kind (subjectKind of the entry):
 *   unit, user, assignment, file   CREATE_UNIT, CREATE_USER, ASSIGN_REVIEWER, UPLOAD_FILE create the
 *                                  row from the payload, the entry's actor and time. AMEND_UNIT and
 *                                  AMEND_USER set each field of payload.changes to its `to`;
 *                                  DEACTIVATE_* / REACTIVATE_* set active; DELETE_UNIT removes the
 *                                  row; ROTATE_TOKEN / REISSUE_TOKEN set the token's fingerprint;
 *                                  REPLACE_REVIEWER marks the assignment replaced (by, at, reason)
 *   extension                      GRANT_EXTENSION writes the unit's deadline in the round (key
 *                                  round/unit) with its reason, actor and time; REVOKE_EXTENSION
 *                                  removes it
 *   calendar                       SET_CALENDAR writes the year's row (key the year): holidays and
 *                                  workdays from the payload, version one up (1 when new), the
 *                                  actor and time as updatedBy / updatedAt
 *   round_document                 UPLOAD_ROUND_DOCUMENT creates the row as UPLOAD_FILE does, with
 *                                  the round instead of the project
 *   panel, panel_member            NAME_PANEL creates the panel (key round/kind) or renames it;
 *                                  ADD_PANEL_MEMBER (key round/kind/user) makes the member active,
 *                                  REMOVE_PANEL_MEMBER inactive with removedAt and the reason
 *   project                        CREATE_PROJECT: version 1, createdAt = updatedAt = at, createdBy =
 *                                  the actor. Every later entry (an event of its machine,
 *                                  EDIT_DRAFT, MIGRATE): version + 1, updatedAt = at, state =
 *                                  toState, the machine the entry ran under (record entries keep
 *                                  it), contextSha256 from the payload when it carries one. GRADE:
 *                                  grade and funding from the payload; FAIL withholds the funding
 *                                  (0, unless the payload says otherwise). CREATE_PROJECT and
 *                                  EDIT_DRAFT with payload.letterRevision also write that revision of
 *                                  the letter (key project/revision). SUBMIT_REVIEW also
 *                                  writes the reviewer's review (key project/reviewer): scores,
 *                                  total = their sum, commentSha256, logSeq = seq, createdAt =
 *                                  the first, updatedAt = the latest. SUBMIT_ACCEPTANCE_REVIEW
 *                                  likewise writes the acceptance review (key project/reviewer):
 *                                  scores as given, total = their sum, commentSha256, logSeq, times
 *   acceptance_assignment          ASSIGN_ACCEPTANCE_REVIEWER creates the acceptance assignment (key
 *                                  project/reviewer) from the payload, the entry's actor and time;
 *                                  REPLACE_ACCEPTANCE_REVIEWER marks it replaced (by, at, reason)
 *   round                          CREATE_ROUND: version 1, createdAt = at, updatedAt null (a round
 *                                  is created without one). Every later entry: as for a project; a
 *                                  MIGRATE of the round's projects (payload.projectMachine) moves
 *                                  projectMachineVersion to its `to`; AMEND_ROUND sets each setting
 *                                  of payload.changes to its `to`. Settings added later
 *                                  (conflictScope, contacts, acceptanceOpensOn: null, the acceptance
 *                                  settings, publicityWorkingDays: 5) take their
 *                                  defaults when an older CREATE_ROUND or ADOPT leaves them out
 *   any                            ADOPT: the projection is payload.row, as the row stood when the
 *                                  service first recorded it
 * An entry about a subject the log never created starts from a projection whose facts are all
 * null: every fact the entry does not give is then named as a divergence.
 */
import crypto, { createHash } from 'node:crypto';

/** The audited tables, in the order they are compared and exported. */
export const AUDITED_TABLES = [
  'units',
  'users',
  'rounds',
  'projects',
  'reviewer_assignments',
  'reviews',
  'files',
  'round_extensions',
  'panels',
  'panel_members',
  'letter_revisions',
  'calendar_years',
  'round_documents',
  'acceptance_assignments',
  'acceptance_reviews',
];

/** The settings of a round, columns fixed at its creation. */
export const ROUND_SETTINGS = [
  'year',
  'title',
  'documentNumber',
  'submissionDeadline',
  'revisionDeadline',
  'finalAcceptanceDate',
  'acceptanceOpensOn',
  'fundingFirst',
  'fundingSecond',
  'fundingThird',
  'fundingQualified',
  'minReviews',
  'scoreMin',
  'scoreMax',
  'requireSignedLetter',
  'conflictScope',
  'contacts',
  'acceptanceCriteria',
  'minAcceptanceReviews',
  'prizeCaps',
  'recommendableGrades',
  'publicityWorkingDays',
];

/** The round settings stored as JSON (arrays and objects). */
const JSON_ROUND_SETTINGS = new Set(['contacts', 'acceptanceCriteria', 'prizeCaps', 'recommendableGrades']);

/** The acceptance criteria of a round that names none: the notice's three (the migration's column default, src/db/schema.ts). */
export const DEFAULT_ACCEPTANCE_CRITERIA = [
  { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
  { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
  { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
];

/** The settings a round created before they existed has (the migration's column defaults). */
export const ROUND_SETTING_DEFAULTS = {
  conflictScope: 'family',
  contacts: [],
  acceptanceOpensOn: null,
  acceptanceCriteria: DEFAULT_ACCEPTANCE_CRITERIA,
  minAcceptanceReviews: 3,
  prizeCaps: {},
  recommendableGrades: ['first'],
  publicityWorkingDays: 5,
};

/** The round settings an amendment may still change once the round has opened: its deadlines. */
export const ROUND_DEADLINES = ['submissionDeadline', 'revisionDeadline', 'finalAcceptanceDate', 'acceptanceOpensOn'];

/** The review criteria, as SUBMIT_REVIEW's scores name them. */
export const CRITERIA = ['direction', 'innovation', 'practicality', 'breadth', 'exemplarity'];

/** The fields of each table's projection, key fields first. */
export const PROJECTION_FIELDS = {
  units: ['id', 'name', 'type', 'parentId', 'active', 'createdAt'],
  users: ['id', 'name', 'role', 'unitId', 'tokenFingerprint', 'active', 'createdAt'],
  rounds: ['id', ...ROUND_SETTINGS, 'state', 'contextSha256', 'machineId', 'machineVersion', 'projectMachineVersion', 'version', 'createdAt', 'updatedAt'],
  projects: [
    'id',
    'roundId',
    'unitId',
    'category',
    'direction',
    'title',
    'letterSha256',
    'state',
    'contextSha256',
    'machineId',
    'machineVersion',
    'version',
    'grade',
    'funding',
    'createdBy',
    'createdAt',
    'updatedAt',
  ],
  reviewer_assignments: ['projectId', 'reviewerId', 'assignedBy', 'assignedAt', 'state', 'replacedBy', 'replacedAt', 'replaceReason'],
  reviews: ['projectId', 'reviewerId', ...CRITERIA, 'total', 'commentSha256', 'logSeq', 'createdAt', 'updatedAt'],
  files: ['id', 'projectId', 'kind', 'fileName', 'mediaType', 'size', 'sha256', 'contentSha256', 'uploadedBy', 'createdAt'],
  round_extensions: ['roundId', 'unitId', 'submissionDeadline', 'reason', 'grantedBy', 'grantedAt'],
  panels: ['roundId', 'kind', 'name', 'createdBy', 'createdAt', 'updatedAt'],
  panel_members: ['roundId', 'kind', 'userId', 'active', 'addedBy', 'addedAt', 'removedAt', 'removeReason'],
  letter_revisions: ['projectId', 'revision', 'letterSha256', 'savedBy', 'savedAt'],
  calendar_years: ['year', 'holidays', 'workdays', 'version', 'updatedBy', 'updatedAt'],
  round_documents: ['id', 'roundId', 'kind', 'fileName', 'mediaType', 'size', 'sha256', 'contentSha256', 'uploadedBy', 'createdAt'],
  acceptance_assignments: ['projectId', 'reviewerId', 'assignedBy', 'assignedAt', 'state', 'replacedBy', 'replacedAt', 'replaceReason'],
  acceptance_reviews: ['projectId', 'reviewerId', 'scores', 'total', 'commentSha256', 'logSeq', 'createdAt', 'updatedAt'],
};

/** The key fields of each table, in the order its key (`a/b/c`) names them. */
export const KEY_FIELDS = {
  units: ['id'],
  users: ['id'],
  rounds: ['id'],
  projects: ['id'],
  reviewer_assignments: ['projectId', 'reviewerId'],
  reviews: ['projectId', 'reviewerId'],
  files: ['id'],
  round_extensions: ['roundId', 'unitId'],
  panels: ['roundId', 'kind'],
  panel_members: ['roundId', 'kind', 'userId'],
  letter_revisions: ['projectId', 'revision'],
  calendar_years: ['year'],
  round_documents: ['id'],
  acceptance_assignments: ['projectId', 'reviewerId'],
  acceptance_reviews: ['projectId', 'reviewerId'],
};
const NUMERIC_KEY_FIELDS = new Set(['revision', 'year']);

/**
 * Fields added to a table after rows of it were first logged: an entry written before them (an
 * older CREATE_*, an ADOPT) implies the migration's default.
 */
const LATER_FIELD_DEFAULTS = {
  units: { active: true },
  rounds: ROUND_SETTING_DEFAULTS,
  reviewer_assignments: { state: 'assigned', replacedBy: null, replacedAt: null, replaceReason: null },
  acceptance_assignments: { state: 'assigned', replacedBy: null, replacedAt: null, replaceReason: null },
};

/** The table whose rows a subject kind's entries write. */
export const TABLE_OF_KIND = {
  unit: 'units',
  user: 'users',
  round: 'rounds',
  project: 'projects',
  assignment: 'reviewer_assignments',
  file: 'files',
  extension: 'round_extensions',
  panel: 'panels',
  panel_member: 'panel_members',
  calendar: 'calendar_years',
  round_document: 'round_documents',
  acceptance_assignment: 'acceptance_assignments',
};

/** The machine id of record entries (acts that are not machine transitions). */
export const RECORD_MACHINE = 'record';

/** Member names as JSON text, kept: the same few names recur in every payload and context written. */
const MEMBER_NAMES = new Map();
const MEMBER_NAMES_KEPT = 4096;

function memberName(key) {
  let quoted = MEMBER_NAMES.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (MEMBER_NAMES.size < MEMBER_NAMES_KEPT) MEMBER_NAMES.set(key, quoted);
  }
  return quoted;
}

/**
 * RFC 8785 canonical JSON (as the log's payloads are written): members sorted by UTF-16 code units,
 * strings and numbers as ECMAScript's JSON.stringify writes them. As JSON.stringify does, undefined
 * members are left out, an undefined array item is written null, and a value with toJSON (a Date)
 * is written as what toJSON returns. Loops and appends rather than map and join, and each member
 * name quoted once: the service runs this several times for every entry it appends.
 */
export function canonicalize(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('RFC 8785 has no form for NaN or Infinity');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`RFC 8785 has no form for a ${typeof value}`);
  }
  if (typeof value.toJSON === 'function') return canonicalize(value.toJSON());
  if (Array.isArray(value)) {
    let text = '';
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i];
      text += `${i === 0 ? '' : ','}${item === undefined ? 'null' : canonicalize(item)}`;
    }
    return `[${text}]`;
  }
  const keys = Object.keys(value).sort();
  let text = '';
  for (const key of keys) {
    const item = value[key];
    if (item === undefined) continue;
    text += `${text.length === 0 ? '' : ','}${memberName(key)}:${canonicalize(item)}`;
  }
  return `{${text}}`;
}

/** One-shot hashing (crypto.hash, Node 20.12 and 21.7 on) where there is one: no Hash object per digest. */
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : null;

export const sha256Hex = oneShotHash ? (data) => oneShotHash('sha256', data, 'hex') : (data) => createHash('sha256').update(data).digest('hex');

/**
 * SHA-256 of the canonical JSON of a JSON value, or of JSON text as stored in a column. Text that is
 * not JSON (a tampered column) hashes as its raw bytes, which no logged hash of canonical JSON matches.
 */
export function jsonSha256(value) {
  if (typeof value !== 'string') return sha256Hex(canonicalize(value));
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    return sha256Hex(`not JSON: ${value}`);
  }
  return sha256Hex(canonicalize(parsed));
}

/** The key of a projection in its table: its id, or its key fields joined by `/` (`<projectId>/<reviewerId>` ...). */
export function rowKey(table, projection) {
  const fields = KEY_FIELDS[table];
  if (fields.length > 1) return fields.map((field) => projection[field]).join('/');
  // A numeric key (a calendar's year) is named as the log's subject id names it: as text.
  const key = projection[fields[0]];
  return typeof key === 'number' ? String(key) : key;
}

const orNull = (value) => (value === undefined ? null : value);
const bool = (value) => (value === null || value === undefined ? null : value === true || value === 1);
/** A JSON column as text or parsed; text that is not JSON stays text (and diverges). */
const jsonValue = (value) => {
  if (typeof value !== 'string') return orNull(value);
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
const bytesOf = (value) => (typeof value === 'string' ? Buffer.from(value, 'base64') : value);

/**
 * The audited projection of a stored row, given with camelCase names (as Drizzle or an aliased
 * SELECT reads it): JSON columns as text or parsed, booleans as 0/1 or true/false, a file's bytes
 * as a Buffer (or base64 text).
 */
export function projectRow(table, row) {
  switch (table) {
    case 'units':
      return { id: row.id, name: row.name, type: row.type, parentId: orNull(row.parentId), active: bool(row.active), createdAt: row.createdAt };
    case 'users':
      return {
        id: row.id,
        name: row.name,
        role: row.role,
        unitId: orNull(row.unitId),
        tokenFingerprint: row.tokenFingerprint ?? sha256Hex(row.tokenHash),
        active: bool(row.active),
        createdAt: row.createdAt,
      };
    case 'rounds': {
      const projection = { id: row.id };
      for (const setting of ROUND_SETTINGS) {
        projection[setting] = setting === 'requireSignedLetter' ? bool(row[setting]) : JSON_ROUND_SETTINGS.has(setting) ? jsonValue(row[setting]) : orNull(row[setting]);
      }
      return Object.assign(projection, {
        state: row.state,
        contextSha256: row.contextSha256 ?? jsonSha256(row.context),
        machineId: row.machineId,
        machineVersion: row.machineVersion,
        projectMachineVersion: row.projectMachineVersion,
        version: row.version,
        createdAt: row.createdAt,
        updatedAt: orNull(row.updatedAt),
      });
    }
    case 'projects':
      return {
        id: row.id,
        roundId: row.roundId,
        unitId: row.unitId,
        category: row.category,
        direction: row.direction,
        title: row.title,
        letterSha256: row.letterSha256 ?? jsonSha256(row.letter),
        state: row.state,
        contextSha256: row.contextSha256 ?? jsonSha256(row.context),
        machineId: row.machineId,
        machineVersion: row.machineVersion,
        version: row.version,
        grade: orNull(row.grade),
        funding: orNull(row.funding),
        createdBy: row.createdBy,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    case 'reviewer_assignments':
    case 'acceptance_assignments':
      return {
        projectId: row.projectId,
        reviewerId: row.reviewerId,
        assignedBy: row.assignedBy,
        assignedAt: row.assignedAt,
        state: row.state,
        replacedBy: orNull(row.replacedBy),
        replacedAt: orNull(row.replacedAt),
        replaceReason: orNull(row.replaceReason),
      };
    case 'reviews': {
      const projection = { projectId: row.projectId, reviewerId: row.reviewerId };
      for (const criterion of CRITERIA) projection[criterion] = row[criterion];
      return Object.assign(projection, {
        total: row.total,
        commentSha256: row.commentSha256 ?? sha256Hex(row.comment),
        logSeq: row.logSeq,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      });
    }
    case 'files':
    case 'round_documents':
      return {
        id: row.id,
        ...(table === 'files' ? { projectId: row.projectId } : { roundId: row.roundId }),
        kind: row.kind,
        fileName: row.fileName,
        mediaType: row.mediaType,
        size: row.size,
        sha256: row.sha256,
        contentSha256: row.contentSha256 ?? sha256Hex(bytesOf(row.content)),
        uploadedBy: row.uploadedBy,
        createdAt: row.createdAt,
      };
    case 'round_extensions':
      return {
        roundId: row.roundId,
        unitId: row.unitId,
        submissionDeadline: row.submissionDeadline,
        reason: row.reason,
        grantedBy: row.grantedBy,
        grantedAt: row.grantedAt,
      };
    case 'panels':
      return { roundId: row.roundId, kind: row.kind, name: row.name, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt };
    case 'panel_members':
      return {
        roundId: row.roundId,
        kind: row.kind,
        userId: row.userId,
        active: bool(row.active),
        addedBy: row.addedBy,
        addedAt: row.addedAt,
        removedAt: orNull(row.removedAt),
        removeReason: orNull(row.removeReason),
      };
    case 'letter_revisions':
      return {
        projectId: row.projectId,
        revision: row.revision,
        letterSha256: jsonSha256(row.letter),
        savedBy: row.savedBy,
        savedAt: row.savedAt,
      };
    case 'calendar_years':
      return {
        year: row.year,
        holidays: jsonValue(row.holidays),
        workdays: jsonValue(row.workdays),
        version: row.version,
        updatedBy: row.updatedBy,
        updatedAt: row.updatedAt,
      };
    case 'acceptance_reviews':
      return {
        projectId: row.projectId,
        reviewerId: row.reviewerId,
        scores: jsonValue(row.scores),
        total: row.total,
        commentSha256: row.commentSha256 ?? sha256Hex(row.comment),
        logSeq: row.logSeq,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    default:
      throw new TypeError(`${JSON.stringify(table)} is not an audited table`);
  }
}

/** A projection of `table` with every field null but its key. */
function unborn(table, key) {
  const projection = Object.fromEntries(PROJECTION_FIELDS[table].map((field) => [field, null]));
  const fields = KEY_FIELDS[table];
  const parts = fields.length === 1 ? [key] : key.split('/');
  fields.forEach((field, i) => {
    projection[field] = NUMERIC_KEY_FIELDS.has(field) ? Number(parts[i]) : orNull(parts[i]);
  });
  return projection;
}

/** The fields a table gained later, filled with their defaults where an older entry left them out. */
function withLaterDefaults(table, projection) {
  const defaults = LATER_FIELD_DEFAULTS[table];
  if (defaults) for (const [field, value] of Object.entries(defaults)) if (projection[field] === null || projection[field] === undefined) projection[field] = value;
  return projection;
}

/** Applies an amendment's `changes` ({ field: { from, to } }) to the fields it may change. */
function applyChanges(projection, payload, fields) {
  const changes = payload.changes && typeof payload.changes === 'object' ? payload.changes : {};
  for (const field of fields) if (has(changes, field) && changes[field] && typeof changes[field] === 'object') projection[field] = orNull(changes[field].to);
}

const parsePayload = (text) => {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
};
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const VERSION_OF = /@(\d+)$/;

/**
 * The projections the log implies. Feed it every entry in sequence order (apply); `tables` then
 * maps each audited table to its projections by key. It keeps one projection per subject.
 */
export class TablesReplayer {
  constructor() {
    /** table → key → projection */
    this.tables = new Map(AUDITED_TABLES.map((table) => [table, new Map()]));
    this.entries = 0;
  }

  /** The projections of one table, by key. */
  table(name) {
    return this.tables.get(name);
  }

  /** Applies one log entry (seq, subjectKind, subjectId, event, toState, payload as text, actorId, at, machineId, machineVersion). */
  apply(entry) {
    this.entries += 1;
    const table = TABLE_OF_KIND[entry.subjectKind];
    if (!table) return;
    const rows = this.tables.get(table);
    const payload = parsePayload(entry.payload);
    const key = entry.subjectId;

    if (entry.event === 'ADOPT') {
      const row = payload.row && typeof payload.row === 'object' ? payload.row : {};
      rows.set(key, withLaterDefaults(table, { ...unborn(table, key), ...row }));
      return;
    }
    const current = () => {
      let projection = rows.get(key);
      if (!projection) {
        projection = unborn(table, key);
        rows.set(key, projection);
      }
      return projection;
    };
    switch (entry.event) {
      case 'CREATE_UNIT':
        rows.set(key, { id: key, name: orNull(payload.name), type: orNull(payload.type), parentId: orNull(payload.parentId), active: true, createdAt: entry.at });
        return;
      case 'AMEND_UNIT':
        applyChanges(current(), payload, ['name', 'parentId']);
        return;
      case 'DEACTIVATE_UNIT':
      case 'DEACTIVATE_USER':
        current().active = false;
        return;
      case 'REACTIVATE_UNIT':
      case 'REACTIVATE_USER':
        current().active = true;
        return;
      case 'DELETE_UNIT':
      case 'REVOKE_EXTENSION':
        rows.delete(key);
        return;
      case 'AMEND_USER':
        applyChanges(current(), payload, ['name', 'unitId']);
        return;
      case 'ROTATE_TOKEN':
      case 'REISSUE_TOKEN':
        current().tokenFingerprint = orNull(payload.tokenFingerprint);
        return;
      case 'GRANT_EXTENSION': {
        const [roundId, unitId] = key.split('/');
        rows.set(key, {
          roundId,
          unitId,
          submissionDeadline: orNull(payload.submissionDeadline),
          reason: orNull(payload.reason),
          grantedBy: entry.actorId,
          grantedAt: entry.at,
        });
        return;
      }
      case 'NAME_PANEL': {
        const panel = rows.get(key);
        if (panel) {
          panel.name = orNull(payload.name);
          panel.updatedAt = entry.at;
        } else {
          const [roundId, kind] = key.split('/');
          rows.set(key, { roundId, kind, name: orNull(payload.name), createdBy: entry.actorId, createdAt: entry.at, updatedAt: entry.at });
        }
        return;
      }
      case 'ADD_PANEL_MEMBER': {
        const [roundId, kind, userId] = key.split('/');
        rows.set(key, { roundId, kind, userId, active: true, addedBy: entry.actorId, addedAt: entry.at, removedAt: null, removeReason: null });
        return;
      }
      case 'REMOVE_PANEL_MEMBER': {
        const member = current();
        member.active = false;
        member.removedAt = entry.at;
        member.removeReason = orNull(payload.reason);
        return;
      }
      case 'REPLACE_REVIEWER':
      case 'REPLACE_ACCEPTANCE_REVIEWER': {
        const assignment = current();
        assignment.state = 'replaced';
        assignment.replacedBy = orNull(payload.replacementId);
        assignment.replacedAt = entry.at;
        assignment.replaceReason = orNull(payload.reason);
        return;
      }
      case 'CREATE_USER':
        rows.set(key, {
          id: key,
          name: orNull(payload.name),
          role: orNull(payload.role),
          unitId: orNull(payload.unitId),
          tokenFingerprint: orNull(payload.tokenFingerprint),
          active: true,
          createdAt: entry.at,
        });
        return;
      // A review assignment and an acceptance assignment have the same columns.
      case 'ASSIGN_REVIEWER':
      case 'ASSIGN_ACCEPTANCE_REVIEWER':
        rows.set(key, {
          projectId: orNull(payload.projectId),
          reviewerId: orNull(payload.reviewerId),
          assignedBy: entry.actorId,
          assignedAt: entry.at,
          state: 'assigned',
          replacedBy: null,
          replacedAt: null,
          replaceReason: null,
        });
        return;
      case 'UPLOAD_FILE':
        rows.set(key, {
          id: key,
          projectId: orNull(payload.projectId),
          kind: orNull(payload.kind),
          fileName: orNull(payload.fileName),
          mediaType: orNull(payload.mediaType),
          size: orNull(payload.size),
          sha256: orNull(payload.sha256),
          // The log vouches for the bytes through their hash: the stored bytes must hash to it.
          contentSha256: orNull(payload.sha256),
          uploadedBy: entry.actorId,
          createdAt: entry.at,
        });
        return;
      case 'UPLOAD_ROUND_DOCUMENT':
        rows.set(key, {
          id: key,
          roundId: orNull(payload.roundId),
          kind: orNull(payload.kind),
          fileName: orNull(payload.fileName),
          mediaType: orNull(payload.mediaType),
          size: orNull(payload.size),
          sha256: orNull(payload.sha256),
          contentSha256: orNull(payload.sha256),
          uploadedBy: entry.actorId,
          createdAt: entry.at,
        });
        return;
      case 'SET_CALENDAR': {
        const previous = rows.get(key);
        rows.set(key, {
          year: Number(key),
          holidays: orNull(payload.holidays),
          workdays: orNull(payload.workdays),
          version: (previous?.version ?? 0) + 1,
          updatedBy: entry.actorId,
          updatedAt: entry.at,
        });
        return;
      }
      case 'CREATE_ROUND': {
        const settings = payload.settings ?? {};
        const projection = { id: key };
        for (const setting of ROUND_SETTINGS) projection[setting] = orNull(settings[setting]);
        withLaterDefaults('rounds', projection);
        rows.set(
          key,
          Object.assign(projection, {
            state: entry.toState,
            contextSha256: orNull(payload.contextSha256),
            machineId: payload.machine?.id ?? entry.machineId,
            machineVersion: payload.machine?.version ?? entry.machineVersion,
            projectMachineVersion: orNull(payload.projectMachineVersion),
            version: 1,
            createdAt: entry.at,
            updatedAt: null,
          }),
        );
        return;
      }
      case 'CREATE_PROJECT':
        rows.set(key, {
          id: key,
          roundId: orNull(payload.roundId),
          unitId: orNull(payload.unitId),
          category: orNull(payload.category),
          direction: orNull(payload.direction),
          title: orNull(payload.title),
          letterSha256: orNull(payload.letterSha256),
          state: entry.toState,
          contextSha256: orNull(payload.contextSha256),
          machineId: payload.machine?.id ?? entry.machineId,
          machineVersion: payload.machine?.version ?? entry.machineVersion,
          version: 1,
          grade: null,
          funding: null,
          createdBy: entry.actorId,
          createdAt: entry.at,
          updatedAt: entry.at,
        });
        this.letterRevision(entry, payload);
        return;
    }
    if (table !== 'projects' && table !== 'rounds') return;

    // A later entry of a subject with a machine: one version up.
    let projection = rows.get(key);
    if (!projection) {
      projection = unborn(table, key);
      projection.version = 0;
      rows.set(key, projection);
    }
    projection.version = (projection.version ?? 0) + 1;
    projection.updatedAt = entry.at;
    projection.state = entry.toState;
    if (entry.machineId !== RECORD_MACHINE) {
      projection.machineId = entry.machineId;
      projection.machineVersion = entry.machineVersion;
    }
    if (has(payload, 'contextSha256')) projection.contextSha256 = payload.contextSha256;

    if (table === 'rounds') {
      if (entry.event === 'MIGRATE' && payload.projectMachine && typeof payload.projectMachine.to === 'string') {
        const version = VERSION_OF.exec(payload.projectMachine.to);
        if (version) projection.projectMachineVersion = Number(version[1]);
      }
      if (entry.event === 'AMEND_ROUND') applyChanges(projection, payload, ROUND_SETTINGS);
      return;
    }
    switch (entry.event) {
      case 'EDIT_DRAFT':
        for (const field of ['category', 'direction', 'title', 'letterSha256']) if (has(payload, field)) projection[field] = payload[field];
        this.letterRevision(entry, payload);
        return;
      case 'GRADE':
        projection.grade = orNull(payload.grade);
        projection.funding = orNull(payload.funding);
        return;
      case 'FAIL':
        projection.funding = has(payload, 'funding') ? payload.funding : 0;
        return;
      case 'SUBMIT_REVIEW':
        this.review(entry, payload);
        return;
      case 'SUBMIT_ACCEPTANCE_REVIEW':
        this.acceptanceReview(entry, payload);
        return;
    }
  }

  /** SUBMIT_ACCEPTANCE_REVIEW: the reviewer's scores by the round's acceptance criteria (key project/reviewer). */
  acceptanceReview(entry, payload) {
    const reviews = this.tables.get('acceptance_reviews');
    const key = `${entry.subjectId}/${entry.actorId}`;
    const scores = payload.scores && typeof payload.scores === 'object' && !Array.isArray(payload.scores) ? payload.scores : null;
    const values = scores ? Object.values(scores) : [];
    const previous = reviews.get(key);
    reviews.set(key, {
      projectId: entry.subjectId,
      reviewerId: entry.actorId,
      scores,
      total: scores && values.every((v) => typeof v === 'number') ? values.reduce((sum, v) => sum + v, 0) : null,
      commentSha256: typeof payload.comment === 'string' ? sha256Hex(payload.comment) : null,
      logSeq: entry.seq,
      createdAt: previous ? previous.createdAt : entry.at,
      updatedAt: entry.at,
    });
  }

  /** CREATE_PROJECT and EDIT_DRAFT that saved a letter (payload.letterRevision) keep that revision. */
  letterRevision(entry, payload) {
    if (typeof payload.letterRevision !== 'number') return;
    this.tables.get('letter_revisions').set(`${entry.subjectId}/${payload.letterRevision}`, {
      projectId: entry.subjectId,
      revision: payload.letterRevision,
      letterSha256: orNull(payload.letterSha256),
      savedBy: entry.actorId,
      savedAt: entry.at,
    });
  }

  review(entry, payload) {
    const reviews = this.tables.get('reviews');
    const key = `${entry.subjectId}/${entry.actorId}`;
    const scores = payload.scores && typeof payload.scores === 'object' ? payload.scores : {};
    const previous = reviews.get(key);
    const review = { projectId: entry.subjectId, reviewerId: entry.actorId };
    let total = 0;
    for (const criterion of CRITERIA) {
      review[criterion] = orNull(scores[criterion]);
      total += typeof scores[criterion] === 'number' ? scores[criterion] : NaN;
    }
    reviews.set(
      key,
      Object.assign(review, {
        total: Number.isFinite(total) ? total : null,
        commentSha256: typeof payload.comment === 'string' ? sha256Hex(payload.comment) : null,
        logSeq: entry.seq,
        createdAt: previous ? previous.createdAt : entry.at,
        updatedAt: entry.at,
      }),
    );
  }
}

const sameValue = (a, b) => {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return canonicalize(x) === canonicalize(y);
};

/**
 * Compares the stored projections with the logged ones, table by table. Feed every stored row of a
 * table (add), then close the table (endTable): the logged rows no stored row matched are named
 * then. Consumes the replayer's projections as it goes. Keeps the first `limit` divergences and
 * counts them all.
 */
export class TableComparison {
  constructor(logged, { limit = 100 } = {}) {
    /** table → Map(key → projection), or a TablesReplayer */
    this.logged = logged instanceof TablesReplayer ? logged.tables : logged;
    this.limit = limit;
    this.divergences = [];
    this.divergenceCount = 0;
    /** table → { stored, logged, divergences } */
    this.counts = new Map(AUDITED_TABLES.map((table) => [table, { stored: 0, logged: this.logged.get(table)?.size ?? 0, divergences: 0 }]));
  }

  diverge(table, key, field, logged, stored) {
    this.divergenceCount += 1;
    this.counts.get(table).divergences += 1;
    if (this.divergences.length < this.limit) this.divergences.push({ table, key, field, logged: orNull(logged), stored: orNull(stored) });
  }

  /** One stored row's projection (projectRow's answer). */
  add(table, stored) {
    const counts = this.counts.get(table);
    if (!counts) throw new TypeError(`${JSON.stringify(table)} is not an audited table`);
    counts.stored += 1;
    const key = rowKey(table, stored);
    const rows = this.logged.get(table);
    const logged = rows?.get(key);
    if (!logged) {
      this.diverge(table, key, '(row)', null, stored);
      return;
    }
    rows.delete(key);
    for (const field of PROJECTION_FIELDS[table]) {
      if (!sameValue(logged[field], stored[field])) this.diverge(table, key, field, logged[field], stored[field]);
    }
  }

  /** Every logged row of the table that no stored row matched: in the log, missing from the table. */
  endTable(table) {
    const rows = this.logged.get(table);
    if (!rows) return;
    for (const [key, logged] of rows) this.diverge(table, key, '(row)', logged, null);
    rows.clear();
  }

  /** The verdict: valid, rows per table, the divergence count and the first `limit` divergences. */
  result() {
    return {
      valid: this.divergenceCount === 0,
      tables: [...this.counts].map(([table, c]) => ({ table, storedRows: c.stored, loggedRows: c.logged, divergences: c.divergences })),
      divergenceCount: this.divergenceCount,
      divergences: this.divergences,
    };
  }
}

/**
 * Compares projections held in memory: `logged` a TablesReplayer or table → Map(key → projection),
 * `stored` table → iterable of stored projections. Every divergence, tables in AUDITED_TABLES order.
 */
export function compareTables(logged, stored) {
  const comparison = new TableComparison(logged, { limit: Infinity });
  for (const table of AUDITED_TABLES) {
    for (const row of stored[table] ?? []) comparison.add(table, row);
    comparison.endTable(table);
  }
  return comparison.divergences;
}
