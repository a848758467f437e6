/**
 * Every table of the service. Column names are snake_case through Drizzle's `casing` option; types
 * stay portable (text ids, integer money in whole yuan, ISO-8601 UTC text timestamps) so that a
 * PostgreSQL schema can mirror this one.
 */
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Grade, Letter, ProjectContext } from '../../machines/project.types.js';
import type { RoundContext } from '../../machines/round.types.js';

/** A criterion the acceptance panel scores (结项评审标准), a round setting. */
export interface AcceptanceCriterion {
  key: string;
  label: { zh: string; en: string };
}

/** The most projects each prize of a round may go to; an absent grade has no cap. */
export type PrizeCaps = Partial<Record<'first' | 'second' | 'third', number>>;

/**
 * A round's acceptance criteria unless it names its own: the notice's three (目标完成情况, 实际成效,
 * 材料规范). The replay's ROUND_SETTING_DEFAULTS (src/audit/tables-replay.mjs) holds the same list.
 */
export const DEFAULT_ACCEPTANCE_CRITERIA: AcceptanceCriterion[] = [
  { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
  { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
  { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
];
const DEFAULT_ACCEPTANCE_CRITERIA_SQL = JSON.stringify(DEFAULT_ACCEPTANCE_CRITERIA);

/** A contact person of a round's notice (联系人). */
export interface RoundContact {
  name: string;
  phone: string;
}

export const units = sqliteTable(
  'units',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    type: text({ enum: ['organ_committee', 'general_branch', 'direct_branch', 'branch'] }).notNull(),
    parentId: text().references((): AnySQLiteColumn => units.id),
    /** A deactivated unit stays (it is referenced) but leaves the quota and takes no new projects. */
    active: integer({ mode: 'boolean' }).notNull().default(true),
    createdAt: text().notNull(),
  },
  (t) => [index('units_parent_idx').on(t.parentId)],
);

export const users = sqliteTable(
  'users',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    role: text({ enum: ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor', 'admin'] }).notNull(),
    unitId: text().references(() => units.id),
    /** SHA-256 of the bearer token, hex; the token itself is never stored. */
    tokenHash: text().notNull(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    createdAt: text().notNull(),
  },
  (t) => [uniqueIndex('users_token_hash_idx').on(t.tokenHash), index('users_unit_idx').on(t.unitId)],
);

/**
 * How people log in (issue 17): a username and a password (scrypt, `scrypt$N$r$p$salt$hash`), the
 * count of consecutive failed logins and the lock they led to. Beside `users`, not in it: the audited
 * tables hold only what the log proves, and a failed login or a lock is an attempt, not a decision
 * (each failure is a row of security_events). An admin's setting of the password and the user's
 * change of it are log entries (SET_PASSWORD, CHANGE_PASSWORD), never with the password or its hash.
 */
export const userCredentials = sqliteTable(
  'user_credentials',
  {
    userId: text()
      .primaryKey()
      .references(() => users.id),
    /** 3 to 32 of a-z 0-9 . _ -; unique. */
    username: text().notNull(),
    /** Null: no password set yet (no login). */
    passwordHash: text(),
    /** Set by an admin's initial password: the user must choose its own before anything else. */
    mustChangePassword: integer({ mode: 'boolean' }).notNull().default(true),
    failedLogins: integer().notNull().default(0),
    /** While set and in the future, every login is refused (even with the right password). */
    lockedUntil: text(),
    passwordChangedAt: text(),
  },
  (t) => [uniqueIndex('user_credentials_username_idx').on(t.username)],
);

/**
 * Login sessions: the cookie's value (256 random bits) is kept only as its SHA-256; the CSRF token
 * is kept as it is (it is worth nothing without the cookie). A session ends when revoked, after
 * `idle` without a request or at `expires_at` (its absolute end), whichever comes first.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    /** A public, opaque handle (listing and revoking), not the cookie's value. */
    id: text().primaryKey(),
    tokenHash: text().notNull(),
    userId: text()
      .notNull()
      .references(() => users.id),
    csrfToken: text().notNull(),
    createdAt: text().notNull(),
    lastSeenAt: text().notNull(),
    /** The absolute end: createdAt + the maximum lifetime. */
    expiresAt: text().notNull(),
    revokedAt: text(),
    userAgent: text(),
    ip: text(),
  },
  (t) => [uniqueIndex('sessions_token_hash_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const rounds = sqliteTable(
  'rounds',
  {
    id: text().primaryKey(),
    year: integer().notNull(),
    title: text().notNull(),
    documentNumber: text().notNull(),
    /** Asia/Shanghai calendar dates (YYYY-MM-DD), inclusive to the end of the day. */
    submissionDeadline: text().notNull(),
    revisionDeadline: text(),
    finalAcceptanceDate: text().notNull(),
    /**
     * The first day acceptance is open, when a recorded setting opens it before (or as of) the
     * final-acceptance date; null: acceptance opens at finalAcceptanceDate.
     */
    acceptanceOpensOn: text(),
    fundingFirst: integer().notNull(),
    fundingSecond: integer().notNull(),
    fundingThird: integer().notNull(),
    fundingQualified: integer().notNull(),
    minReviews: integer().notNull(),
    scoreMin: integer().notNull(),
    scoreMax: integer().notNull(),
    /** Whether SUBMIT needs the signed and sealed letter (a PDF upload) first. */
    requireSignedLetter: integer({ mode: 'boolean' }).notNull().default(false),
    /**
     * Conflict of interest: `family` (default) bars a reviewer of the project's unit, of a unit above or
     * below it, and of a sibling under the same 党总支 / 机关党委; `line` narrows it to the unit and its line.
     */
    conflictScope: text({ enum: ['family', 'line'] })
      .notNull()
      .default('family'),
    /** The notice's contact persons, each { name, phone }. */
    contacts: text({ mode: 'json' })
      .$type<RoundContact[]>()
      .notNull()
      .default(sql`'[]'`),
    /**
     * 结项评审 (project@2): the criteria the acceptance panel scores, each { key, label: { zh, en } },
     * on the round's score scale; the acceptance reviews a grade proposal needs; the most projects
     * each prize may go to ({} = no cap); the grades the committee may recommend upward.
     */
    acceptanceCriteria: text({ mode: 'json' })
      .$type<AcceptanceCriterion[]>()
      .notNull()
      .default(sql`'${sql.raw(DEFAULT_ACCEPTANCE_CRITERIA_SQL)}'`),
    minAcceptanceReviews: integer().notNull().default(3),
    prizeCaps: text({ mode: 'json' })
      .$type<PrizeCaps>()
      .notNull()
      .default(sql`'{}'`),
    recommendableGrades: text({ mode: 'json' })
      .$type<Grade[]>()
      .notNull()
      .default(sql`'["first"]'`),
    /**
     * round@2: the publicity period (公示) of the proposed list, in working days (Asia/Shanghai, the
     * calendar's holidays and adjusted working days), counted from the day after the committee
     * concludes its decisions; 0: the period ends the moment it begins.
     */
    publicityWorkingDays: integer().notNull().default(5),
    /** The round machine's state, beside its persisted context (as for projects). */
    state: text().notNull().default('open'),
    context: text({ mode: 'json' })
      .$type<RoundContext>()
      .notNull()
      .default(sql`'{}'`),
    machineId: text().notNull().default('round'),
    machineVersion: integer().notNull().default(1),
    /** The version of the project machine this round's projects run under (`project@<n>`). */
    projectMachineVersion: integer().notNull().default(1),
    /** Incremented by every round transition. */
    version: integer().notNull().default(1),
    createdAt: text().notNull(),
    updatedAt: text(),
  },
  (t) => [check('rounds_scale_check', sql`${t.scoreMin} >= 0 AND ${t.scoreMax} > ${t.scoreMin}`), check('rounds_min_reviews_check', sql`${t.minReviews} >= 1`)],
);

export const projects = sqliteTable(
  'projects',
  {
    id: text().primaryKey(),
    roundId: text()
      .notNull()
      .references(() => rounds.id),
    unitId: text()
      .notNull()
      .references(() => units.id),
    category: text({ enum: ['fortress', 'vanguard'] }).notNull(),
    direction: text().notNull(),
    title: text().notNull(),
    letter: text({ mode: 'json' }).$type<Letter>().notNull(),
    /** The machine's state, duplicated out of the snapshot so it can be indexed and filtered. */
    state: text().notNull(),
    /** The machine context of the persisted snapshot (the state is the column above). */
    context: text({ mode: 'json' }).$type<ProjectContext>().notNull(),
    machineId: text().notNull(),
    machineVersion: integer().notNull(),
    /** Incremented by every transition and every edit: the ETag and the optimistic lock. */
    version: integer().notNull(),
    grade: text({ enum: ['first', 'second', 'third', 'qualified'] }),
    funding: integer(),
    createdBy: text()
      .notNull()
      .references(() => users.id),
    createdAt: text().notNull(),
    updatedAt: text().notNull(),
  },
  // Each filter index ends with the id, so a filtered page in id order (the cursor) is a range
  // scan of the index: no sort, the same cost at a thousand projects or a million.
  (t) => [index('projects_state_id_idx').on(t.state, t.id), index('projects_round_id_idx').on(t.roundId, t.id), index('projects_unit_id_idx').on(t.unitId, t.id)],
);

export const reviewerAssignments = sqliteTable(
  'reviewer_assignments',
  {
    projectId: text()
      .notNull()
      .references(() => projects.id),
    reviewerId: text()
      .notNull()
      .references(() => users.id),
    assignedBy: text()
      .notNull()
      .references(() => users.id),
    assignedAt: text().notNull(),
    /** `assigned`, or `replaced` (by org_dept, with a reason): a replaced reviewer no longer reviews the project. */
    state: text({ enum: ['assigned', 'replaced'] })
      .notNull()
      .default('assigned'),
    /** The reviewer who took over, when replaced. */
    replacedBy: text().references(() => users.id),
    replacedAt: text(),
    replaceReason: text(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.reviewerId] }), index('assignments_reviewer_idx').on(t.reviewerId)],
);

export const reviews = sqliteTable(
  'reviews',
  {
    projectId: text()
      .notNull()
      .references(() => projects.id),
    reviewerId: text()
      .notNull()
      .references(() => users.id),
    direction: integer().notNull(),
    innovation: integer().notNull(),
    practicality: integer().notNull(),
    breadth: integer().notNull(),
    exemplarity: integer().notNull(),
    total: integer().notNull(),
    comment: text().notNull(),
    /** The transition-log entry that recorded the latest version of this review. */
    logSeq: integer().notNull(),
    createdAt: text().notNull(),
    updatedAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.reviewerId] })],
);

