/** Types of the table replay (plain JavaScript, so that the audit bundle carries it beside verify.mjs). */

export type AuditedTable =
  | 'units'
  | 'users'
  | 'rounds'
  | 'projects'
  | 'reviewer_assignments'
  | 'reviews'
  | 'files'
  | 'round_extensions'
  | 'panels'
  | 'panel_members'
  | 'letter_revisions'
  | 'calendar_years'
  | 'round_documents'
  | 'acceptance_assignments'
  | 'acceptance_reviews';
export type ProjectionValue = string | number | boolean | null | unknown[] | { [key: string]: unknown };
/** An audited projection: the fields of PROJECTION_FIELDS[table], plain JSON values. */
export type Projection = Record<string, ProjectionValue>;

export const AUDITED_TABLES: readonly AuditedTable[];
export const ROUND_SETTINGS: readonly string[];
export const ROUND_SETTING_DEFAULTS: Readonly<{
  conflictScope: 'family';
  contacts: readonly [];
  acceptanceOpensOn: null;
  acceptanceCriteria: ReadonlyArray<{ key: string; label: { zh: string; en: string } }>;
  minAcceptanceReviews: 3;
  prizeCaps: Readonly<Record<string, never>>;
  recommendableGrades: readonly ['first'];
  publicityWorkingDays: 5;
}>;
export const DEFAULT_ACCEPTANCE_CRITERIA: ReadonlyArray<{ key: string; label: { zh: string; en: string } }>;
export const ROUND_DEADLINES: readonly string[];
export const KEY_FIELDS: Readonly<Record<AuditedTable, readonly string[]>>;
export const CRITERIA: readonly string[];
export const PROJECTION_FIELDS: Readonly<Record<AuditedTable, readonly string[]>>;
export const TABLE_OF_KIND: Readonly<
  Record<
    'unit' | 'user' | 'round' | 'project' | 'assignment' | 'file' | 'extension' | 'panel' | 'panel_member' | 'calendar' | 'round_document' | 'acceptance_assignment',
    AuditedTable
  >
>;
export const RECORD_MACHINE: 'record';

export function canonicalize(value: unknown): string;
export function sha256Hex(data: string | Buffer): string;
export function jsonSha256(value: unknown): string;
export function rowKey(table: AuditedTable, projection: Projection): string;
/** The audited projection of a stored row (camelCase names; JSON columns as text or parsed; booleans as 0/1 or true/false; bytes as a Buffer). */
export function projectRow(table: AuditedTable, row: Record<string, unknown>): Projection;

/** What the replayer reads of a log entry. */
export interface ReplayedEntry {
  seq: number;
  subjectKind: string;
  subjectId: string;
  event: string;
  toState: string;
  payload: string;
  actorId: string;
  at: string;
  machineId: string;
  machineVersion: number;
}

export class TablesReplayer {
  readonly tables: Map<AuditedTable, Map<string, Projection>>;
  readonly entries: number;
  table(name: AuditedTable): Map<string, Projection>;
  apply(entry: ReplayedEntry): void;
}

export interface Divergence {
  table: AuditedTable;
  key: string;
  /** The projection's field, or `(row)` for a row only in the log (stored null) or only in the table (logged null). */
  field: string;
  /** The value the log implies; for `(row)`, the logged projection or null. */
  logged: ProjectionValue | Projection;
  /** The value stored; for `(row)`, the stored projection or null. */
  stored: ProjectionValue | Projection;
}

export interface TablesVerdict {
  valid: boolean;
  tables: Array<{ table: AuditedTable; storedRows: number; loggedRows: number; divergences: number }>;
  divergenceCount: number;
  divergences: Divergence[];
}

export class TableComparison {
  constructor(logged: TablesReplayer | Map<AuditedTable, Map<string, Projection>>, options?: { limit?: number });
  readonly divergenceCount: number;
  readonly divergences: Divergence[];
  add(table: AuditedTable, stored: Projection): void;
  endTable(table: AuditedTable): void;
  result(): TablesVerdict;
}

/** Every divergence between logged and stored projections; consumes the logged maps. */
export function compareTables(logged: TablesReplayer | Map<AuditedTable, Map<string, Projection>>, stored: Partial<Record<AuditedTable, Iterable<Projection>>>): Divergence[];
