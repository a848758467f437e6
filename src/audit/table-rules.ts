/**
 * The table replay's rules (src/audit/tables-replay.mjs), loaded from the repository's own file: the
 * very file the audit bundle carries beside verify.mjs, under tsx (src/) and once compiled (dist/
 * holds no copy of plain JavaScript), so the service and the stand-alone verifier can never replay
 * by different rules.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findRepositoryPath } from '../repo-files.js';

export type * from './tables-replay.mjs';

/** Where the rules live: the file the bundle ships as tables-replay.mjs. */
export function tablesReplaySourcePath(): string {
  return findRepositoryPath(import.meta.url, path.join('src', 'audit', 'tables-replay.mjs'));
}

type TableRules = typeof import('./tables-replay.mjs');
export const tableRules = (await import(pathToFileURL(tablesReplaySourcePath()).href)) as TableRules;
export const {
  AUDITED_TABLES,
  CRITERIA,
  PROJECTION_FIELDS,
  RECORD_MACHINE,
  ROUND_SETTINGS,
  ROUND_SETTING_DEFAULTS,
  ROUND_DEADLINES,
  KEY_FIELDS,
  TABLE_OF_KIND,
  TableComparison,
  TablesReplayer,
  canonicalize,
  compareTables,
  jsonSha256,
  projectRow,
  rowKey,
  sha256Hex,
} = tableRules;