/**
 * Uploaded documents: the signed and sealed letter (a PDF) and the final report's documents. The
 * bytes live in the database, in the same transaction as everything else; the SHA-256 goes into
 * the transition-log entry of the event that uses the file.
 */
export const files = sqliteTable(
  'files',
  {
    id: text().primaryKey(),
    projectId: text()
      .notNull()
      .references(() => projects.id),
    kind: text({ enum: ['signed_letter', 'final_report_document'] }).notNull(),
    fileName: text().notNull(),
    /** Detected from the content, never from the name or the declared type. */
    mediaType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    content: blob({ mode: 'buffer' }).notNull(),
    uploadedBy: text()
      .notNull()
      .references(() => users.id),
    createdAt: text().notNull(),
  },
  (t) => [index('files_project_idx').on(t.projectId, t.kind, t.createdAt)],
);

/**
 * A unit's own submission deadline in a round (an extension granted by org_dept with a reason): it
 * replaces the round's deadline for that unit's projects. One per round and unit; granting again
 * replaces it.
 */
export const roundExtensions = sqliteTable(
  'round_extensions',
  {
    roundId: text()
      .notNull()
      .references(() => rounds.id),
    unitId: text()
      .notNull()
      .references(() => units.id),
    /** The unit's last day of submission (Asia/Shanghai, inclusive). */
    submissionDeadline: text().notNull(),
    reason: text().notNull(),
    grantedBy: text()
      .notNull()
      .references(() => users.id),
    grantedAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.unitId] })],
);
/**
 * 结项评审 (project@2): the members of the round's acceptance panel assigned to a project's final
 * report, apart from the review stage's assignments.
 */
export const acceptanceAssignments = sqliteTable(
  'acceptance_assignments',
  {
    projectId: text()
      .notNull()
      .references(() => projects.id),
    reviewerId: text()
      .notNull()
      .references(() => users.id),
    assignedBy: text()
      .notNull()
      .references(() => users.id),
    assignedAt: text().notNull(),
    /** `assigned`, or `replaced` (by org_dept, with a reason): a replaced acceptance reviewer no longer scores the final report. */
    state: text({ enum: ['assigned', 'replaced'] })
      .notNull()
      .default('assigned'),
    /** The acceptance reviewer who took over, when replaced. */
    replacedBy: text().references(() => users.id),
    replacedAt: text(),
    replaceReason: text(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.reviewerId] }), index('acceptance_assignments_reviewer_idx').on(t.reviewerId)],
);

/** An acceptance reviewer's scores of a final report, by the round's acceptance criteria (a resubmission replaces them). */
export const acceptanceReviews = sqliteTable(
  'acceptance_reviews',
  {
    projectId: text()
      .notNull()
      .references(() => projects.id),
    reviewerId: text()
      .notNull()
      .references(() => users.id),
    /** criterion key → score, as SUBMIT_ACCEPTANCE_REVIEW gave them. */
    scores: text({ mode: 'json' }).$type<Record<string, number>>().notNull(),
    total: integer().notNull(),
    comment: text().notNull(),
    /** The transition-log entry that recorded the latest version of this review. */
    logSeq: integer().notNull(),
    createdAt: text().notNull(),
    updatedAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.reviewerId] })],
);

/** The named panels of a round: `review` (评审组) and `acceptance` (结项评审组). */
export const panels = sqliteTable(
  'panels',
  {
    roundId: text()
      .notNull()
      .references(() => rounds.id),
    kind: text({ enum: ['review', 'acceptance'] }).notNull(),
    name: text().notNull(),
    createdBy: text()
      .notNull()
      .references(() => users.id),
    createdAt: text().notNull(),
    updatedAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.kind] })],
);

/** The members of a round's panel; a removed member keeps its row (inactive) and the reason. */
export const panelMembers = sqliteTable(
  'panel_members',
  {
    roundId: text()
      .notNull()
      .references(() => rounds.id),
    kind: text({ enum: ['review', 'acceptance'] }).notNull(),
    userId: text()
      .notNull()
      .references(() => users.id),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    addedBy: text()
      .notNull()
      .references(() => users.id),
    addedAt: text().notNull(),
    removedAt: text(),
    removeReason: text(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.kind, t.userId] }), index('panel_members_user_idx').on(t.userId)],
);

/**
 * Every saved revision of a project's letter (申请立项目标责任书): the revision is the project's
 * version at the save; its hash (SHA-256 of the canonical JSON) is the one its log entry names.
 */
export const letterRevisions = sqliteTable(
  'letter_revisions',
  {
    projectId: text()
      .notNull()
      .references(() => projects.id),
    revision: integer().notNull(),
    letter: text({ mode: 'json' }).$type<Letter>().notNull(),
    savedBy: text()
      .notNull()
      .references(() => users.id),
    savedAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.revision] })],
);

/**
 * The working-day calendar, one row per year: the year's public holidays and its adjusted working
 * days (调休), YYYY-MM-DD, Asia/Shanghai. A year without a row counts its weekends only.
 */
export const calendarYears = sqliteTable('calendar_years', {
  year: integer().primaryKey(),
  holidays: text({ mode: 'json' }).$type<string[]>().notNull(),
  workdays: text({ mode: 'json' }).$type<string[]>().notNull(),
  /** 1 when first set, one up with each change. */
  version: integer().notNull(),
  updatedBy: text()
    .notNull()
    .references(() => users.id),
  updatedAt: text().notNull(),
});

/**
 * A round's own documents: the signed and sealed approved list (`approved_list`, a PDF) that
 * PUBLISH_LIST names. Immutable like project files; a new upload adds a document, the latest counts.
 */
export const roundDocuments = sqliteTable(
  'round_documents',
  {
    id: text().primaryKey(),
    roundId: text()
      .notNull()
      .references(() => rounds.id),
    kind: text({ enum: ['approved_list'] }).notNull(),
    fileName: text().notNull(),
    /** Detected from the content, never from the name or the declared type. */
    mediaType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    content: blob({ mode: 'buffer' }).notNull(),
    uploadedBy: text()
      .notNull()
      .references(() => users.id),
    createdAt: text().notNull(),
  },
  (t) => [index('round_documents_round_idx').on(t.roundId, t.kind, t.createdAt)],
);

/**
 * What a log entry is about. An open set of names, checked in code (TransitionLogRepository.append)
 * rather than by the database, so a new kind of subject needs no migration. `project` and `round`
 * run machines; `unit`, `user`, `assignment`, `file`, `extension` (a unit's deadline in a round),
 * `panel`, `panel_member`, `calendar` (a year of the working-day calendar) and `round_document` (a
 * round's signed list) have record entries (created, amended, deactivated); `log` is the log itself
 * (an operator's acknowledgement of a refused head).
 */
export const SUBJECT_KINDS = [
  'project',
  'round',
  'unit',
  'user',
  'assignment',
  'file',
  'log',
  'extension',
  'panel',
  'panel_member',
  'calendar',
  'round_document',
  'acceptance_assignment',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/**
 * Append-only and hash-chained over the whole log: triggers refuse UPDATE and DELETE (see the
 * custom migrations), and each row's hash covers the previous row's hash.
 */
export const transitionLog = sqliteTable(
  'transition_log',
  {
    seq: integer().primaryKey(),
    /**
     * The layout of the bytes the row's hash covers (src/workflow/hash-chain.ts `entryBytes`): 1 for
     * rows written before subjects had a kind (their bytes name the subject `projectId`), 2 since.
     * A hashed row can never be re-hashed, so each keeps the format it was written in.
     */
    format: integer().notNull(),
    subjectKind: text({ enum: SUBJECT_KINDS }).notNull(),
    subjectId: text().notNull(),
    event: text().notNull(),
    fromState: text().notNull(),
    toState: text().notNull(),
    /** The event's payload as canonical JSON (RFC 8785). */
    payload: text().notNull(),
    actorId: text().notNull(),
    actorRole: text().notNull(),
    actorUnitId: text(),
    /** ISO-8601 UTC with milliseconds. */
    at: text().notNull(),
    requestId: text().notNull(),
    machineId: text().notNull(),
    machineVersion: integer().notNull(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [index('transition_log_subject_idx').on(t.subjectKind, t.subjectId, t.seq)],
);

export const idempotencyRecords = sqliteTable(
  'idempotency_records',
  {
    userId: text().notNull(),
    key: text().notNull(),
    /** SHA-256 over method, route and canonical body: a reused key with another body is refused. */
    requestHash: text().notNull(),
    statusCode: integer().notNull(),
    responseBody: text().notNull(),
    createdAt: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/**
 * Refused write attempts (401/403/409/412/422 ...): who tried what, when, and why it was refused.
 * Kept outside the decision chain: it records attempts, not decisions.
 */
export const securityEvents = sqliteTable(
  'security_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: text().notNull(),
    requestId: text().notNull(),
    /** Null when the caller could not be authenticated. */
    actorId: text(),
    actorRole: text(),
    method: text().notNull(),
    /** The route pattern, e.g. /api/v1/projects/:id/events. */
    route: text().notNull(),
    url: text().notNull(),
    status: integer().notNull(),
    problemType: text().notNull(),
    detail: text().notNull(),
    /** The project the attempt addressed, where the route names one. */
    projectId: text(),
    /** The event type attempted, for event routes. */
    event: text(),
    /** What the attempt addressed, of any kind (project, round, unit, user ...), where the route names one. */
    subjectKind: text(),
    subjectId: text(),
    /** The client's address as the service saw it (after trusted proxies). */
    source: text(),
  },
  (t) => [index('security_events_at_idx').on(t.at), index('security_events_actor_idx').on(t.actorId), index('security_events_subject_idx').on(t.subjectKind, t.subjectId)],
);

/**
 * Signed checkpoints of the transition log's head: an Ed25519 signature over a plain-text note
 * (origin, size, head hash) in the style of C2SP tlog-checkpoint.
 */
export const checkpoints = sqliteTable('checkpoints', {
  id: integer().primaryKey({ autoIncrement: true }),
  /** Number of log entries covered (the head's sequence number). */
  size: integer().notNull(),
  headHash: text().notNull(),
  keyId: text().notNull(),
  /** The complete signed note, as served. */
  note: text().notNull(),
  signature: text().notNull(),
  createdAt: text().notNull(),
});

/**
 * Refused attempts by callers without a valid token, aggregated per source, minute and kind of
 * refusal: anonymous noise is counted, never stored one row per request. Pruned by the retention
 * setting like security_events.
 */
export const refusedAttempts = sqliteTable(
  'refused_attempts',
  {
    /** The client's address. */
    source: text().notNull(),
    /** The minute, ISO-8601 UTC truncated: 2026-12-02T16:43Z. */
    minute: text().notNull(),
    method: text().notNull(),
    route: text().notNull(),
    status: integer().notNull(),
    problemType: text().notNull(),
    count: integer().notNull(),
    /** The first and the latest attempt of the group. */
    firstAt: text().notNull(),
    lastAt: text().notNull(),
    lastRequestId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.minute, t.method, t.route, t.status, t.problemType] }), index('refused_attempts_minute_idx').on(t.minute)],
);

/**
 * The log's sealed head: one row, rewritten by every commit that appended entries, holding the
 * head's size and hash with a MAC under a key kept outside the database. Whoever holds only the
 * database file cannot extend, cut or re-hash the log without the seal failing.
 */
export const sealedHead = sqliteTable(
  'sealed_head',
  {
    id: integer().primaryKey(),
    size: integer().notNull(),
    headHash: text().notNull(),
    /** The latest checkpoint's id when sealed (0: none), so deleted checkpoint rows are seen. */
    checkpointId: integer().notNull(),
    /** Which key made the MAC (hex key id). */
    keyId: text().notNull(),
    /** HMAC-SHA256, hex, over the seal's text (src/audit). */
    mac: text().notNull(),
    sealedAt: text().notNull(),
  },
  (t) => [check('sealed_head_single_row', sql`${t.id} = 1`)],
);

export type UnitRow = typeof units.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type UserCredentialsRow = typeof userCredentials.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type RoundRow = typeof rounds.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type TransitionLogRow = typeof transitionLog.$inferSelect;
export type ReviewRow = typeof reviews.$inferSelect;
export type SecurityEventRow = typeof securityEvents.$inferSelect;
export type FileRow = typeof files.$inferSelect;
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type IdempotencyRecordRow = typeof idempotencyRecords.$inferSelect;
export type RefusedAttemptRow = typeof refusedAttempts.$inferSelect;
export type SealedHeadRow = typeof sealedHead.$inferSelect;
export type RoundExtensionRow = typeof roundExtensions.$inferSelect;
export type PanelRow = typeof panels.$inferSelect;
export type PanelMemberRow = typeof panelMembers.$inferSelect;
export type LetterRevisionRow = typeof letterRevisions.$inferSelect;
export type CalendarYearRow = typeof calendarYears.$inferSelect;
export type RoundDocumentRow = typeof roundDocuments.$inferSelect;
export type AcceptanceAssignmentRow = typeof acceptanceAssignments.$inferSelect;
export type AcceptanceReviewRow = typeof acceptanceReviews.$inferSelect;
